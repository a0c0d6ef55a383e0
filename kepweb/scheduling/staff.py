"""The KEP staff: who the signed-in staff member is for the scheduling API (`/staff/me`).

Every call carries a signed, short-lived assertion of them (`X-Staff-Assertion`, see assertion.py),
never with a citizen's assertion too. An
unknown subject answers NotFound, one without a role a SchedulingProblem `forbidden`:
`kepweb/staff/access.py` turns both into the "no access" page.
"""

from __future__ import annotations

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import StaffMember, parse_one


class StaffClient(ApiClient):
    def me(self, subject: str) -> StaffMember:
        """Who they are, with their role and KEP: asked on every staff page, so a withdrawn role counts at once."""
        return parse_one(self.get("/staff/me", staff_subject=subject), StaffMember.parse)

    def record_sign_in(self, subject: str) -> StaffMember:
        """They have just signed in: the API checks the role and writes it to the access log (article 7.2).
        Tried once (a POST without an Idempotency-Key is never repeated)."""
        return parse_one(self.post("/staff/me/sign-ins", staff_subject=subject), StaffMember.parse)
