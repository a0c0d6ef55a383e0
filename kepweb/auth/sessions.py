"""Server-side sessions and the idle timeout (WCAG 2.2.1: warn, let the citizen extend).

The cookie carries only a random session id (Flask-Session over the store of
kepweb/shared_store.py: files on one machine, Redis when there are several).
The citizen, the wizard's answers and everything else stay on the server.

A session is signed in as one person at most: a citizen (SESSION_CITIZEN) or a
member of the KEP staff (SESSION_STAFF), never both. Each sign-in renews the
session and keeps nothing of the other, so signing in as one signs the other
out; the idle timeout applies to both.
"""

from __future__ import annotations

import time

from flask import current_app, request, session, url_for
from flask_session import Session

from kepweb.htmx import is_background_refresh, redirect_whole_page

server_sessions = Session()

SESSION_CITIZEN = "citizen"
SESSION_STAFF = "staff"
LAST_SEEN = "last_seen"
# Requests that must not count as the citizen being active (nor end their session: a probe writes none).
PASSIVE_ENDPOINTS = {"static", "auth.session_expired", "auth.session_status", "staff.session_expired",
                     "health.healthz", "health.readyz"}
# Where each kind of session goes when it has ended for want of activity.
EXPIRED_PAGES = {SESSION_CITIZEN: "auth.session_expired", SESSION_STAFF: "staff.session_expired"}


def signed_in_as() -> str | None:
    """SESSION_CITIZEN, SESSION_STAFF, or None: who this session is signed in as."""
    return next((kind for kind in (SESSION_CITIZEN, SESSION_STAFF) if kind in session), None)


def idle_limit() -> float:
    return current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()


def seconds_left() -> int:
    last_seen = session.get(LAST_SEEN, time.time())
    return max(0, int(last_seen + idle_limit() - time.time()))


def renew_session() -> None:
    """A new session id, the old one forgotten: nobody who knew it before sign-in knows it now.

    (Flask-Session would keep using an id it has never seen, so a planted id is
    only harmless if sign-in always replaces it; `regenerate` skips an empty
    session, hence the marker.)
    """
    session["renewing"] = True
    current_app.session_interface.regenerate(session)
    session.clear()


def enforce_idle_timeout():
    kind = signed_in_as()
    if request.endpoint in PASSIVE_ENDPOINTS or kind is None:
        return None
    if time.time() - session.get(LAST_SEEN, 0) > idle_limit():
        renew_session()
        return redirect_whole_page(url_for(EXPIRED_PAGES[kind]))
    if not is_background_refresh():  # a page refreshing itself is not the person being active
        session[LAST_SEEN] = time.time()
    return None


def init_app(app):
    # The store kepweb/shared_store.py built (files on a laptop, Redis with several instances).
    app.config.setdefault("SESSION_TYPE", "cachelib")
    app.config.setdefault("SESSION_PERMANENT", True)
    app.config.setdefault("SESSION_KEY_PREFIX", "session:")
    server_sessions.init_app(app)
    app.before_request(enforce_idle_timeout)
