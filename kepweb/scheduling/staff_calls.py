"""The KEP staff's calls (`/staff/calls`): the day, one call, and the record of it.

Every request names the staff member (`staff_subject`), never a citizen; the API decides what
they may see and answers 404 for the rest, as for a booking that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from werkzeug.http import parse_options_header

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import (
    BOOKING_STATUSES,
    DOCUMENT_TYPES,
    CallOutcome,
    CallResult,
    Document,
    DocumentContent,
    Invitation,
    LocalText,
    parse_list,
    parse_moment,
    parse_one,
)


@dataclass(frozen=True)
class IdentityCheck:
    passed: bool
    reason: str | None
    document_kind: str
    register_answer: str
    attempts: int
    at: datetime

    @classmethod
    def parse(cls, raw) -> IdentityCheck | None:
        if raw is None:
            return None
        return cls(passed=raw["passed"] is True, reason=raw.get("reason"), document_kind=str(raw["document_kind"]),
                   register_answer=str(raw["register_answer"]), attempts=int(raw["attempts"]),
                   at=parse_moment(raw["at"]))


@dataclass(frozen=True)
class StaffCall:
    reference: str
    status: str
    start: datetime
    end: datetime
    kep_id: str
    kep_name: LocalText
    employee_id: str
    citizen_name: str
    category: str
    procedure_title: LocalText
    needs: tuple[str, ...]
    interpreter_name: str | None
    invitations: tuple[Invitation, ...]
    documents: tuple[Document, ...]
    other_needs: str
    delivery: str
    id_document: str
    identity_check: IdentityCheck | None
    outcome: CallOutcome | None
    result: CallResult | None
    # Only when one call is asked for:
    citizen_email: str = ""
    citizen_phone: str = ""
    meeting_url: str = ""

    @classmethod
    def parse(cls, raw) -> StaffCall:
        if raw["status"] not in BOOKING_STATUSES:
            raise ValueError("unknown booking status")
        citizen = raw["citizen"]
        return cls(
            reference=str(raw["reference"]), status=raw["status"], start=parse_moment(raw["start"]),
            end=parse_moment(raw["end"]), kep_id=str(raw["kep"]["id"]), kep_name=LocalText.parse(raw["kep"]["name"]),
            employee_id=str(raw["employee_id"]), citizen_name=str(citizen["name"]), category=str(raw["category"]),
            procedure_title=LocalText.parse(raw["procedure"]["title"]), needs=tuple(raw["needs"]),
            interpreter_name=str(raw["interpreter"]["name"]) if raw.get("interpreter") else None,
            invitations=tuple(Invitation.parse(item) for item in raw.get("invitations") or ()),
            documents=tuple(Document.parse(item) for item in raw.get("documents") or ()),
            other_needs=str(raw.get("other_needs") or ""), delivery=str(raw["delivery"]),
            id_document=str(raw["id_document"]), identity_check=IdentityCheck.parse(raw.get("identity_check")),
            outcome=CallOutcome.parse(raw.get("outcome")), result=CallResult.parse(raw.get("result")),
            citizen_email=str(citizen.get("email") or ""), citizen_phone=str(citizen.get("phone") or ""),
            meeting_url=str(raw.get("meeting_url") or ""),
        )

    @property
    def open_for_record(self) -> bool:
        """Still waiting for its outcome: the check and the outcome may be recorded."""
        return self.status == "confirmed"


class StaffCallsClient(ApiClient):
    def day(self, staff_subject: str, first: date, days: int = 1, kep_id: str | None = None) -> list[StaffCall]:
        query = {"from": first.isoformat(), "days": days, **({"kep_id": kep_id} if kep_id else {})}
        return parse_list(self.get("/staff/calls", params=query, staff_subject=staff_subject), "calls",
                          StaffCall.parse)

    def call(self, staff_subject: str, reference: str) -> StaffCall:
        return parse_one(self.get(f"/staff/calls/{reference}", staff_subject=staff_subject), StaffCall.parse)

    def record_identity_check(self, staff_subject: str, reference: str, check: dict) -> StaffCall:
        return parse_one(self.post(f"/staff/calls/{reference}/identity-check", json=check,
                                   staff_subject=staff_subject), StaffCall.parse)

    def record_outcome(self, staff_subject: str, reference: str, outcome: dict) -> StaffCall:
        return parse_one(self.post(f"/staff/calls/{reference}/outcome", json=outcome, staff_subject=staff_subject),
                         StaffCall.parse)

    def deliver_result(self, staff_subject: str, reference: str, *, name: str, content: bytes, media_type: str,
                       post_record: str) -> StaffCall:
        return parse_one(self.post(f"/staff/calls/{reference}/result", staff_subject=staff_subject,
                                   files={"file": (name, content, media_type)}, data={"post_record": post_record}),
                         StaffCall.parse)

    def document(self, staff_subject: str, reference: str, document_id: str) -> DocumentContent:
        return self._file(f"/staff/calls/{reference}/documents/{document_id}", staff_subject)

    def result_file(self, staff_subject: str, reference: str) -> DocumentContent:
        return self._file(f"/staff/calls/{reference}/result", staff_subject)

    def _file(self, path: str, staff_subject: str) -> DocumentContent:
        response = self.get(path, staff_subject=staff_subject, accept=", ".join(DOCUMENT_TYPES))
        _disposition, options = parse_options_header(response.headers.get("Content-Disposition", ""))
        return DocumentContent(name=options.get("filename") or "document",
                               media_type=response.headers["Content-Type"].split(";")[0].strip(),
                               content=response.content)
