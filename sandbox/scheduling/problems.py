"""One error format, RFC 9457 problem details, with a machine code and messages per field."""

from __future__ import annotations

from flask import jsonify

TITLES = {
    "unauthorized": (401, "A valid bearer token is required."),
    "forbidden": (403, "This token or staff member may not do that."),
    "not_found": (404, "No such resource."),
    "method_not_allowed": (405, "Method not allowed."),
    "validation": (422, "Some values are missing or not valid."),
    "slot_taken": (409, "That time is no longer free."),
    "hold_expired": (410, "The hold on that time has run out."),
    "outside_hours": (422, "That time cannot be booked."),
    "not_allowed": (409, "The rules do not allow this."),
    # The cap on a citizen's active bookings (Settings.max_active_bookings); the problem carries it as `limit`.
    "too_many_active_bookings": (409, "The citizen already has as many active bookings as one may have."),
    "idempotency_conflict": (422, "This Idempotency-Key was used with a different request."),
    # The call server (not this API) failed: 502, the gateway's own answer, not the API's unavailability.
    "call_server_unavailable": (502, "The call server is not answering."),
}


class Problem(Exception):
    def __init__(self, code: str, detail: str | None = None, errors: dict | None = None, status: int | None = None,
                 limit: int | None = None):
        super().__init__(code)
        self.limit = limit  # the number a rule allows, for the problems that say one (too_many_active_bookings)
        self.code = code
        self.status = status or TITLES[code][0]
        self.detail = detail
        self.errors = errors or {}
        self.audit = None  # (citizen, action, reference) to log even though the request failed
        self.staff_audit = None  # (staff subject, role or None, action, reference), the same for a staff member

    def body(self) -> dict:
        body = {"type": f"https://mykeplive.example/problems/{self.code}", "title": TITLES[self.code][1],
                "status": self.status, "code": self.code}
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        if self.limit is not None:
            body["limit"] = self.limit
        return body


def respond(problem: Problem):
    response = jsonify(problem.body())
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    return response


def field_error(el: str, en: str) -> dict:
    return {"el": el, "en": en}
