"""When the KEP can no longer serve a booking at its time, no booking is left standing on a time nobody
will serve, and no citizen is left untold. The one rule, for every change that takes time away:

* a day closed (for one KEP or for every KEP);
* a KEP's opening hours narrowed;
* an employee's availability narrowed, or an absence of theirs recorded.

First the change shows which bookings it touches (`affected`, `affected_by_hours`,
`affected_by_availability`, `affected_by_absence`: confirmed bookings that have not started and that the
changed calendar no longer serves). On confirmation, in the same transaction as the change, `settle` gives each
of them the nearest equivalent time not earlier than its own (the same length, the same needs, an interpreter
when it had one: at the same KEP first, then at another KEP of the same municipality, within the booking
horizon):

* the same time with a colleague at the same KEP (`reassigned`): nothing changes for the citizen, so they are
  not disturbed;
* another time (`moved`): the citizen gets an email, and a text message when they chose texts, with a link to
  choose another time; the invitees are updated;
* none (`cancelled`): the citizen is told the same way, with a link to book again; the invitations are
  withdrawn.

After a closed day, its bookings move to a later day (never to another KEP the same day).
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta

from sandbox.scheduling import invitations
from sandbox.scheduling.availability import Availability
from sandbox.scheduling.calendar_rules import at_athens, athens_day, parse_hhmm
from sandbox.scheduling.catalogue import slot_minutes
from sandbox.scheduling.interpreters import needs_interpreter
from sandbox.scheduling.sms import queue_sms

#: What the citizen's email and text say, by cause: a closed day, or another change of the KEP's calendar.
NOTICES = {
    "closed_day": ("moved_by_kep", "cancelled_by_kep"),
    "change": ("moved_by_kep_change", "cancelled_by_kep_change"),
}
MIDNIGHT = time(0, 0)


# -- which bookings a change touches ------------------------------------------------------------------

def end_of_day(day: date) -> int:
    """The midnight that ends `day` in Athens. The calendar's last day has no next one (date.max + 1 day
    overflows): its end is taken a day after its start."""
    if day == date.max:
        return at_athens(day, MIDNIGHT) + 24 * 3600
    return at_athens(day + timedelta(days=1), MIDNIGHT)


def affected(connection, day: date, kep_id: str, now: int | None = None):
    """The confirmed bookings a closure of `day` (at `kep_id`, or everywhere when empty) touches; with `now`,
    only those that have not started (one under way is the employee's to finish)."""
    first, last = at_athens(day, MIDNIGHT), end_of_day(day)
    query = "SELECT * FROM bookings WHERE status='confirmed' AND starts >= ? AND starts < ?"
    parameters: list = [max(first, now) if now is not None else first, last]
    if kep_id:
        query += " AND kep_id = ?"
        parameters.append(kep_id)
    return connection.execute(query + " ORDER BY starts, reference", parameters).fetchall()


def affected_by_absence(connection, employee_id: str, first: date, last: date, now: int):
    """The employee's confirmed bookings from `first` to `last` (both included) that have not started."""
    return connection.execute(
        "SELECT * FROM bookings WHERE status='confirmed' AND employee_id=? AND starts >= ? AND starts < ?"
        " ORDER BY starts, reference",
        (employee_id, max(now, at_athens(first, MIDNIGHT)), end_of_day(last))).fetchall()


def _inside(row, windows) -> bool:
    """Whether the booking lies inside one of `windows`, each (day's weekday or None, opens, closes) as HH:MM."""
    day = athens_day(row["starts"])
    return any(weekday in (None, day.weekday()) and at_athens(day, parse_hhmm(opens)) <= row["starts"]
               and row["ends"] <= at_athens(day, parse_hhmm(closes)) for weekday, opens, closes in windows)


def affected_by_hours(connection, kep_id: str, hours: list[dict], now: int):
    """The KEP's confirmed bookings, not yet started, outside its new opening hours."""
    windows = [(item["weekday"], item["opens"], item["closes"]) for item in hours]
    rows = connection.execute("SELECT * FROM bookings WHERE status='confirmed' AND kep_id=? AND starts >= ?"
                              " ORDER BY starts, reference", (kep_id, now)).fetchall()
    return [row for row in rows if not _inside(row, windows)]


def affected_by_availability(connection, employee_id: str, periods: list[tuple], now: int):
    """The employee's confirmed bookings, not yet started, outside their new availability periods, each
    (valid_from, valid_to, weekday, starts, ends, workstation). No period: they serve whenever the KEP is open."""
    if not periods:
        return []
    rows = connection.execute("SELECT * FROM bookings WHERE status='confirmed' AND employee_id=? AND starts >= ?"
                              " ORDER BY starts, reference", (employee_id, now)).fetchall()
    kept = []
    for row in rows:
        day = athens_day(row["starts"]).isoformat()
        windows = [(weekday, starts, ends) for valid_from, valid_to, weekday, starts, ends, _ in periods
                   if valid_from <= day <= valid_to]
        if not _inside(row, windows):
            kept.append(row)
    return kept


# -- the nearest equivalent time ------------------------------------------------------------------------

def _first_from(availability, starts: int, length: int, kep_ids):
    """The first free time at these KEPs not earlier than `starts`: never earlier than the citizen planned for."""
    day = athens_day(starts)
    while kep_ids and day <= availability.last_day:
        slots = [slot for slot in availability.slots_on(day, length, kep_ids) if slot.starts >= starts]
        if slots:
            return min(slots, key=lambda slot: (slot.starts, slot.kep_id))
        day += timedelta(days=1)
    return None


def _nearest_slot(connection, settings, now: int, row, not_before: int):
    needs = json.loads(row["details"]).get("needs", [])
    availability = Availability(connection, settings, now, with_interpreter=needs_interpreter(needs))
    length = slot_minutes(row["category"], needs)
    same_kep = _first_from(availability, not_before, length, [row["kep_id"]])
    if same_kep:
        return same_kep
    municipality = connection.execute("SELECT municipality_id FROM keps WHERE id=?", (row["kep_id"],)).fetchone()
    others = [kep for kep in availability.keps_for(municipality_id=municipality["municipality_id"])
              if kep != row["kep_id"]]
    return _first_from(availability, not_before, length, others)


# -- settling ---------------------------------------------------------------------------------------------

def settle(scheduling, connection, rows, cause: str, not_before: int | None = None) -> list[dict]:
    """Give each booking of `rows` its nearest equivalent time, or cancel it, and tell the citizen; inside the
    caller's transaction, after the change itself (so that the time it took away is no longer offered).
    The new time is never earlier than `not_before` (a closed day: the next day), by default the booking's own.
    Returns, for each, {"row": the booking as it was, "outcome": reassigned|moved|cancelled, "slot": its new
    time or None}."""
    moved_kind, cancelled_kind = NOTICES[cause]
    now = scheduling.now()
    settled = []
    for row in rows:
        # While its new time is sought the booking holds nobody: its interpreter may be free for it at the same time.
        connection.execute("UPDATE bookings SET status='settling' WHERE id=?", (row["id"],))
        slot = _nearest_slot(connection, scheduling.settings, now, row,
                             row["starts"] if not_before is None else max(not_before, row["starts"]))
        if slot and slot.starts == row["starts"] and slot.kep_id == row["kep_id"]:
            connection.execute("UPDATE bookings SET status='confirmed', employee_id=?, interpreter_id=?, updated=?"
                               " WHERE id=?", (slot.employee_id, slot.interpreter_id, now, row["id"]))
            if slot.interpreter_id != row["interpreter_id"]:
                invitations.follow_booking(connection, row["id"], now)
            settled.append({"row": row, "outcome": "reassigned", "slot": slot})
            continue
        if slot:
            connection.execute(
                "UPDATE bookings SET status='confirmed', kep_id=?, employee_id=?, interpreter_id=?, starts=?, ends=?,"
                " sequence=sequence+1, updated=?, reminder_sent=NULL WHERE id=?",
                (slot.kep_id, slot.employee_id, slot.interpreter_id, slot.starts, slot.ends, now, row["id"]))
            kind, outcome = moved_kind, "moved"
        else:
            connection.execute("UPDATE bookings SET status='cancelled', sequence=sequence+1, updated=? WHERE id=?",
                               (now, row["id"]))
            kind, outcome = cancelled_kind, "cancelled"
        invitations.follow_booking(connection, row["id"], now)
        connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, ?, ?)",
                           (row["id"], kind, now))
        queue_sms(connection, row["id"], kind, now)
        settled.append({"row": row, "outcome": outcome, "slot": slot})
    return settled


def close(scheduling, connection, day: date, kep_id: str, reason: str) -> list[dict]:
    """Close the day (for `kep_id`, or every KEP when empty) and settle the bookings on it that have not started."""
    connection.execute("INSERT OR REPLACE INTO closed_days VALUES (?,?,?)", (day.isoformat(), kep_id, reason))
    # After the closed day, never later the same day at another KEP: the citizen planned for that day's KEP.
    return settle(scheduling, connection, affected(connection, day, kep_id, scheduling.now()), "closed_day",
                  not_before=end_of_day(day))


def close_day(scheduling, connection, day: date, kep_id: str, reason: str) -> dict:
    """The administrators' closure: the day closed, and the references moved or cancelled."""
    settled = close(scheduling, connection, day, kep_id, reason)
    return {"date": day.isoformat(), "kep_id": kep_id or None, "reason": reason,
            "moved": [item["row"]["reference"] for item in settled if item["outcome"] != "cancelled"],
            "cancelled": [item["row"]["reference"] for item in settled if item["outcome"] == "cancelled"]}
