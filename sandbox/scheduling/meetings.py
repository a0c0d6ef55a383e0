"""The video call of each booking: a room on the call server (Janus) and one token per person.

The service, never a browser, creates and destroys rooms (with the call server's room key and a
per-room secret kept here). Who is let in follows the booking: the citizen, the assigned employee,
and each live invitation (the interpreter, the third person). `reconcile` brings the call server in
line with that; it runs in a background loop (rooms open `room_lead_minutes` before the call and are
destroyed after it), after every change made through the API (a cancelled booking or a withdrawn
invitation takes its tokens away at once) and before a token is handed out.

The call server is reached through `settings.call_rooms`, an object with `create`, `allow`,
`revoke` and `destroy` (sandbox/janus/rooms.py talks to Janus; tests give their own). Its absence or
failure is `call_server_unavailable`: the page then says so, and nothing else is claimed.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading

from sandbox.janus.rooms import CallServerUnavailable
from sandbox.scheduling.problems import Problem

__all__ = ["CallServerUnavailable", "Meetings", "register", "start_background_loop"]

log = logging.getLogger(__name__)

SCHEMA = """
-- One room per booking on the call server; `secret` manages it and is never given to a browser.
CREATE TABLE IF NOT EXISTS call_rooms (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings(id), room INTEGER NOT NULL UNIQUE,
    secret TEXT NOT NULL, created INTEGER NOT NULL
);
-- Who may enter it: one row per person, whose token the room lists while `revoked` is NULL.
CREATE TABLE IF NOT EXISTS call_participants (
    id INTEGER PRIMARY KEY, booking_id INTEGER NOT NULL REFERENCES bookings(id), person TEXT NOT NULL,
    role TEXT NOT NULL, name TEXT NOT NULL, token TEXT NOT NULL UNIQUE, feed_id INTEGER NOT NULL,
    chat_username TEXT NOT NULL, revoked INTEGER
);
CREATE INDEX IF NOT EXISTS call_participants_booking ON call_participants(booking_id);
"""

# Room numbers and feed ids stay below 2**52: browsers hold them as JavaScript numbers.
ID_LIMIT = 2 ** 52


def unavailable() -> Problem:
    return Problem("call_server_unavailable", detail="The call server is not answering. Try again in a few minutes.")


# -- who belongs in the call -------------------------------------------------------------------

def wanted_people(connection, booking) -> dict[str, tuple[str, str]]:
    """person key → (role, name) of everybody the booking lets into its call now."""
    if booking["status"] != "confirmed":
        return {}
    details = json.loads(booking["details"])
    people = {"citizen": ("citizen", details["contact"]["name"])}
    employee = connection.execute("SELECT name FROM staff WHERE employee_id=? ORDER BY subject LIMIT 1",
                                  (booking["employee_id"],)).fetchone()
    people[f"employee:{booking['employee_id']}"] = ("employee", employee["name"] if employee else "")
    for invitation in connection.execute(
            "SELECT id, role, name FROM invitations WHERE booking_id=? AND state != 'withdrawn' ORDER BY id",
            (booking["id"],)):
        people[f"{invitation['role']}:{invitation['id']}"] = (invitation["role"], invitation["name"])
    return people


def in_room_window(settings, booking, now: int) -> bool:
    """A confirmed booking's room exists from `room_lead_minutes` before the call until its end."""
    opens = booking["starts"] - settings.room_lead_minutes * 60
    return booking["status"] == "confirmed" and opens <= now < booking["ends"]


# -- bringing the call server in line -----------------------------------------------------------

