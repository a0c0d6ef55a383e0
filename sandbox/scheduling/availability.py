"""Free slots: where and when an employee can take a call of a given length.

Article 3.1: the employee is chosen so that no employee ever has overlapping
appointments; article 3.2: a gap is kept between two appointments of the same
employee. A confirmed booking and a live hold both occupy their employee, the
gap around them included. A call with a sign-language need also needs a free
interpreter (interpreters.py), by the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sandbox.scheduling import calendar_rules
from sandbox.scheduling.calendar_rules import at_athens, intersect, parse_hhmm
from sandbox.scheduling.catalogue import slot_minutes
from sandbox.scheduling.interpreters import InterpreterDay, interpreter_day, weekly_hours


@dataclass(frozen=True)
class Slot:
    kep_id: str
    employee_id: str
    starts: int
    ends: int
    interpreter_id: str | None = None  # None when the call needs none


class Availability:
    def __init__(self, connection, settings, now: int, with_interpreter: bool = False):
        self.connection = connection
        self.settings = settings
        self.now = now
        self.with_interpreter = with_interpreter
        self._interpreter_hours = None  # by weekday, read once per request
        self.gap = settings.gap_minutes * 60
        self.earliest = now + settings.min_notice_minutes * 60
        today = calendar_rules.athens_day(now)
        self.last_day = today + timedelta(days=settings.horizon_days)

    # -- what the KEPs and their people look like --------------------------------

    def keps_for(self, kep_id=None, municipality_id=None) -> list[str]:
        if kep_id:
            rows = self.connection.execute("SELECT id FROM keps WHERE id=? AND active=1", (kep_id,))
        elif municipality_id:
            rows = self.connection.execute(
                "SELECT id FROM keps WHERE municipality_id=? AND active=1 ORDER BY id", (municipality_id,))
        else:
            rows = self.connection.execute("SELECT id FROM keps WHERE active=1 ORDER BY id")
        return [row["id"] for row in rows]

    def _kep_windows(self, kep_ids, day: date) -> dict[str, list[tuple[int, int]]]:
        """Bookable wall-clock windows per KEP on `day`: service hours ∩ KEP hours."""
        if not calendar_rules.is_working_day(day):
            return {}
        closed = {row["kep_id"] for row in self.connection.execute(
            "SELECT kep_id FROM closed_days WHERE day=?", (day.isoformat(),))}
        if "" in closed:
            return {}
        service = [(at_athens(day, self.settings.service_opens), at_athens(day, self.settings.service_closes))]
        windows = defaultdict(list)
        placeholders = ",".join("?" * len(kep_ids))
        for row in self.connection.execute(
            f"SELECT kep_id, opens, closes FROM kep_hours WHERE weekday=? AND kep_id IN ({placeholders})",
            (day.weekday(), *kep_ids),
        ):
            if row["kep_id"] in closed:
                continue
            opening = [(at_athens(day, parse_hhmm(row["opens"])), at_athens(day, parse_hhmm(row["closes"])))]
            windows[row["kep_id"]].extend(intersect(service, opening))
        return windows

    def _employees(self, kep_ids, day: date) -> dict[str, list[tuple[str, list[tuple[int, int]] | None]]]:
        """Employees per KEP, each with their own availability on `day` (None: whenever the KEP is open);
        an employee absent that day is not one of them."""
        placeholders = ",".join("?" * len(kep_ids))
        employees = defaultdict(list)
        restricted = defaultdict(list)
        restricted_ids = set()
        for row in self.connection.execute(
            f"SELECT a.employee_id, a.valid_from, a.valid_to, a.weekday, a.starts, a.ends FROM employee_availability a"
            f" JOIN employees e ON e.id = a.employee_id WHERE e.kep_id IN ({placeholders})", kep_ids,
        ):
            restricted_ids.add(row["employee_id"])
            if row["valid_from"] <= day.isoformat() <= row["valid_to"] and row["weekday"] in (None, day.weekday()):
                restricted[row["employee_id"]].append(
                    (at_athens(day, parse_hhmm(row["starts"])), at_athens(day, parse_hhmm(row["ends"]))))
        # An employee away that day (an absence a head or an administrator recorded) takes no call.
        absent = {row["employee_id"] for row in self.connection.execute(
            f"SELECT a.employee_id FROM employee_absences a JOIN employees e ON e.id = a.employee_id"
            f" WHERE e.kep_id IN ({placeholders}) AND a.first_day <= ? AND ? <= a.last_day",
            (*kep_ids, day.isoformat(), day.isoformat()))}
        for row in self.connection.execute(
            f"SELECT id, kep_id FROM employees WHERE kep_id IN ({placeholders}) ORDER BY id", kep_ids,
        ):
            if row["id"] in absent:
                continue
            own = restricted[row["id"]] if row["id"] in restricted_ids else None
            employees[row["kep_id"]].append((row["id"], own))
        return employees

    def _busy(self, kep_ids, first: int, last: int, ignore_hold: str | None = None) -> dict[str, list[tuple[int, int]]]:
        """Occupied intervals per employee, widened by the gap on both sides."""
        placeholders = ",".join("?" * len(kep_ids))
        busy = defaultdict(list)
        for row in self.connection.execute(
            f"SELECT employee_id, starts, ends FROM bookings WHERE status='confirmed' AND kep_id IN ({placeholders})"
            f" AND starts < ? AND ends > ?", (*kep_ids, last + self.gap, first - self.gap),
        ):
            busy[row["employee_id"]].append((row["starts"] - self.gap, row["ends"] + self.gap))
        for row in self.connection.execute(
            f"SELECT id, employee_id, starts, ends FROM holds WHERE expires > ? AND kep_id IN ({placeholders})"
            f" AND starts < ? AND ends > ?", (self.now, *kep_ids, last + self.gap, first - self.gap),
        ):
            if row["id"] != ignore_hold:
                busy[row["employee_id"]].append((row["starts"] - self.gap, row["ends"] + self.gap))
        return busy

    # -- slots --------------------------------------------------------------------

    def slots_on(self, day: date, length_minutes: int, kep_ids: list[str], ignore_hold=None) -> list[Slot]:
        """Every bookable start on `day`, once per KEP, with the employee who would take it."""
        if not kep_ids or day > self.last_day:
            return []
        windows = self._kep_windows(kep_ids, day)
        if not windows:
            return []
        length = length_minutes * 60
        starts = list(self._starts(windows, length))
        interpreters = None
        if self.with_interpreter:
            interpreters = self._interpreters_on(day, ignore_hold)
            # Asked before the employees are read, so that a day without a free interpreter costs little.
            if not any(interpreters.free_for(start, start + length) for start in {start for _, start in starts}):
                return []
        kep_ids = list(windows)
        employees = self._employees(kep_ids, day)
        day_start = min(start for spans in windows.values() for start, _ in spans)
        day_end = max(end for spans in windows.values() for _, end in spans)
        busy = self._busy(kep_ids, day_start, day_end, ignore_hold)
        slots = (self._slot(kep_id, employees[kep_id], busy, interpreters, start, start + length)
                 for kep_id, start in starts)
        return [slot for slot in slots if slot]

    def _starts(self, windows, length: int):
        """(KEP, start) for each grid time after the notice from which a call of `length` seconds fits."""
        grid = self.settings.grid_minutes * 60
        for kep_id, spans in windows.items():
            for window_start, window_end in spans:
                for start in range(window_start, window_end - length + 1, grid):
                    if start >= self.earliest:
                        yield kep_id, start

    def _slot(self, kep_id, employees, busy, interpreters: InterpreterDay | None, start, end) -> Slot | None:
        """The call [start, end) at this KEP with the people it needs, or None if one of them is not free."""
        interpreter_id = None
        if interpreters is not None:
            interpreter_id = interpreters.free_for(start, end)
            if interpreter_id is None:
                return None
        employee = self._free_employee(employees, busy, start, end)
        return Slot(kep_id, employee, start, end, interpreter_id) if employee else None

    def _interpreters_on(self, day: date, ignore_hold=None) -> InterpreterDay:
        if self._interpreter_hours is None:
            self._interpreter_hours = weekly_hours(self.connection)
        return interpreter_day(self.connection, day, self._interpreter_hours.get(day.weekday(), []),
                               gap=self.gap, now=self.now, ignore_hold=ignore_hold)

    @staticmethod
    def _free_employee(candidates, busy, start, end):
        """The least busy employee free for [start, end), or None."""
        best, best_load = None, None
        for employee_id, own_hours in candidates:
            if own_hours is not None and not any(s <= start and end <= e for s, e in own_hours):
                continue
            occupied = busy.get(employee_id, ())
            if any(s < end and start < e for s, e in occupied):
                continue
            if best is None or len(occupied) < best_load:
                best, best_load = employee_id, len(occupied)
        return best

    def days(self, first: date, last: date, length_minutes: int, kep_ids) -> list[tuple[date, int]]:
        """Each day in [first, last] with its count of free start times (one per time, whatever the KEP)."""
        result = []
        day = first
        while day <= min(last, self.last_day):
            starts = {slot.starts for slot in self.slots_on(day, length_minutes, kep_ids)}
            result.append((day, len(starts)))
            day += timedelta(days=1)
        return result

    def first_free(self, length_minutes: int, kep_ids) -> Slot | None:
        day = calendar_rules.athens_day(self.earliest)
        while day <= self.last_day:
            slots = self.slots_on(day, length_minutes, kep_ids)
            if slots:
                return min(slots, key=lambda slot: (slot.starts, slot.kep_id))
            day += timedelta(days=1)
        return None

    def limited_by(self, length_minutes: int, kep_ids) -> str | None:
        """Why `first_free` found nothing: "interpreter" when a time would be free if no interpreter were needed."""
        if not self.with_interpreter:
            return None
        without = Availability(self.connection, self.settings, self.now)
        return "interpreter" if without.first_free(length_minutes, kep_ids) else None

    def slot_at(self, kep_id: str, starts: int, length_minutes: int, ignore_hold=None) -> Slot | None:
        """The slot starting exactly at `starts` at this KEP, if it is free."""
        day = calendar_rules.athens_day(starts)
        for slot in self.slots_on(day, length_minutes, [kep_id], ignore_hold=ignore_hold):
            if slot.starts == starts:
                return slot
        return None


def length_of(category: str, needs) -> int:
    return slot_minutes(category, needs)
