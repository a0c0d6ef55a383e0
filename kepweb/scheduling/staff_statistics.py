"""Statistics per KEP and category (`GET /staff/statistics`), for a KEP's head and the Ministry's administrators.

The API decides what the staff member may see (a head their own KEP, an administrator every KEP; an
employee is answered 404) and defines every number (api/scheduling.openapi.yaml, `StatisticsMeasures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import LocalText, parse_moment, parse_one

#: The counts, in the order the pages and the CSV show them. They add up: bookings is the sum of the rest.
COUNTS = ("bookings", "cancelled", "awaiting_outcome", "served", "not_served", "no_show", "follow_up")
CATEGORIES = ("information", "business", "disability", "municipal")


def _count(raw, name) -> int:
    value = raw[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} is not a count")
    return value


def _days(value) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError("not a number of days")
    return float(value)


@dataclass(frozen=True)
class Measures:
    bookings: int
    cancelled: int
    awaiting_outcome: int
    served: int
    not_served: int
    no_show: int
    follow_up: int
    average_days_to_appointment: float | None

    @classmethod
    def parse(cls, raw) -> Measures:
        return cls(**{name: _count(raw, name) for name in COUNTS},
                   average_days_to_appointment=_days(raw["average_days_to_appointment"]))

    def count(self, name: str) -> int:
        return getattr(self, name)


@dataclass(frozen=True)
class CategoryRow:
    category: str
    measures: Measures

    @classmethod
    def parse(cls, raw) -> CategoryRow:
        if raw["category"] not in CATEGORIES:
            raise ValueError("unknown category")
        return cls(category=raw["category"], measures=Measures.parse(raw))


@dataclass(frozen=True)
class FirstFree:
    start: datetime
    wait_days: float


@dataclass(frozen=True)
class KepStatistics:
    kep_id: str
    kep_name: LocalText
    first_free: FirstFree | None
    rows: tuple[CategoryRow, ...]
    total: Measures

    @classmethod
    def parse(cls, raw) -> KepStatistics:
        free = raw["first_free"]
        return cls(kep_id=str(raw["kep"]["id"]), kep_name=LocalText.parse(raw["kep"]["name"]),
                   first_free=None if free is None else FirstFree(start=parse_moment(free["start"]),
                                                                 wait_days=_days(free["wait_days"])),
                   rows=tuple(CategoryRow.parse(row) for row in raw["categories"]),
                   total=Measures.parse(raw["total"]))


@dataclass(frozen=True)
class Statistics:
    first: date
    last: date
    computed_at: datetime
    standard_call_minutes: int
    horizon_days: int
    keps: tuple[KepStatistics, ...]
    by_category: tuple[CategoryRow, ...]
    total: Measures

    @classmethod
    def parse(cls, raw) -> Statistics:
        return cls(first=date.fromisoformat(raw["from"]), last=date.fromisoformat(raw["to"]),
                   computed_at=parse_moment(raw["computed_at"]),
                   standard_call_minutes=int(raw["standard_call_minutes"]), horizon_days=int(raw["horizon_days"]),
                   keps=tuple(KepStatistics.parse(kep) for kep in raw["keps"]),
                   by_category=tuple(CategoryRow.parse(row) for row in raw["categories"]),
                   total=Measures.parse(raw["total"]))


class StaffStatisticsClient(ApiClient):
    def statistics(self, staff_subject: str, first: date, last: date) -> Statistics:
        """The period's numbers (every look is in the API's access log). A period the API refuses is a
        SchedulingProblem `validation` with the field (`from`, `to`) in its errors."""
        query = {"from": first.isoformat(), "to": last.isoformat()}
        return parse_one(self.get("/staff/statistics", params=query, staff_subject=staff_subject), Statistics.parse)