class Meetings:
    def __init__(self, scheduling):
        self.scheduling = scheduling
        self.database = scheduling.database
        self.settings = scheduling.settings
        self._lock = threading.Lock()  # one reconciliation at a time: each reads, asks Janus, then writes
        self.wake = threading.Event()

    def nudge(self) -> None:
        """Something changed (a booking cancelled, an invitation withdrawn): the loop runs now, not
        on the request's thread, so a slow call server never slows a booking down."""
        self.wake.set()

    @property
    def rooms(self):
        return self.settings.call_rooms

    def reconcile_all(self) -> None:
        """Rooms for the calls about to start, tokens for exactly the people each lets in, no room after."""
        if self.rooms is None:
            return
        now = self.scheduling.now()
        lead = self.settings.room_lead_minutes * 60
        connection = self.database.read()
        due = connection.execute(
            "SELECT id FROM bookings WHERE status='confirmed' AND starts - ? <= ? AND ends > ?"
            " UNION SELECT booking_id FROM call_rooms", (lead, now, now)).fetchall()
        for row in due:
            try:
                self.reconcile(row["id"])
            except CallServerUnavailable:
                log.warning("call server unavailable: rooms will be brought in line on the next round")
                return

    def reconcile(self, booking_id: int) -> None:
        with self._lock:
            connection = self.database.read()
            booking = connection.execute("SELECT * FROM bookings WHERE id=?", (booking_id,)).fetchone()
            room = connection.execute("SELECT * FROM call_rooms WHERE booking_id=?", (booking_id,)).fetchone()
            wanted = booking is not None and in_room_window(self.settings, booking, self.scheduling.now())
            if not wanted:
                if room is not None:
                    self._destroy(room)
                return
            if room is None:
                self._create(booking)
            else:
                self._follow(booking, room)

    def _create(self, booking) -> None:
        connection = self.database.read()
        people = wanted_people(connection, booking)
        room_number = 1 + secrets.randbelow(ID_LIMIT - 1)
        secret = secrets.token_urlsafe(24)
        tokens = {person: _new_participant(role, name) for person, (role, name) in people.items()}
        self.rooms.create(room_number, secret, [p["token"] for p in tokens.values()],
                          f"booking {booking['id']}")
        with self.database.write() as writer:
            writer.execute("INSERT INTO call_rooms (booking_id, room, secret, created) VALUES (?,?,?,?)",
                           (booking["id"], room_number, secret, self.scheduling.now()))
            for person, participant in tokens.items():
                _insert_participant(writer, booking["id"], person, participant)
        log.info("call room opened for a booking")

    def _follow(self, booking, room) -> None:
        connection = self.database.read()
        people = wanted_people(connection, booking)
        present = {row["person"]: row for row in connection.execute(
            "SELECT * FROM call_participants WHERE booking_id=? AND revoked IS NULL", (booking["id"],))}
        if set(present) == set(people):
            return
        # A call server that restarted has lost its rooms: the room first (no-op if it is there), then the change.
        self.rooms.create(room["room"], room["secret"], [row["token"] for row in present.values()],
                          f"booking {booking['id']}")
        for person, row in present.items():
            if person not in people:
                self.rooms.revoke(room["room"], room["secret"], row["token"], row["feed_id"], row["chat_username"])
                with self.database.write() as writer:
                    writer.execute("UPDATE call_participants SET revoked=? WHERE id=?",
                                   (self.scheduling.now(), row["id"]))
        for person, (role, name) in people.items():
            if person not in present:
                participant = _new_participant(role, name)
                self.rooms.allow(room["room"], room["secret"], [participant["token"]])
                with self.database.write() as writer:
                    _insert_participant(writer, booking["id"], person, participant)

    def _destroy(self, room) -> None:
        self.rooms.destroy(room["room"], room["secret"])
        with self.database.write() as writer:
            writer.execute("DELETE FROM call_participants WHERE booking_id=?", (room["booking_id"],))
            writer.execute("DELETE FROM call_rooms WHERE booking_id=?", (room["booking_id"],))
        log.info("call room destroyed after its booking's call")

    # -- what one person is given ----------------------------------------------------------------

    def access(self, booking, person: str) -> dict:
        """The call as `person` joins it: server, room, their own token and everybody's names.

        The caller has checked that the booking is theirs and that its join window is open."""
        if self.rooms is None:
            raise unavailable()
        try:
            self.reconcile(booking["id"])
        except CallServerUnavailable:
            raise unavailable() from None
        connection = self.database.read()
        room = connection.execute("SELECT * FROM call_rooms WHERE booking_id=?", (booking["id"],)).fetchone()
        rows = connection.execute("SELECT * FROM call_participants WHERE booking_id=? AND revoked IS NULL ORDER BY id",
                                  (booking["id"],)).fetchall()
        own = next((row for row in rows if row["person"] == person), None)
        if room is None or own is None:
            raise Problem("not_allowed", detail="This person is not in this call.")
        try:
            # A call server that restarted has lost its rooms: make sure this one is there (no-op if it is).
            self.rooms.create(room["room"], room["secret"], [row["token"] for row in rows], f"booking {booking['id']}")
        except CallServerUnavailable:
            raise unavailable() from None
        return {
            "room": room["room"],
            "server_url": self.settings.call_server_url,
            "ice_servers": self.settings.ice_servers,
            "role": own["role"],
            "token": own["token"],
            "feed_id": own["feed_id"],
            "chat_username": own["chat_username"],
            "display_name": own["name"],
            "participants": [{"role": row["role"], "name": row["name"], "feed_id": row["feed_id"],
                              "chat_username": row["chat_username"]} for row in rows],
        }


