"""Who is signed in to the KEP staff area, and what their role lets them open.

The server-side session keeps the staff member under its own key
(SESSION_STAFF): the subject and the name and email their sign-in gave. It never
holds a token, and never a citizen at the same time (kepweb/auth/sessions.py).

The role is not trusted from the session: `staff_required` asks the scheduling
API (`GET /staff/me`) on every request, so a role an administrator withdrew or
changed counts at the next page, not at the next sign-in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import wraps

from flask import g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from kepweb import refusals
from kepweb.auth.sessions import SESSION_CITIZEN, SESSION_STAFF, renew_session
from kepweb.htmx import render_page
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.scheduling.models import StaffMember

#: What each role is called on the staff pages.
ROLE_NAMES = {
    "employee": _l("KEP employee"),
    "head": _l("Head of the KEP"),
    "admin": _l("Administrator at the Ministry"),
}


@dataclass(frozen=True)
class StaffIdentity:
    """Who signed in, as the sign-in said (the ID token's `sub`, `name`, `email`)."""

    subject: str
    name: str
    email: str

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data) -> StaffIdentity | None:
        try:
            identity = cls(**data)
        except TypeError:
            return None
        return identity if identity.subject else None


def signed_in_identity() -> StaffIdentity | None:
    """The staff member this session is signed in as, or None. A session that holds a citizen too
    (which no sign-in makes) counts as nobody: one person per session."""
    if SESSION_STAFF not in session or SESSION_CITIZEN in session:
        return None
    return StaffIdentity.from_session(session.get(SESSION_STAFF))


def current_staff() -> StaffMember | None:
    """The staff member of this request, as the API described them (set by `staff_required`)."""
    return g.get("staff")


def refused(status: int = 403):
    """The sign-in worked, but myKEPlive has no role for this person (or no longer has)."""
    return render_page("staff/refused.html", status=status,
                       page_title=_l("You do not have access to the KEP staff area"))


def is_refusal(problem: SchedulingProblem) -> bool:
    """The API's answer for somebody it does not know (404) or who has no role (403)."""
    return isinstance(problem, NotFound) or problem.code == "forbidden"


def staff_required(*roles: str):
    """For the views of the staff area: a staff member signed in, with one of `roles` (any role if none).

    - Not signed in as staff (nobody, or a citizen): to the staff sign-in, then back here.
    - Signed in, but the API no longer knows them or they have no role: the staff session ends and
      the "no access" page says so (403).
    - A role that may not open this page: "page not found" (404), never "forbidden". A page that a
      role must not use is, for that role, a page that does not exist, as another KEP's booking is
      for the API: a 403 would confirm that the page (and what it shows) exists, and a link to it is
      never offered to that role, so only a typed or shared address meets it.
    """

    unknown = set(roles) - set(ROLE_NAMES)
    if unknown:
        raise ValueError(f"unknown staff roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            identity = signed_in_identity()
            if identity is None:
                return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")), code=303)
            try:
                member = clients().staff.me(identity.subject)
            except SchedulingProblem as problem:
                if not is_refusal(problem):
                    raise
                renew_session()
                return refused()
            g.staff = member
            if roles and member.role not in roles:
                return refusals.not_found()
            return view(*args, **kwargs)
        return wrapped
    return decorator
