"""The KEP staff area: its own sign-in (OpenID Connect for public servants), its landing page, sign-out.

Separate from the citizen's Taxisnet sign-in in every way: its own OpenID
Connect client, its own session key, its own pages under /staff. One browser
session is signed in as one person at most: signing in here ends a citizen's
session, and a citizen's sign-in ends a staff member's (both renew the session
and keep nothing of the other, see kepweb/auth/sessions.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from kepweb.auth.sessions import LAST_SEEN, SESSION_STAFF, STAFF_RETURN_TO, renew_session
from kepweb.htmx import render_page
from kepweb.i18n import current_language
from kepweb.redirects import safe_next_url
from kepweb.scheduling import SchedulingProblem, SchedulingUnavailable, clients
from kepweb.staff import oidc
from kepweb.staff.access import (
    ROLE_NAMES,
    StaffIdentity,
    current_staff,
    is_refusal,
    refused,
    signed_in_identity,
    staff_required,
)

log = logging.getLogger(__name__)
staff = Blueprint("staff", __name__, url_prefix="/staff")

RETURN_TO = STAFF_RETURN_TO


@dataclass(frozen=True)
class StaffPage:
    """A page of the staff area, offered on the landing page to the roles that may open it."""

    endpoint: str
    label: object  # a lazy string
    roles: tuple[str, ...]


#: The staff area's pages, in the order the landing page lists them. A new staff page adds itself here with
#: the roles its `staff_required` allows, so that nobody is offered a link to a page they may not open.
PAGES: list[StaffPage] = []


def links_for(role: str) -> list[StaffPage]:
    return [page for page in PAGES if role in page.roles]


@staff.get("", strict_slashes=False)
@staff_required()
def home():
    member = current_staff()
    return render_page("staff/home.html", page_title=_("KEP staff area"), member=member,
                       identity=signed_in_identity(), role_name=ROLE_NAMES[member.role], links=links_for(member.role))


def _return_target() -> str:
    """Where to go after signing in: a page of the staff area, never a citizen's page or another site."""
    home_url = url_for("staff.home")
    target = safe_next_url(request.args.get("next"), fallback=home_url)
    in_area = target.split("?")[0].rstrip("/") == home_url or target.startswith(f"{home_url}/")
    signing_in = target.startswith((url_for("staff.sign_in"), url_for("staff.callback")))
    return target if in_area and not signing_in else home_url


@staff.get("/sign-in")
def sign_in():
    target = _return_target()
    if signed_in_identity() is not None:
        return redirect(target, code=303)
    session[RETURN_TO] = target
    try:
        return oidc.client().authorize_redirect(url_for("staff.callback", _external=True),
                                                ui_locales=current_language())
    except RequestException as error:  # the discovery document could not be read
        return sign_in_failed(f"staff sign-in unreachable: {type(error).__name__}", status=503)


def sign_in_failed(reason: str, status: int = 400):
    log.warning("staff sign-in failed: %s", reason)
    return render_page("staff/sign_in_failed.html", status=status, page_title=_("We could not sign you in"))


@staff.get("/callback")
def callback():
    if request.args.get("error"):
        # "Cancel" at the sign-in page, or the provider refused.
        return render_page("staff/sign_in_cancelled.html", page_title=_("You did not sign in"))
    try:
        token = oidc.client().authorize_access_token()
    except (AuthlibBaseError, JoseError, ValueError) as error:
        # A state that is not ours, a code refused, an ID token whose signature, issuer, audience,
        # time or nonce is wrong.
        return sign_in_failed(f"OpenID Connect error {getattr(error, 'error', type(error).__name__)}")
    except RequestException as error:
        return sign_in_failed(f"staff sign-in unreachable: {type(error).__name__}", status=503)
    claims = token.get("userinfo") or {}
    identity = StaffIdentity(subject=str(claims.get("sub") or ""), name=str(claims.get("name") or ""),
                             email=str(claims.get("email") or ""))
    if not identity.subject:
        return sign_in_failed("no ID token, or one without a subject", status=502)
    try:
        clients().staff.record_sign_in(identity.subject)
    except SchedulingProblem as problem:
        if not is_refusal(problem):
            raise
        log.info("staff sign-in refused by the scheduling API: %s", problem.code)
        return refused_at_sign_in()
    except SchedulingUnavailable as error:
        # Not the generic "try again" page: trying this address again would present a spent code.
        return sign_in_failed(f"scheduling API unavailable at sign-in: {error}", status=503)
    start_staff_session(identity)
    # The access token is used for nothing else and never stored; neither is the ID token.
    return redirect(session.pop(RETURN_TO, None) or url_for("staff.home"), code=303)


def refused_at_sign_in():
    """The "no access" page, nothing kept; with a way out of the provider's session, which would
    otherwise sign the same person in again at the next try."""
    session.pop(RETURN_TO, None)
    return refused()


def start_staff_session(identity: StaffIdentity) -> None:
    """Renew the session (no fixation, and no citizen left in it), keeping only where to go next."""
    kept = {key: session[key] for key in (RETURN_TO,) if key in session}
    renew_session()
    session.update(kept)
    session[SESSION_STAFF] = identity.to_session()
    session[LAST_SEEN] = time.time()


def provider_sign_out_url() -> str:
    """The provider's logout, coming back to our "signed out" page; that page itself when the
    provider has no logout or cannot be reached (our own session has ended either way)."""
    back = url_for("staff.signed_out", _external=True)
    try:
        return oidc.logout_url(back) or back
    except RequestException:
        return back


@staff.post("/sign-out")
def sign_out():
    renew_session()
    return redirect(provider_sign_out_url(), code=303)


@staff.get("/signed-out")
def signed_out():
    return render_page("staff/signed_out.html", page_title=_("You have signed out of the KEP staff area"))


@staff.get("/session/expired")
def session_expired():
    minutes = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60)
    return render_page("staff/session_expired.html", page_title=_("Your session has ended"), session_minutes=minutes)


@staff.app_context_processor
def staff_in_templates():
    return {"current_staff": current_staff(), "staff_role_names": ROLE_NAMES,
            "provider_sign_out_url": provider_sign_out_url}
