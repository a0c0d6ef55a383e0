"""What a KEP's head and the Ministry's administrators change for the staff member signed in (`/staff/closed-days`,
`/staff/keps`, `/staff/employees`, `/staff/interpreters`): closed days, opening hours, availability, absences,
interpreters.

Every request names the staff member (`staff_subject`); the API decides what they may change and answers 404 for
the rest (another KEP's, or a role that may not). A change that takes time away from bookings has an `impact`
(which bookings it touches; nothing changes) and is then made, each booking settled and its citizen told: the
answer says what happened to each (`SettledBooking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import LocalText, parse_list, parse_moment, parse_one

OUTCOMES = ("reassigned", "moved", "cancelled")


def _kep_name(raw) -> LocalText | None:
    return LocalText.parse(raw["name"]) if raw else None


@dataclass(frozen=True)
class ClosedDay:
    day: date
    kep_id: str | None  # None: every KEP
    kep_name: LocalText | None
    reason: str

    @classmethod
    def parse(cls, raw) -> ClosedDay:
        kep = raw.get("kep")
        return cls(day=date.fromisoformat(raw["date"]), kep_id=str(kep["id"]) if kep else None,
                   kep_name=_kep_name(kep), reason=str(raw.get("reason") or ""))


@dataclass(frozen=True)
class AffectedBooking:
    """A booking a change touches; after the change, what happened to it (`outcome`, and `moved_*` when moved)."""

    reference: str
    kep_name: LocalText
    employee_id: str
    start: datetime
    end: datetime
    citizen_name: str
    procedure_title: LocalText
    texted: bool
    outcome: str | None = None
    moved_start: datetime | None = None
    moved_end: datetime | None = None
    moved_kep_name: LocalText | None = None

    @classmethod
    def parse(cls, raw) -> AffectedBooking:
        outcome = raw.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError("unknown outcome")
        moved = raw.get("moved_to")
        return cls(reference=str(raw["reference"]), kep_name=LocalText.parse(raw["kep"]["name"]),
                   employee_id=str(raw["employee_id"]), start=parse_moment(raw["start"]), end=parse_moment(raw["end"]),
                   citizen_name=str(raw["citizen"]["name"]), procedure_title=LocalText.parse(raw["procedure"]["title"]),
                   texted=raw["texted"] is True, outcome=outcome,
                   moved_start=parse_moment(moved["start"]) if moved else None,
                   moved_end=parse_moment(moved["end"]) if moved else None,
                   moved_kep_name=_kep_name(moved["kep"]) if moved else None)


@dataclass(frozen=True)
class OpeningHours:
    weekday: int
    opens: str
    closes: str

    @classmethod
    def parse(cls, raw) -> OpeningHours:
        return cls(weekday=int(raw["weekday"]), opens=str(raw.get("opens") or raw.get("starts")),
                   closes=str(raw.get("closes") or raw.get("ends")))

    def as_request(self) -> dict:
        return {"weekday": self.weekday, "opens": self.opens, "closes": self.closes}


@dataclass(frozen=True)
class AvailabilityPeriod:
    valid_from: date
    valid_to: date
    weekday: int | None  # None: every day of the period
    starts: str
    ends: str
    workstation: str

    @classmethod
    def parse(cls, raw) -> AvailabilityPeriod:
        weekday = raw.get("weekday")
        return cls(valid_from=date.fromisoformat(raw["valid_from"]), valid_to=date.fromisoformat(raw["valid_to"]),
                   weekday=None if weekday is None else int(weekday), starts=str(raw["starts"]),
                   ends=str(raw["ends"]), workstation=str(raw.get("workstation") or ""))

    def as_request(self) -> dict:
        return {"valid_from": self.valid_from.isoformat(), "valid_to": self.valid_to.isoformat(),
                "weekday": self.weekday, "starts": self.starts, "ends": self.ends,
                "workstation": self.workstation or None}


@dataclass(frozen=True)
class Absence:
    id: int
    first_day: date
    last_day: date
    reason: str

    @classmethod
    def parse(cls, raw) -> Absence:
        return cls(id=int(raw["id"]), first_day=date.fromisoformat(raw["first_day"]),
                   last_day=date.fromisoformat(raw["last_day"]), reason=str(raw.get("reason") or ""))


@dataclass(frozen=True)
class Employee:
    id: str
    workstation: str
    name: str | None
    availability: tuple[AvailabilityPeriod, ...]
    absences: tuple[Absence, ...]

    @classmethod
    def parse(cls, raw) -> Employee:
        return cls(id=str(raw["id"]), workstation=str(raw["workstation"]), name=raw.get("name") or None,
                   availability=tuple(AvailabilityPeriod.parse(item) for item in raw["availability"]),
                   absences=tuple(Absence.parse(item) for item in raw["absences"]))


@dataclass(frozen=True)
class KepDetail:
    id: str
    name: LocalText
    opening_hours: tuple[OpeningHours, ...]
    employees: tuple[Employee, ...]

    @classmethod
    def parse(cls, raw) -> KepDetail:
        return cls(id=str(raw["id"]), name=LocalText.parse(raw["name"]),
                   opening_hours=tuple(OpeningHours.parse(item) for item in raw["opening_hours"]),
                   employees=tuple(Employee.parse(item) for item in raw["employees"]))

    def employee(self, employee_id: str) -> Employee | None:
        return next((employee for employee in self.employees if employee.id == employee_id), None)


@dataclass(frozen=True)
class Interpreter:
    id: str
    name: str
    email: str
    active: bool
    hours: tuple[OpeningHours, ...]
    closed_days: tuple[tuple[date, str], ...]

    @classmethod
    def parse(cls, raw) -> Interpreter:
        return cls(id=str(raw["id"]), name=str(raw["name"]), email=str(raw["email"]), active=raw["active"] is True,
                   hours=tuple(OpeningHours.parse(item) for item in raw["hours"]),
                   closed_days=tuple((date.fromisoformat(item["date"]), str(item.get("reason") or ""))
                                     for item in raw["closed_days"]))


def parse_bookings(raw) -> list[AffectedBooking]:
    return parse_list(raw, "bookings", AffectedBooking.parse)


class OperationsClient(ApiClient):
    # -- closed days ----------------------------------------------------------------------------

    def closed_days(self, subject: str) -> list[ClosedDay]:
        return parse_list(self.get("/staff/closed-days", staff_subject=subject), "closed_days", ClosedDay.parse)

    def closure_impact(self, subject: str, body: dict) -> list[AffectedBooking]:
        query = {"date": body["date"], **({"kep_id": body["kep_id"]} if body.get("kep_id") else {})}
        return parse_bookings(self.get("/staff/closed-days/impact", params=query, staff_subject=subject))

    def close_day(self, subject: str, body: dict) -> dict:
        """The closure as the API answers it (kept in the session for the result page; `parse_bookings` reads it)."""
        answer = self.post("/staff/closed-days", json=body, staff_subject=subject)
        parse_bookings(answer)  # an answer of the wrong shape is "the API answered nonsense", now
        return answer

    def reopen_day(self, subject: str, day: date, kep_id: str | None) -> None:
        self.delete(f"/staff/closed-days/{day.isoformat()}", params={"kep_id": kep_id} if kep_id else None,
                    staff_subject=subject)

    # -- a KEP, its hours and employees ----------------------------------------------------------

    def kep(self, subject: str, kep_id: str) -> KepDetail:
        return parse_one(self.get(f"/staff/keps/{kep_id}", staff_subject=subject), KepDetail.parse)

    def hours_impact(self, subject: str, kep_id: str, body: dict) -> list[AffectedBooking]:
        return parse_bookings(self.post(f"/staff/keps/{kep_id}/hours/impact", json=body, staff_subject=subject))

    def set_hours(self, subject: str, kep_id: str, body: dict) -> dict:
        answer = self.put(f"/staff/keps/{kep_id}/hours", json=body, staff_subject=subject)
        parse_bookings(answer)
        return answer

    def availability_impact(self, subject: str, employee_id: str, body: dict) -> list[AffectedBooking]:
        return parse_bookings(self.post(f"/staff/employees/{employee_id}/availability/impact", json=body,
                                        staff_subject=subject))

    def set_availability(self, subject: str, employee_id: str, body: dict) -> dict:
        answer = self.put(f"/staff/employees/{employee_id}/availability", json=body, staff_subject=subject)
        parse_bookings(answer)
        return answer

    def absence_impact(self, subject: str, employee_id: str, body: dict) -> list[AffectedBooking]:
        return parse_bookings(self.post(f"/staff/employees/{employee_id}/absences/impact", json=body,
                                        staff_subject=subject))

    def add_absence(self, subject: str, employee_id: str, body: dict) -> dict:
        answer = self.post(f"/staff/employees/{employee_id}/absences", json=body, staff_subject=subject)
        parse_bookings(answer)
        return answer

    def remove_absence(self, subject: str, employee_id: str, absence_id: int) -> None:
        self.delete(f"/staff/employees/{employee_id}/absences/{absence_id}", staff_subject=subject)

    # -- interpreters (administrators) ---------------------------------------------------------------

    def interpreters(self, subject: str) -> list[Interpreter]:
        return parse_list(self.get("/staff/interpreters", staff_subject=subject), "interpreters", Interpreter.parse)

    def interpreter(self, subject: str, interpreter_id: str) -> Interpreter:
        return parse_one(self.get(f"/staff/interpreters/{interpreter_id}", staff_subject=subject), Interpreter.parse)

    def set_interpreter_hours(self, subject: str, interpreter_id: str, hours: list[dict]) -> Interpreter:
        return parse_one(self.put(f"/staff/interpreters/{interpreter_id}/hours", json={"hours": hours},
                                  staff_subject=subject), Interpreter.parse)

    def close_interpreter_day(self, subject: str, interpreter_id: str, day: date, reason: str) -> None:
        self.post(f"/staff/interpreters/{interpreter_id}/closed-days", json={"date": day.isoformat(), "reason": reason},
                  staff_subject=subject)

    def reopen_interpreter_day(self, subject: str, interpreter_id: str, day: date) -> None:
        self.delete(f"/staff/interpreters/{interpreter_id}/closed-days/{day.isoformat()}", staff_subject=subject)
