"""Sign-in with Taxisnet, sign-out, and the session's time limit."""

from __future__ import annotations

import logging
import time
from functools import wraps

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from requests import RequestException

from kepweb.auth import gsis
from kepweb.auth.citizen import Citizen, UnusableUserinfo, parse_userinfo
from kepweb.auth.sessions import (
    BOOKING_PRESELECTION,
    CITIZEN_RETURN_TO,
    EXPIRED_PAGES,
    LAST_SEEN,
    SESSION_CITIZEN,
    renew_session,
    seconds_left,
    signed_in_as,
)
from kepweb.htmx import is_htmx_request, render_page
from kepweb.limits import protect
from kepweb.redirects import safe_next_url

log = logging.getLogger(__name__)
auth = Blueprint("auth", __name__)

RETURN_TO = CITIZEN_RETURN_TO
# Kept through the sign-in round trip (a deep link from gov.gr preselects these).
CARRIED_OVER = (BOOKING_PRESELECTION,)


def current_citizen() -> Citizen | None:
    if "citizen" not in g:
        g.citizen = Citizen.from_session(session.get(SESSION_CITIZEN)) if SESSION_CITIZEN in session else None
    return g.citizen


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_citizen() is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")), code=303)
        return view(*args, **kwargs)
    return wrapped


@auth.get("/sign-in")
@protect("sign_in", methods=("GET",))
def sign_in():
    session[RETURN_TO] = safe_next_url(request.args.get("next"), fallback=url_for("pages.start"))
    redirect_uri = url_for("auth.callback", _external=True)
    return gsis.client().authorize_redirect(redirect_uri)


def sign_in_failed(reason: str, status: int = 400):
    log.warning("sign-in failed: %s", reason)
    return render_page("auth/sign_in_failed.html", status=status, page_title=_("We could not sign you in"))


@auth.get("/sign-in/callback")
def callback():
    if request.args.get("error"):
        # The citizen chose "Cancel" at Taxisnet, or GSIS refused.
        return render_page("auth/sign_in_cancelled.html", page_title=_("You did not sign in"))
    try:
        token = gsis.client().authorize_access_token()
        answer = gsis.client().get(current_app.config["GSIS_USERINFO_URL"], token=token)
    except AuthlibBaseError as error:
        return sign_in_failed(f"OAuth error {getattr(error, 'error', type(error).__name__)}")
    except RequestException as error:
        return sign_in_failed(f"Taxisnet unreachable: {type(error).__name__}", status=503)
    if answer.status_code != 200 or "xml" not in answer.headers.get("Content-Type", ""):
        # GSIS answers errors in JSON.
        return sign_in_failed(f"userinfo answered {answer.status_code} {answer.headers.get('Content-Type')}", 502)
    try:
        citizen = parse_userinfo(answer.content)
    except UnusableUserinfo as error:
        return sign_in_failed(str(error), status=502)
    start_signed_in_session(citizen)
    return redirect(session.pop(RETURN_TO, None) or url_for("pages.start"), code=303)


def start_signed_in_session(citizen: Citizen) -> None:
    """Renew the session (no fixation), keeping only what the round trip must carry."""
    kept = {key: session[key] for key in (RETURN_TO, *CARRIED_OVER) if key in session}
    renew_session()
    session.update(kept)
    session[SESSION_CITIZEN] = citizen.to_session()
    session[LAST_SEEN] = time.time()
    # The access token is used once, for userinfo, and never stored.


@auth.post("/sign-out")
def sign_out():
    renew_session()
    return redirect(gsis.logout_url(url_for("pages.home", _external=True)), code=303)


@auth.get("/session/expired")
def session_expired():
    minutes = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60)
    return render_page("auth/session_expired.html", page_title=_("Your session has ended"), session_minutes=minutes)


@auth.post("/session/extend")
def extend_session():
    """The "stay signed in" button (a citizen's or a staff member's): any request would do; this one says so."""
    if signed_in_as() is None:
        return redirect(url_for("auth.session_expired"), code=303)
    session[LAST_SEEN] = time.time()
    if is_htmx_request() or request.headers.get("X-Requested-With") == "fetch":
        return {"seconds_left": seconds_left()}
    return redirect(safe_next_url(request.form.get("next"), fallback=url_for("pages.start")), code=303)


@auth.get("/session/status")
def session_status():
    """How long the citizen (or staff member) has left, without counting as activity."""
    signed_in = signed_in_as() is not None
    return {"signed_in": signed_in, "seconds_left": seconds_left() if signed_in else 0}


@auth.app_context_processor
def citizen_in_templates():
    kind = signed_in_as()
    return {"current_citizen": current_citizen(), "session_seconds_left": seconds_left() if kind else None,
            "session_expired_url": url_for(EXPIRED_PAGES[kind]) if kind else None}
