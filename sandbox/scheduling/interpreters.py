"""Greek Sign Language interpreters: a resource like employees.

An interpreter serves any KEP's calls (they join the video call from where they
are), inside their own weekly hours (Athens wall clock), never on their closed
days, and never in two calls at once: a confirmed booking or a live hold of
theirs occupies them, the same gap around it as for employees. A call whose
needs include `sign_language` is offered only when one of them is free for all
of it, and the one chosen is held and booked in the same write transaction as
the employee (bookings.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from sandbox.scheduling.calendar_rules import at_athens, parse_hhmm

ROSTER_FILE = Path(__file__).parent / "data" / "interpreters.json"
NEED = "sign_language"
DAY_SECONDS = 86400


def needs_interpreter(needs) -> bool:
    return NEED in needs


@lru_cache(maxsize=1)
def roster() -> dict:
    return json.loads(ROSTER_FILE.read_text(encoding="utf-8"))


def load_roster(connection) -> None:
    """Insert the sample roster once, under its own marker, so that a file made
    before interpreters existed gets them too; administrators' changes are kept."""
    connection.execute("CREATE TABLE IF NOT EXISTS loaded (what TEXT PRIMARY KEY, fingerprint TEXT)")
    if connection.execute("SELECT 1 FROM loaded WHERE what='interpreters'").fetchone():
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have loaded it while this one waited for the lock.
        if not connection.execute("SELECT 1 FROM loaded WHERE what='interpreters'").fetchone():
            _insert_roster(connection, roster()["interpreters"])
            connection.execute("INSERT INTO loaded VALUES ('interpreters', ?)", (str(len(roster()["interpreters"])),))
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _insert_roster(connection, interpreters) -> None:
    for interpreter in interpreters:
        inserted = connection.execute("INSERT OR IGNORE INTO interpreters (id, name, email) VALUES (?,?,?)",
                                      (interpreter["id"], interpreter["name"], interpreter["email"])).rowcount
        if inserted:
            connection.executemany("INSERT INTO interpreter_hours VALUES (?,?,?,?)", [
                (interpreter["id"], hours["weekday"], hours["starts"], hours["ends"])
                for hours in interpreter["hours"]])


# -- availability -------------------------------------------------------------------------

@dataclass
class InterpreterDay:
    """Who can interpret on one day: each one's working windows and busy intervals
    (widened by the gap), read once for the day and asked for every start time."""

    windows: dict[str, list[tuple[int, int]]]
    busy: dict[str, list[tuple[int, int]]]
    _chosen: dict[tuple[int, int], str | None] = field(default_factory=dict)

    def free_for(self, start: int, end: int) -> str | None:
        """The least busy interpreter free for [start, end), or None; the same for every KEP at that time."""
        key = (start, end)
        if key not in self._chosen:
            self._chosen[key] = self._least_busy(start, end)
        return self._chosen[key]

    def _least_busy(self, start: int, end: int) -> str | None:
        best, best_load = None, None
        for interpreter_id, windows in self.windows.items():
            if not any(s <= start and end <= e for s, e in windows):
                continue
            occupied = self.busy.get(interpreter_id, ())
            if any(s < end and start < e for s, e in occupied):
                continue
            if best is None or len(occupied) < best_load:
                best, best_load = interpreter_id, len(occupied)
        return best


def weekly_hours(connection) -> dict[int, list[tuple[str, str, str]]]:
    """Active interpreters' hours by weekday, as (interpreter id, starts, ends), in id order."""
    hours = defaultdict(list)
    for row in connection.execute(
        "SELECT h.interpreter_id, h.weekday, h.starts, h.ends FROM interpreter_hours h"
        " JOIN interpreters i ON i.id = h.interpreter_id WHERE i.active=1 ORDER BY h.interpreter_id, h.starts"
    ):
        hours[row["weekday"]].append((row["interpreter_id"], row["starts"], row["ends"]))
    return hours


def interpreter_day(connection, day: date, hours_of_weekday, *, gap: int, now: int,
                    ignore_hold: str | None = None) -> InterpreterDay:
    closed = {row["interpreter_id"] for row in connection.execute(
        "SELECT interpreter_id FROM interpreter_closed_days WHERE day=?", (day.isoformat(),))}
    windows = defaultdict(list)
    for interpreter_id, starts, ends in hours_of_weekday:
        if interpreter_id not in closed:
            windows[interpreter_id].append((at_athens(day, parse_hhmm(starts)), at_athens(day, parse_hhmm(ends))))
    if not windows:
        return InterpreterDay({}, {})
    first = min(start for spans in windows.values() for start, _ in spans)
    last = max(end for spans in windows.values() for _, end in spans)
    return InterpreterDay(dict(windows), _busy(connection, list(windows), first, last, gap, now, ignore_hold))


def _busy(connection, interpreter_ids, first, last, gap, now, ignore_hold) -> dict[str, list[tuple[int, int]]]:
    """Confirmed bookings and live holds of these interpreters near [first, last), widened by the gap."""
    placeholders = ",".join("?" * len(interpreter_ids))
    busy = defaultdict(list)
    # No call lasts a day: the lower bound on `starts` keeps the index scan to that day.
    for row in connection.execute(
        f"SELECT interpreter_id, starts, ends FROM bookings WHERE status='confirmed'"
        f" AND interpreter_id IN ({placeholders}) AND starts > ? AND starts < ? AND ends > ?",
        (*interpreter_ids, first - gap - DAY_SECONDS, last + gap, first - gap),
    ):
        busy[row["interpreter_id"]].append((row["starts"] - gap, row["ends"] + gap))
    for row in connection.execute(
        "SELECT id, interpreter_id, starts, ends FROM holds WHERE interpreter_id IS NOT NULL AND expires > ?"
        " AND starts < ? AND ends > ?", (now, last + gap, first - gap),
    ):
        if row["id"] != ignore_hold:
            busy[row["interpreter_id"]].append((row["starts"] - gap, row["ends"] + gap))
    return busy


# -- what the API shows ------------------------------------------------------------------

def booking_interpreter(connection, interpreter_id: str | None) -> dict | None:
    """The interpreter as a booking shows them: who will be in the call, nothing more."""
    if not interpreter_id:
        return None
    row = connection.execute("SELECT id, name FROM interpreters WHERE id=?", (interpreter_id,)).fetchone()
    return {"id": row["id"], "name": row["name"]} if row else None


def interpreters_view(connection, interpreter_id: str | None = None) -> list[dict]:
    """Interpreters with their hours and closed days (the administrators' view)."""
    query, params = "SELECT * FROM interpreters", ()
    if interpreter_id is not None:
        query, params = query + " WHERE id=?", (interpreter_id,)
    hours, closed = defaultdict(list), defaultdict(list)
    for row in connection.execute("SELECT * FROM interpreter_hours ORDER BY interpreter_id, weekday, starts"):
        hours[row["interpreter_id"]].append({"weekday": row["weekday"], "starts": row["starts"], "ends": row["ends"]})
    for row in connection.execute("SELECT * FROM interpreter_closed_days ORDER BY interpreter_id, day"):
        closed[row["interpreter_id"]].append({"date": row["day"], "reason": row["reason"]})
    return [
        {"id": row["id"], "name": row["name"], "email": row["email"], "active": bool(row["active"]),
         "hours": hours[row["id"]], "closed_days": closed[row["id"]]}
        for row in connection.execute(query + " ORDER BY id", params)
    ]