def _new_participant(role: str, name: str) -> dict:
    return {"role": role, "name": name, "token": secrets.token_urlsafe(24),
            "feed_id": 1 + secrets.randbelow(ID_LIMIT - 1), "chat_username": f"p{secrets.token_hex(8)}"}


def _insert_participant(connection, booking_id: int, person: str, participant: dict) -> None:
    connection.execute(
        "INSERT INTO call_participants (booking_id, person, role, name, token, feed_id, chat_username)"
        " VALUES (?,?,?,?,?,?,?)",
        (booking_id, person, participant["role"], participant["name"], participant["token"],
         participant["feed_id"], participant["chat_username"]))


def start_background_loop(meetings: Meetings) -> None:
    """Every `loop_seconds`, and at once when nudged: open the rooms of calls about to start,
    follow the people each lets in, destroy those of calls over."""

    def loop():
        while True:
            meetings.wake.wait(meetings.settings.loop_seconds)
            meetings.wake.clear()
            try:
                meetings.reconcile_all()
            except Exception:  # noqa: BLE001 - the loop must outlive one bad round
                log.exception("call room round failed")

    threading.Thread(target=loop, name="sandbox-call-rooms", daemon=True).start()


# -- routes ----------------------------------------------------------------------------------------

def _join_window_open(settings, booking, now: int) -> None:
    """The same window as the join pages': from `join_opens_minutes` before the start to the end."""
    if booking["status"] != "confirmed":
        raise Problem("not_allowed", detail="This appointment is not confirmed: it has no call.")
    if now < booking["starts"] - settings.join_opens_minutes * 60:
        raise Problem("not_allowed", detail="The call has not opened yet.")
    if now >= booking["ends"]:
        raise Problem("not_allowed", detail="The call is over.")


def _with_times(view: dict, booking) -> dict:
    from sandbox.scheduling.bookings import iso

    return {"reference": booking["reference"], "opens": iso(booking["starts"]), "closes": iso(booking["ends"]),
            **view}


def register(app, scheduling, citizen) -> None:
    """The call as each person joins it: the citizen, the assigned employee, an invited guest."""
    from sandbox.scheduling import call_records, invitations, staff
    from sandbox.scheduling.validation import json_body

    meetings = scheduling.meetings
    database = scheduling.database

    def joined(booking, person: str, log_action) -> dict:
        _join_window_open(scheduling.settings, booking, scheduling.now())
        view = _with_times(meetings.access(booking, person), booking)
        check = call_records.identity_check(database.read(), booking["id"])
        view["sound_only_allowed"] = bool(check and check["passed"])  # art. 6.3
        with database.write() as connection:
            log_action(connection)
        return view

    @app.get("/v1/bookings/<reference>/call")
    def citizen_call(reference):
        who = citizen()
        booking = scheduling._own_booking(database.read(), who, reference)
        return joined(booking, "citizen", lambda c: scheduling.log(c, who, "call.join", reference))

    @app.get("/v1/staff/calls/<reference>/call")
    def staff_call_access(reference):
        connection = database.read()
        member = staff.current_staff(connection)
        booking = staff.visible_booking(connection, member, reference)
        if member.employee_id is None or member.employee_id != booking["employee_id"]:
            # A head or an administrator sees the booking; only the employee it was given to serves it.
            raise Problem("forbidden", detail="Only the employee serving this call joins it.")
        return joined(booking, f"employee:{booking['employee_id']}",
                      lambda c: scheduling.log_staff_action(c, member, "staff.call_join", reference))

    @app.post("/v1/invitations/<token>/call")
    def guest_call(token):
        row = invitations.granted_invitation(scheduling, token, json_body())
        booking = database.read().execute("SELECT * FROM bookings WHERE id=?", (row["booking_id"],)).fetchone()
        return joined(booking, f"{row['role']}:{row['id']}",
                      lambda c: scheduling.log(c, invitations.actor(row["id"]), "invitation.call_join",
                                               booking["reference"]))

    @app.after_request
    def follow_changes(response):
        # A change through the API (cancelled, moved, withdrawn, closed) may take somebody out of a call.
        if request_changed_something(response):
            meetings.nudge()
        return response


def request_changed_something(response) -> bool:
    from flask import request

    return request.method in ("POST", "PUT", "PATCH", "DELETE") and response.status_code < 400
