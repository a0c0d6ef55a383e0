"""The join page of an invited person (the interpreter, the citizen's third person).

They have no Taxisnet account: their email's link carries a signed token that
the scheduling API checks. The link works on one device: the first browser that
opens it is bound to it by a random device id kept in a long-lived cookie. The
token leaves the address bar at once (kept in the session), so it is not in the
history, in later logs or in a Referer.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from kepweb import calls
from kepweb.auth.sessions import GUEST_INVITATION
from kepweb.clock import now
from kepweb.htmx import render_page
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.security import per_view_policy

guests = Blueprint("guests", __name__)

DEVICE_COOKIE = "kepweb_device"
DEVICE_COOKIE_LIFETIME = timedelta(days=90)
TOKEN_KEY = GUEST_INVITATION


def device_id() -> tuple[str, bool]:
    """This browser's device id, and whether it is new (to be set as a cookie)."""
    known = request.cookies.get(DEVICE_COOKIE, "")
    if 16 <= len(known) <= 200 and known.isascii():
        return known, False
    return secrets.token_urlsafe(32), True


def with_device_cookie(response, device: str, is_new: bool):
    if is_new:
        response.set_cookie(DEVICE_COOKIE, device, max_age=int(DEVICE_COOKIE_LIFETIME.total_seconds()),
                            path="/join", httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@guests.get("/join/<token>")
def arrive(token):
    if len(token) > 500:
        return render_page("guests/unknown.html", page_title=_("This invitation link does not work")), 404
    session[TOKEN_KEY] = token
    return redirect(url_for("guests.join"), code=303)


def join_state(invitation) -> str:
    if invitation.access != "granted":
        return "other_device"
    if invitation.state == "withdrawn" or invitation.status != "confirmed":
        return "withdrawn"
    return calls.phase(invitation.start, invitation.end, now())


@guests.get("/join")
@per_view_policy(permissions_policy=calls.JOIN_PERMISSIONS)
def join():
    token = session.get(TOKEN_KEY)
    device, is_new = device_id()
    try:
        invitation = clients().invitations.open(token, device) if token else None
    except NotFound:
        invitation = None
    if invitation is None:
        page = render_page("guests/unknown.html", page_title=_("This invitation link does not work"))
        return with_device_cookie(current_app.make_response((page, 404)), device, is_new)
    state = join_state(invitation)
    opens = calls.opens_at(invitation.start)
    page = render_page("guests/join.html", page_title=_("Your invitation to a myKEPlive video call"),
                       invitation=invitation, join_state=state, opens=opens,
                       seconds_to_open=max(0, int((opens - now()).total_seconds())),
                       support_email=current_app.config["SUPPORT_EMAIL"])
    return with_device_cookie(current_app.make_response(page), device, is_new)


@guests.post("/join/confirm")
def confirm():
    token = session.get(TOKEN_KEY)
    device, _is_new = device_id()
    if not token:
        return redirect(url_for("guests.join"), code=303)
    try:
        clients().invitations.confirm(token, device)
    except SchedulingProblem:
        # Withdrawn, ended or opened elsewhere in the meantime: the page says which.
        return redirect(url_for("guests.join"), code=303)
    flash(_("Thank you. The citizen and the KEP can now see that you will take part."), "success")
    return redirect(url_for("guests.join"), code=303)
