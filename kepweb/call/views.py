"""The call page: the one page that needs JavaScript (WebRTC has no other way), for each person invited.

The scheduling API hands each person their own token to the booking's room on the call server
(Janus); the page takes it to the browser, which connects to that server only. So the page's
Content-Security-Policy is its own: `connect-src` names that call server, `media-src` allows the
camera's streams, and Permissions-Policy lets it use the camera and the microphone. The token is in
the page, so the page is never stored by a cache (`no-store`).

A call server that is not answering is said plainly, with a way to try again: never a blank video.
"""

from __future__ import annotations

import logging
from functools import wraps

from flask import Blueprint, current_app, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _lp

from kepweb import calls
from kepweb.auth import current_citizen, login_required
from kepweb.htmx import render_page
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.scheduling.call_access import CallServerUnavailable
from kepweb.security import content_security_policy, origin_of, per_view_policy, policy_header
from kepweb.staff.access import current_staff, staff_required

log = logging.getLogger(__name__)
call = Blueprint("call", __name__)

#: How each person in the call is named under their video and beside their messages.
ROLE_NAMES = {
    "citizen": _lp("role in the call", "citizen"),
    "employee": _lp("role in the call", "KEP employee"),
    "interpreter": _lp("role in the call", "Greek Sign Language interpreter"),
    "third_person": _lp("role in the call", "third person"),
}


def call_page_policy(view):
    """This page's own policies: Talisman's CSP is off for it, and `after_request` below sets one."""
    return per_view_policy(content_security_policy=False, permissions_policy=calls.JOIN_PERMISSIONS)(view)


@call.after_request
def never_without_a_policy(response):
    # Every answer of these views has a policy: the call page's own, or (an error page) the usual one.
    # (No-store, as the page carries a token, comes with every personal page: kepweb/caching.py.)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = policy_header(content_security_policy(current_app.config))
    return response


def page_for(access, *, title, leave_url, sound_only_url, retry_url):
    origin = origin_of(access.server_url)
    if origin not in current_app.config["CALL_SERVER_ORIGINS"]:
        # The API named a call server this frontend does not know: connect to nothing.
        log.error("the API named a call server that KEPWEB_CALL_SERVER_ORIGINS does not list")
        return unavailable(retry_url)
    response = render_page("call/room.html", page_title=title, call=access, leave_url=leave_url,
                           sound_only_url=sound_only_url, role_names=ROLE_NAMES)
    policy = content_security_policy(current_app.config)
    policy["connect-src"] = ["'self'", origin]
    policy["media-src"] = ["'self'", "blob:", "mediastream:"]
    response.headers["Content-Security-Policy"] = policy_header(policy)
    return response


def unavailable(retry_url, change_url=None):
    return render_page("call/unavailable.html", status=503, page_title=_("The video call cannot start right now"),
                       retry_url=retry_url, change_url=change_url)


def sound_only_answer(access):
    """204 when the call may go on with sound only (art. 6.3: after a passed identity check)."""
    if access.sound_only_allowed:
        return "", 204
    return (_("Sound only is possible once the KEP employee has checked the identity document."), 409,
            {"Content-Type": "text/plain; charset=utf-8"})


def refusals_to_join_page(join_endpoint):
    """A call not open (early, over, cancelled) or a person no longer in it: the join page says which."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except SchedulingProblem as problem:
                if isinstance(problem, NotFound | CallServerUnavailable):
                    raise  # "page not found", and the call server's own page
                return redirect(url_for(join_endpoint, **kwargs), code=303)
        return wrapped
    return decorator


# -- the citizen ----------------------------------------------------------------------------------

@call.get("/appointments/<reference>/call")
@call_page_policy
@login_required
@refusals_to_join_page("appointments.join")
def citizen_call(reference):
    join_url = url_for("appointments.join", reference=reference)
    try:
        access = clients().call_access.for_citizen(current_citizen().tax_id, reference)
    except CallServerUnavailable:
        return unavailable(url_for("call.citizen_call", reference=reference),
                           change_url=url_for("appointments.show", reference=reference))
    return page_for(access, title=_("Video call for appointment %(reference)s", reference=reference),
                    leave_url=url_for("appointments.show", reference=reference),
                    sound_only_url=url_for("call.citizen_sound_only", reference=reference), retry_url=join_url)


@call.post("/appointments/<reference>/call/sound-only")
@login_required
@refusals_to_join_page("appointments.join")
def citizen_sound_only(reference):
    return sound_only_answer(clients().call_access.for_citizen(current_citizen().tax_id, reference))


# -- the KEP employee -----------------------------------------------------------------------------

@call.get("/staff/calls/<reference>/call")
@call_page_policy
@staff_required("employee")
@refusals_to_join_page("staff.call")
def employee_call(reference):
    back = url_for("staff.call", reference=reference)
    try:
        access = clients().call_access.for_employee(current_staff().subject, reference)
    except CallServerUnavailable:
        return unavailable(url_for("call.employee_call", reference=reference))
    return page_for(access, title=_("Video call %(reference)s", reference=reference), leave_url=back,
                    sound_only_url=url_for("call.employee_sound_only", reference=reference), retry_url=back)


@call.post("/staff/calls/<reference>/call/sound-only")
@staff_required("employee")
@refusals_to_join_page("staff.call")
def employee_sound_only(reference):
    return sound_only_answer(clients().call_access.for_employee(current_staff().subject, reference))


# -- an invited guest (the interpreter, the third person) -----------------------------------------

def guest_access():
    from kepweb.guests.views import TOKEN_KEY, device_id

    token = session.get(TOKEN_KEY)
    if not token:
        raise NotFound(404, {"code": "not_found"})
    return clients().call_access.for_guest(token, device_id()[0])


@call.get("/join/call")
@call_page_policy
@refusals_to_join_page("guests.join")
def guest_call():
    try:
        access = guest_access()
    except CallServerUnavailable:
        return unavailable(url_for("call.guest_call"))
    return page_for(access, title=_("Video call"), leave_url=url_for("guests.join"),
                    sound_only_url=url_for("call.guest_sound_only"), retry_url=url_for("guests.join"))


@call.post("/join/call/sound-only")
@refusals_to_join_page("guests.join")
def guest_sound_only():
    return sound_only_answer(guest_access())
