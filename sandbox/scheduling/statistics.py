"""Statistics per KEP and category for the KEP's head and the Ministry's administrators (issue 14).

`GET /v1/staff/statistics?from=YYYY-MM-DD&to=YYYY-MM-DD`, for the staff member the
frontend's `X-Staff-Assertion` vouches for:

* a KEP's head sees their own KEP, an administrator every KEP; an employee is answered 404
  `not_found`, as for a route that does not exist (staff.py's convention: what a role may not
  see is not said to exist; 403 `forbidden` stays the answer for somebody without any role),
  and the refusal is in the access log (`staff.statistics_denied`);
* every look is in the access log (`staff.statistics_view`).

What each number counts (the contract, api/scheduling.openapi.yaml, says the same):

* A booking belongs to the period when its appointment starts (its start as it stands now, after
  any reschedule or move by the KEP, in Athens time) on a day from `from` to `to`, both included;
  to the KEP and the category it has now. Bookings deleted at the end of the retention period
  (retention.py) are no longer counted.
* `bookings`: every such booking, whatever its status now, cancelled ones included. So
  `bookings = cancelled + awaiting_outcome + served + not_served + no_show + follow_up`.
* `cancelled`: cancelled before the appointment, by the citizen or by the KEP (a closed day with
  no equivalent time to move it to). A booking moved to another time is not cancelled.
* `awaiting_outcome`: still confirmed: the call is still to come, or it has happened and its
  outcome is not recorded yet.
* `served`, `not_served`, `no_show`, `follow_up`: the outcome the employee recorded.
* `average_days_to_appointment`: over the bookings that are not cancelled, the average time from
  the moment the citizen made the booking to the appointment's start, in days of 24 hours, to
  one decimal (half up); null when there is none.
* Per KEP, `first_free`: the earliest time a standard call (category `information`, 20 minutes, no
  communication needs, so no interpreter) could be booked at the KEP at the moment of the request,
  by the same rules as `/availability/first`; `wait_days` from now to it, to one decimal. Null when
  there is no free time within the booking horizon, or the KEP no longer takes bookings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import request

from sandbox.scheduling import staff
from sandbox.scheduling.availability import Availability
from sandbox.scheduling.calendar_rules import at_athens, athens_day
from sandbox.scheduling.catalogue import CATEGORIES, slot_minutes
from sandbox.scheduling.problems import Problem, field_error

DAY_SECONDS = 24 * 3600
MAX_DAYS = 366
DEFAULT_DAYS = 30
# Dates outside these are refused: nothing was booked before the decision, and the far ends of the
# calendar would overflow the conversion to seconds.
EARLIEST, LATEST = date(2020, 1, 1), date(2099, 12, 31)
STANDARD_CATEGORY = "information"
OUTCOME_MEASURES = ("served", "not_served", "no_show", "follow_up")
ROLES_ALLOWED = ("head", "admin")


@dataclass
class Tally:
    """The counts of one group of bookings, and what their average wait is made of."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("bookings", "cancelled", "awaiting_outcome", *OUTCOME_MEASURES), 0))
    kept: int = 0
    kept_seconds: int = 0

    def add(self, other: Tally) -> None:
        for name, value in other.counts.items():
            self.counts[name] += value
        self.kept += other.kept
        self.kept_seconds += other.kept_seconds

    def view(self) -> dict:
        average = None
        if self.kept:
            average = float((Decimal(self.kept_seconds) / Decimal(self.kept * DAY_SECONDS))
                            .quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        return {**self.counts, "average_days_to_appointment": average}


def one_decimal(seconds: int) -> float:
    return float((Decimal(seconds) / Decimal(DAY_SECONDS)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def period(now: int) -> tuple[date, date]:
    """`from` and `to` from the query string (default: the 30 days up to today in Athens), checked."""
    errors = {}

    def day(name):
        raw = request.args.get(name)
        if raw is None:
            return None
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors[name] = field_error("Γράψτε ημερομηνία ΕΕΕΕ-ΜΜ-ΗΗ", "Enter a date as YYYY-MM-DD")
            return None
        if not EARLIEST <= value <= LATEST:
            errors[name] = field_error(f"Ημερομηνία από {EARLIEST.isoformat()} έως {LATEST.isoformat()}",
                                       f"A date from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
            return None
        return value

    first, last = day("from"), day("to")
    if errors:
        raise Problem("validation", errors=errors)
    last = last or (max(first, athens_day(now)) if first else athens_day(now))
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        errors["to"] = field_error("Η ημερομηνία λήξης είναι η ίδια ή μετά την ημερομηνία έναρξης",
                                   "The end date is the same as or after the start date")
    elif (last - first).days + 1 > MAX_DAYS:
        errors["to"] = field_error(f"Έως {MAX_DAYS} ημέρες", f"At most {MAX_DAYS} days")
    if errors:
        raise Problem("validation", errors=errors)
    return first, last


def keps_in_scope(connection, member, start: int, end: int) -> list:
    """The KEPs the statistics list: the head's own; for an administrator every KEP that takes bookings
    and any other that had a booking in the period."""
    if member.role == "head":
        return connection.execute("SELECT * FROM keps WHERE id=?", (member.kep_id,)).fetchall()
    return connection.execute(
        "SELECT * FROM keps WHERE active=1 OR id IN (SELECT kep_id FROM bookings WHERE starts >= ? AND starts < ?)"
        " ORDER BY name_el, id", (start, end)).fetchall()


def tallies(connection, member, start: int, end: int) -> dict[tuple[str, str], Tally]:
    condition, parameters = staff.visible_bookings_condition(member)
    found = {}
    for row in connection.execute(
        "SELECT kep_id, category, COUNT(*) AS bookings, SUM(status='cancelled') AS cancelled,"
        " SUM(status='confirmed') AS awaiting_outcome, SUM(status='served') AS served,"
        " SUM(status='not_served') AS not_served, SUM(status='no_show') AS no_show,"
        " SUM(status='follow_up') AS follow_up, SUM(status!='cancelled') AS kept,"
        " COALESCE(SUM(CASE WHEN status!='cancelled' THEN starts - created END), 0) AS kept_seconds"
        f" FROM bookings WHERE {condition} AND starts >= ? AND starts < ? GROUP BY kep_id, category",
        (*parameters, start, end),
    ):
        tally = Tally(kept=row["kept"], kept_seconds=row["kept_seconds"])
        for name in tally.counts:
            tally.counts[name] = row[name]
        found[(row["kep_id"], row["category"])] = tally
    return found


def first_free_times(connection, settings, now: int, kep_ids: list[str]) -> dict[str, int]:
    """The first free start of a standard call at each KEP (absent: none within the horizon). One pass over
    the days for all KEPs together: the same answer as `Availability.first_free` asked KEP by KEP."""
    engine = Availability(connection, settings, now)
    length = slot_minutes(STANDARD_CATEGORY, [])
    waiting = set(engine.keps_for()) & set(kep_ids)
    found = {}
    day = athens_day(engine.earliest)
    while waiting and day <= engine.last_day:
        for slot in engine.slots_on(day, length, sorted(waiting)):
            if slot.kep_id not in found or slot.starts < found[slot.kep_id]:
                found[slot.kep_id] = slot.starts
        waiting -= set(found)
        day += timedelta(days=1)
    return found


def statistics_view(connection, settings, member, now: int, first: date, last: date) -> dict:
    from sandbox.scheduling.bookings import iso

    start, end = at_athens(first, time(0, 0)), at_athens(last + timedelta(days=1), time(0, 0))
    keps = keps_in_scope(connection, member, start, end)
    counted = tallies(connection, member, start, end)
    free = first_free_times(connection, settings, now, [kep["id"] for kep in keps])
    by_category = {category: Tally() for category in CATEGORIES}
    overall = Tally()
    listed = []
    for kep in keps:
        kep_total = Tally()
        rows = []
        for category in CATEGORIES:
            tally = counted.get((kep["id"], category))
            if tally is None:
                continue
            rows.append({"category": category, **tally.view()})
            kep_total.add(tally)
            by_category[category].add(tally)
            overall.add(tally)
        starts = free.get(kep["id"])
        listed.append({
            "kep": {"id": kep["id"], "name": {"el": kep["name_el"], "en": kep["name_en"]}},
            "first_free": None if starts is None else {"start": iso(starts), "wait_days": one_decimal(starts - now)},
            "categories": rows,
            "total": kep_total.view(),
        })
    return {
        "from": first.isoformat(), "to": last.isoformat(), "computed_at": iso(now),
        "standard_call_minutes": slot_minutes(STANDARD_CATEGORY, []), "horizon_days": settings.horizon_days,
        "keps": listed,
        "categories": [{"category": category, **tally.view()} for category, tally in by_category.items()],
        "total": overall.view(),
    }


def register(app, scheduling) -> None:
    database = scheduling.database

    @app.get("/v1/staff/statistics")
    def staff_statistics():
        connection = database.read()
        member = staff.current_staff(connection)
        if member.role not in ROLES_ALLOWED:
            problem = Problem("not_found", detail="No such resource.")
            problem.staff_audit = (member.subject, member.role, "staff.statistics_denied", None)
            raise problem
        now = scheduling.now()
        first, last = period(now)
        view = statistics_view(connection, scheduling.settings, member, now, first, last)
        with database.write() as writer:
            scheduling.log_staff_action(writer, member, "staff.statistics_view")
        return view
