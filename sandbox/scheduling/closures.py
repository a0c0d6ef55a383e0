"""Closing a day with bookings on it: no booking is left confirmed on a closed day, and no citizen
is left untold.

An administrator first sees which bookings a closure touches (`affected`). On confirmation
(`close_day`), in one transaction, the day is closed and each of its bookings is moved to the
nearest equivalent time after the closed day (the same length, the same needs, an interpreter when it had one: at
the same KEP first, then at another KEP of the same municipality) or, when there is none
within the booking horizon, cancelled. Each citizen gets an email, and a text message when they
chose texts, with a link to choose another time; invitees are updated or withdrawn as for any
move or cancellation.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta

from sandbox.scheduling import invitations
from sandbox.scheduling.availability import Availability
from sandbox.scheduling.calendar_rules import at_athens
from sandbox.scheduling.catalogue import slot_minutes
from sandbox.scheduling.interpreters import needs_interpreter
from sandbox.scheduling.sms import queue_sms


def affected(connection, day: date, kep_id: str):
    """The confirmed bookings a closure of `day` (at `kep_id`, or everywhere when empty) touches."""
    first, last = at_athens(day, time(0, 0)), at_athens(day + timedelta(days=1), time(0, 0))
    query = "SELECT * FROM bookings WHERE status='confirmed' AND starts >= ? AND starts < ?"
    parameters: list = [first, last]
    if kep_id:
        query += " AND kep_id = ?"
        parameters.append(kep_id)
    return connection.execute(query + " ORDER BY starts, reference", parameters).fetchall()


def _first_after(availability, closed: date, length: int, kep_ids):
    """The first free time after the closed day: never earlier than the citizen planned for."""
    day = closed + timedelta(days=1)
    while kep_ids and day <= availability.last_day:
        slots = availability.slots_on(day, length, kep_ids)
        if slots:
            return min(slots, key=lambda slot: (slot.starts, slot.kep_id))
        day += timedelta(days=1)
    return None


def _nearest_slot(connection, settings, now: int, row, closed: date):
    needs = json.loads(row["details"]).get("needs", [])
    availability = Availability(connection, settings, now, with_interpreter=needs_interpreter(needs))
    length = slot_minutes(row["category"], needs)
    same_kep = _first_after(availability, closed, length, [row["kep_id"]])
    if same_kep:
        return same_kep
    municipality = connection.execute("SELECT municipality_id FROM keps WHERE id=?", (row["kep_id"],)).fetchone()
    others = [kep for kep in availability.keps_for(municipality_id=municipality["municipality_id"])
              if kep != row["kep_id"]]
    return _first_after(availability, closed, length, others)


def close_day(scheduling, connection, day: date, kep_id: str, reason: str) -> dict:
    """Close the day and settle its bookings; returns what happened to each (inside the caller's transaction)."""
    now = scheduling.now()
    connection.execute("INSERT OR REPLACE INTO closed_days VALUES (?,?,?)", (day.isoformat(), kep_id, reason))
    moved, cancelled = [], []
    for row in affected(connection, day, kep_id):
        # The closed day is closed already, so no slot on it is offered; the booking's own time goes with it.
        slot = _nearest_slot(connection, scheduling.settings, now, row, day)
        if slot:
            connection.execute(
                "UPDATE bookings SET kep_id=?, employee_id=?, interpreter_id=?, starts=?, ends=?, sequence=sequence+1,"
                " updated=?, reminder_sent=NULL WHERE id=?",
                (slot.kep_id, slot.employee_id, slot.interpreter_id, slot.starts, slot.ends, now, row["id"]))
            kind = "moved_by_kep"
            moved.append(row["reference"])
        else:
            connection.execute("UPDATE bookings SET status='cancelled', sequence=sequence+1, updated=? WHERE id=?",
                               (now, row["id"]))
            kind = "cancelled_by_kep"
            cancelled.append(row["reference"])
        invitations.follow_booking(connection, row["id"], now)
        connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, ?, ?)",
                           (row["id"], kind, now))
        queue_sms(connection, row["id"], kind, now)
    return {"date": day.isoformat(), "kep_id": kep_id or None, "reason": reason, "moved": moved,
            "cancelled": cancelled}
