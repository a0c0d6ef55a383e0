"""Sessions: signed-in ones on the server, anonymous ones in a signed cookie; and the idle timeout
(WCAG 2.2.1: warn, let the citizen extend).

A signed-in session lives in the server's store (Flask-Session over the store
of kepweb/shared_store.py: files on one machine, Redis when there are several);
its cookie carries only a random id. The citizen, the staff member and
everything about them stay on the server.

A visitor who has not signed in keeps the little their session needs (the CSRF
token every page asks for, the OAuth state of a sign-in under way, where to go
after it, a deep link's choices, a guest's invitation) in a cookie signed with
the secret key, as Flask's own sessions are (itsdangerous), and writes nothing
to the server: a crowd of anonymous visitors cannot fill the store and push
signed-in citizens out of it. Only the keys in COOKIE_KEYS may travel in a
cookie (nothing personal; nothing its holder may not read); a session that holds
anything else, or someone signed in, moves to the store under a new random id,
so a cookie planted before sign-in is worth nothing after it. When a session
stops holding anyone (sign-out, the idle timeout), its entry in the store is
deleted and it is a cookie again. Both cookies have the same name and
attributes (`__Host-`, Secure, HttpOnly, SameSite=Lax in production).

A session is signed in as one person at most: a citizen (SESSION_CITIZEN) or a
member of the KEP staff (SESSION_STAFF), never both. Each sign-in renews the
session and keeps nothing of the other, so signing in as one signs the other
out; the idle timeout applies to both.
"""

from __future__ import annotations

import secrets
import time

from flask import current_app, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionInterface
from flask_session import Session
from flask_session.base import ServerSideSession
from itsdangerous import BadSignature

from kepweb.htmx import is_background_refresh, redirect_whole_page

server_sessions = Session()

SESSION_CITIZEN = "citizen"
SESSION_STAFF = "staff"
LAST_SEEN = "last_seen"

# What a session nobody is signed in to may carry in its cookie. The cookie is signed, not encrypted:
# each of these is something its holder may read (the CSRF token, Authlib's state and PKCE verifier of a
# sign-in they started, the page they asked for, the municipality they chose, the invitation link they
# were sent), and none says who they are.
CSRF_TOKEN = "csrf_token"  # Flask-WTF's key (WTF_CSRF_FIELD_NAME)
FLASHES = "_flashes"  # Flask's flashed messages, shown once at the next page
PERMANENT = "_permanent"
CITIZEN_RETURN_TO = "sign_in_return_to"
STAFF_RETURN_TO = "staff_sign_in_return_to"
BOOKING_PRESELECTION = "booking_preselection"  # a deep link's category and municipality, kept through sign-in
GUEST_INVITATION = "guest_invitation"  # an invited guest's link (kepweb/guests); the API checks it every time
COOKIE_KEYS = frozenset({CSRF_TOKEN, FLASHES, PERMANENT, CITIZEN_RETURN_TO, STAFF_RETURN_TO, BOOKING_PRESELECTION,
                         GUEST_INVITATION})
OAUTH_STATE_PREFIX = "_state_"  # Authlib's `_state_<client>_<state>`: one per sign-in started, gone at its end
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
    """An empty session, the old one forgotten (its entry in the store deleted): whoever knew its id or
    held its cookie before sign-in knows nothing now. Whoever signs in next gets a new id."""
    current_app.session_interface.forget(session)


def may_live_in_cookie(data) -> bool:
    """Whether a session can travel in a signed cookie: nobody signed in, nothing but COOKIE_KEYS."""
    return all(key in COOKIE_KEYS or key.startswith(OAUTH_STATE_PREFIX) for key in data)


class KepwebSession(ServerSideSession):
    """A session and where it lives: `sid` is its id in the server's store, None while it is a cookie."""


class AnonymousInCookieSessionInterface(SessionInterface):
    """Flask-Session's store for sessions that hold someone, Flask's signed cookie for those that do not.

    `stored` is the interface Flask-Session built from the configuration (cachelib files, Redis, ...): it
    reads, writes and deletes the store's entries and sets the id cookie; Flask's SecureCookieSessionInterface
    signs, checks and sets the anonymous cookie. Both take the cookie's name and attributes from the same
    configuration.
    """

    def __init__(self, stored):
        self.stored = stored
        self.in_cookie = SecureCookieSessionInterface()

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app), "")
        if "." in value:  # itsdangerous's payload.timestamp.signature; an id is URL-safe base64, without dots
            serializer = self.in_cookie.get_signing_serializer(app)
            try:
                data = serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()))
            except BadSignature:  # forged, damaged, signed with another key, or expired
                data = None
            if isinstance(data, dict) and may_live_in_cookie(data):
                return KepwebSession(data)
        elif value:
            found = self.stored.open_session(app, request)
            if found.sid == value:  # Flask-Session makes up a new id for one it has never seen
                return KepwebSession(dict(found), sid=found.sid)
        return KepwebSession(permanent=self.stored.permanent)

    def save_session(self, app, session, response):
        if may_live_in_cookie(session):
            if session.sid is not None:  # no longer holds anyone: out of the store, into a cookie
                self.forget_stored(session)
            self.in_cookie.save_session(app, session, response)
            return
        if session.sid is None:  # someone signed in, or something that must stay on the server: a new id
            session.sid = secrets.token_urlsafe(self.stored.sid_length)
            session.modified = True
        self.stored.save_session(app, session, response)

    def forget(self, session) -> None:
        """Empty the session and delete its entry in the store; the response then replaces the cookie."""
        self.forget_stored(session)
        session.clear()  # Flask-Session's clear keeps `_permanent`

    def forget_stored(self, session) -> None:
        if session.sid is not None:
            # Flask-Session's own deletion, as its `regenerate` does it (there is no public one-call API).
            self.stored._delete_session(self.stored._get_store_id(session.sid))
            session.sid = None
            session.modified = True


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
    app.session_interface = AnonymousInCookieSessionInterface(app.session_interface)
    app.before_request(enforce_idle_timeout)
