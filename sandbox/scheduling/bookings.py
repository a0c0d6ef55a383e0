"""Holds and bookings: who gets which slot, decided inside one write transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from sandbox.scheduling import calendar_rules, call_records, documents, invitations
from sandbox.scheduling.availability import Availability
from sandbox.scheduling.catalogue import slot_minutes
from sandbox.scheduling.interpreters import booking_interpreter, needs_interpreter
from sandbox.scheduling.problems import Problem, field_error
from sandbox.scheduling.sms import queue_sms
from sandbox.scheduling.validation import Checker, booking_details, check_category, needs_list, parse_time

# Crockford-like: no 0/O, 1/I/L, so a reference read over the phone is unambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"KEP-{letters[:4]}-{letters[4:]}"


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def actor_hash(key: str, citizen: str) -> str:
    """The access log names a citizen only by a hash of the ΑΦΜ keyed with `key` (Settings.audit_key)."""
    return hmac.new(key.encode(), citizen.encode(), "sha256").hexdigest()[:16]


class Scheduling:
    def __init__(self, database, settings):
        self.database = database
        self.settings = settings

    def now(self) -> int:
        return int(self.settings.clock().timestamp())

    def log_alone(self, citizen, action, reference=None):
        with self.database.write() as connection:
            self.log(connection, citizen, action, reference)

    def log(self, connection, citizen, action, reference=None):
        connection.execute("INSERT INTO access_log (at, actor, action, booking_reference) VALUES (?,?,?,?)",
                           (self.now(), actor_hash(self.settings.audit_key, citizen), action, reference))

    def log_staff_action(self, connection, staff, action: str, reference: str | None = None) -> None:
        """Article 7.2 for the KEP staff: who (`staff`, a staff.StaffMember: subject and role at the time),
        what (`action`, "staff." and a verb, e.g. "staff.booking_view"), which booking (`reference`), when.
        Inside the caller's transaction, so the entry and the change it records stand or fall together."""
        self._log_staff(connection, staff.subject, staff.role, action, reference)

    def log_staff_alone(self, subject, role, action, reference=None):
        """The same for a refusal, after the request's transaction was rolled back."""
        with self.database.write() as connection:
            self._log_staff(connection, subject, role, action, reference)

    def _log_staff(self, connection, subject, role, action, reference):
        if not action.startswith("staff."):
            raise ValueError(f"a staff action starts with 'staff.': {action!r}")
        # The staff member in the clear (who saw what); `actor` is the citizen's column, so it stays empty.
        connection.execute(
            "INSERT INTO access_log (at, actor, action, booking_reference, staff_subject, staff_role)"
            " VALUES (?,'',?,?,?,?)", (self.now(), action, reference, subject, role))

    # -- checks shared by holds and bookings ------------------------------------------

    def _procedure(self, connection, category, procedure_id, kep_id=None, municipality_id=None):
        row = connection.execute("SELECT * FROM procedures WHERE id=? AND category=?",
                                 (procedure_id, category)).fetchone()
        if row is None:
            raise Problem("validation", errors={"procedure": field_error(
                "Η διαδικασία δεν ανήκει σε αυτή την κατηγορία", "The procedure is not in this category")})
        if category == "municipal":
            if municipality_id is None and kep_id:
                found = connection.execute("SELECT municipality_id FROM keps WHERE id=?", (kep_id,)).fetchone()
                municipality_id = found["municipality_id"] if found else None
            if not municipality_id or not connection.execute(
                "SELECT 1 FROM municipal_procedures WHERE municipality_id=? AND procedure_id=?",
                (municipality_id, procedure_id),
            ).fetchone():
                raise Problem("validation", errors={"procedure": field_error(
                    "Ο δήμος δεν προσφέρει αυτή τη διαδικασία", "The municipality does not offer this procedure")})
        return row

    def _active_booking_for(self, connection, citizen, procedure_id):
        return connection.execute(
            "SELECT reference FROM bookings WHERE citizen=? AND procedure_id=? AND status='confirmed' AND ends > ?",
            (citizen, procedure_id, self.now()),
        ).fetchone()

    def _refuse_over_the_cap(self, connection, citizen):
        """At most Settings.max_active_bookings active bookings (confirmed, not yet ended) per citizen, across
        every procedure and KEP. Called inside the write transaction that would add one: SQLite lets one
        writer in at a time, so two simultaneous requests of one citizen never both pass it."""
        limit = self.settings.max_active_bookings
        if self._active_count(connection, citizen) >= limit:
            raise Problem("too_many_active_bookings", limit=limit,
                          detail=f"At most {limit} active bookings at a time: cancel one, or wait until one has ended.")

    def _active_count(self, connection, citizen) -> int:
        return connection.execute(
            "SELECT COUNT(*) FROM bookings WHERE citizen=? AND status='confirmed' AND ends > ?",
            (citizen, self.now()),
        ).fetchone()[0]

    def allowance(self, citizen) -> dict:
        """The cap, the citizen's active bookings and how many more they may make (GET /booking-allowance)."""
        limit = self.settings.max_active_bookings
        active = self._active_count(self.database.read(), citizen)
        return {"limit": limit, "active": active, "remaining": max(0, limit - active)}

    def _moves_own_booking(self, connection, citizen, for_booking, procedure_id) -> bool:
        """A hold for a new time of the citizen's own active booking (a reschedule): it adds no booking."""
        if not for_booking:
            return False
        return connection.execute(
            "SELECT 1 FROM bookings WHERE reference=? AND citizen=? AND procedure_id=? AND status='confirmed'"
            " AND ends > ?", (for_booking, citizen, procedure_id, self.now()),
        ).fetchone() is not None

    def _why_not_free(self, connection, kep_id, starts, length):
        """outside_hours when the time could never be booked, else slot_taken."""
        probe = Availability(connection, self.settings, self.now())
        if starts < probe.earliest or calendar_rules.athens_day(starts) > probe.last_day:
            return Problem("outside_hours", detail="Outside the booking notice and horizon.")
        windows = probe._kep_windows([kep_id], calendar_rules.athens_day(starts))
        grid = self.settings.grid_minutes * 60
        for window_start, window_end in windows.get(kep_id, []):
            if window_start <= starts and starts + length * 60 <= window_end and (starts - window_start) % grid == 0:
                return Problem("slot_taken")
        return Problem("outside_hours", detail="Not a bookable time at this KEP.")

    def _availability(self, connection, needs) -> Availability:
        """The free times for a call with these needs: with a sign-language need, only those with an interpreter."""
        return Availability(connection, self.settings, self.now(), with_interpreter=needs_interpreter(needs))

    # -- holds ------------------------------------------------------------------------

    def create_hold(self, citizen, data) -> dict:
        checker = Checker(data)
        category = check_category(data.get("category"))
        needs = needs_list(checker, data.get("needs"))
        kep_id = checker.text(data, "kep_id", "kep_id", max_length=100)
        procedure_id = checker.text(data, "procedure", "procedure", max_length=100)
        for_booking = checker.text(data, "for_booking", "for_booking", max_length=100, required=False) or None
        checker.raise_if_any()
        starts = parse_time(data.get("start"))
        length = slot_minutes(category, needs)
        with self.database.write() as connection:
            kep = connection.execute("SELECT * FROM keps WHERE id=? AND active=1", (kep_id,)).fetchone()
            if kep is None:
                raise Problem("validation", errors={"kep_id": field_error("Άγνωστο ΚΕΠ", "Unknown KEP")})
            self._procedure(connection, category, procedure_id, kep_id=kep_id)
            if category == "municipal" and data.get("municipality") and data["municipality"] != kep["municipality_id"]:
                raise Problem("validation", errors={"kep_id": field_error(
                    "Επιλέξτε ΚΕΠ του δήμου σας", "Choose a KEP of your municipality")})
            existing = self._active_booking_for(connection, citizen, procedure_id)
            if existing and existing["reference"] != for_booking:
                raise Problem("not_allowed", detail="You already have an appointment for this procedure.",
                              errors={"procedure": field_error(
                                  "Έχετε ήδη ραντεβού για αυτή τη διαδικασία",
                                  "You already have an appointment for this procedure")})
            # Told at the hold, before the citizen fills in the rest of the wizard; checked again at booking.
            if not self._moves_own_booking(connection, citizen, for_booking, procedure_id):
                self._refuse_over_the_cap(connection, citizen)
            # One hold per citizen: a new choice lets the previous time go.
            connection.execute("DELETE FROM holds WHERE citizen=?", (citizen,))
            slot = self._availability(connection, needs).slot_at(kep_id, starts, length)
            if slot is None:
                raise self._why_not_free(connection, kep_id, starts, length)
            hold_id = secrets.token_urlsafe(18)
            now = self.now()
            connection.execute(
                "INSERT INTO holds (id, citizen, kep_id, employee_id, starts, ends, expires, created, category,"
                " procedure_id, needs, for_booking, interpreter_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (hold_id, citizen, kep_id, slot.employee_id, slot.starts, slot.ends,
                 now + self.settings.hold_minutes * 60, now, category, procedure_id, json.dumps(needs), for_booking,
                 slot.interpreter_id),
            )
            return self._hold_view(connection, hold_id)

    def _hold_row(self, connection, citizen, hold_id, *, allow_expired=False):
        row = connection.execute("SELECT * FROM holds WHERE id=? AND citizen=?", (hold_id, citizen)).fetchone()
        if row is None:
            raise Problem("not_found", detail="No such hold.")
        if row["expires"] <= self.now() and not allow_expired:
            raise Problem("hold_expired")
        return row

    def _hold_view(self, connection, hold_id) -> dict:
        row = connection.execute("SELECT * FROM holds WHERE id=?", (hold_id,)).fetchone()
        return {
            "id": row["id"], "kep_id": row["kep_id"], "category": row["category"], "procedure": row["procedure_id"],
            "needs": json.loads(row["needs"]), "start": iso(row["starts"]), "end": iso(row["ends"]),
            "expires_at": iso(row["expires"]),
            "can_extend": row["expires"] < row["created"] + self.settings.hold_ceiling_seconds,
            "extension_minutes": self.settings.hold_minutes,
            "latest_expiry": iso(row["created"] + self.settings.hold_ceiling_seconds),
        }

    def get_hold(self, citizen, hold_id) -> dict:
        connection = self.database.read()
        self._hold_row(connection, citizen, hold_id, allow_expired=True)
        view = self._hold_view(connection, hold_id)
        if parse_time(view["expires_at"]) <= self.now():
            raise Problem("hold_expired")
        return view

    def extend_hold(self, citizen, hold_id) -> dict:
        with self.database.write() as connection:
            row = self._hold_row(connection, citizen, hold_id)
            ceiling = row["created"] + self.settings.hold_ceiling_seconds
            if row["expires"] >= ceiling:
                raise Problem("not_allowed", detail="This hold cannot be extended any more.")
            expires = min(self.now() + self.settings.hold_minutes * 60, ceiling)
            connection.execute("UPDATE holds SET expires=? WHERE id=?", (max(expires, row["expires"]), hold_id))
            return self._hold_view(connection, hold_id)

    def change_hold_needs(self, citizen, hold_id, data) -> dict:
        """Declared needs lengthen the call; if the longer call no longer fits, the slot is lost."""
        checker = Checker(data)
        needs = needs_list(checker, data.get("needs"))
        checker.raise_if_any()
        with self.database.write() as connection:
            row = self._hold_row(connection, citizen, hold_id)
            length = slot_minutes(row["category"], needs)
            availability = self._availability(connection, needs)
            slot = availability.slot_at(row["kep_id"], row["starts"], length, ignore_hold=hold_id)
            if slot is None:
                raise Problem("slot_taken", detail="The longer call does not fit at this time.")
            connection.execute("UPDATE holds SET employee_id=?, interpreter_id=?, ends=?, needs=? WHERE id=?",
                               (slot.employee_id, slot.interpreter_id, slot.ends, json.dumps(needs), hold_id))
            return self._hold_view(connection, hold_id)

    def release_hold(self, citizen, hold_id) -> None:
        with self.database.write() as connection:
            connection.execute("DELETE FROM holds WHERE id=? AND citizen=?", (hold_id, citizen))

    # -- bookings -------------------------------------------------------------------------

    def create_booking(self, citizen, data, idempotency_key=None) -> tuple[int, dict]:
        checker = Checker(data)
        hold_id = checker.text(data, "hold_id", "hold_id", max_length=100)
        checker.raise_if_any()
        # Check the answers before taking the write lock: it is the service's
        # bottleneck, so only the decisions about the slot happen under it.
        held = self.database.read().execute(
            "SELECT category FROM holds WHERE id=? AND citizen=?", (hold_id, citizen)).fetchone()
        details = booking_details(data, held["category"]) if held else None
        with self.database.write() as connection:
            replay = self._replay(connection, citizen, idempotency_key, data)
            if replay:
                return replay
            hold = self._hold_row(connection, citizen, hold_id, allow_expired=True)
            if details is None or hold["category"] != held["category"]:
                details = booking_details(data, hold["category"])
            if hold["expires"] <= self.now():
                raise Problem("hold_expired")
            hold = self._fit_needs(connection, hold, details["needs"])
            existing = self._active_booking_for(connection, citizen, hold["procedure_id"])
            if existing:
                raise Problem("not_allowed", detail="You already have an appointment for this procedure.")
            self._refuse_over_the_cap(connection, citizen)
            now = self.now()
            reference = self._unused_reference(connection)
            room = secrets.token_urlsafe(18).replace("_", "").replace("-", "")
            meeting_url = self.settings.meeting_url_template.format(
                room=room, reference=reference, frontend=self.settings.frontend_url.rstrip("/"))
            cursor = connection.execute(
                "INSERT INTO bookings (reference, citizen, kep_id, employee_id, starts, ends, status, category,"
                " procedure_id, details, language, meeting_url, sequence, created, updated, interpreter_id)"
                " VALUES (?,?,?,?,?,?,'confirmed',?,?,?,?,?,0,?,?,?)",
                (reference, citizen, hold["kep_id"], hold["employee_id"], hold["starts"], hold["ends"],
                 hold["category"], hold["procedure_id"], json.dumps(details, ensure_ascii=False),
                 details["language"], meeting_url, now, now, hold["interpreter_id"]),
            )
            connection.execute("DELETE FROM holds WHERE id=?", (hold_id,))
            invitations.follow_booking(connection, cursor.lastrowid, now)
            connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, 'confirmed', ?)",
                               (cursor.lastrowid, now))
            queue_sms(connection, cursor.lastrowid, "confirmed", now)
            self.log(connection, citizen, "booking.create", reference)
            view = self.booking_view(connection, reference)
            self._remember(connection, citizen, idempotency_key, data, 201, view)
            return 201, view

    def _fit_needs(self, connection, hold, needs):
        # A hold made before interpreters were allocated has none although it needs one: fitted again.
        has_interpreter = hold["interpreter_id"] or not needs_interpreter(needs)
        if sorted(json.loads(hold["needs"])) == sorted(needs) and has_interpreter:
            return hold
        length = slot_minutes(hold["category"], needs)
        slot = self._availability(connection, needs).slot_at(
            hold["kep_id"], hold["starts"], length, ignore_hold=hold["id"])
        if slot is None:
            raise Problem("slot_taken", detail="With these needs the call is longer and no longer fits.")
        connection.execute("UPDATE holds SET employee_id=?, interpreter_id=?, ends=?, needs=? WHERE id=?",
                           (slot.employee_id, slot.interpreter_id, slot.ends, json.dumps(needs), hold["id"]))
        return connection.execute("SELECT * FROM holds WHERE id=?", (hold["id"],)).fetchone()

    def _unused_reference(self, connection) -> str:
        while True:
            reference = new_reference()
            if not connection.execute("SELECT 1 FROM bookings WHERE reference=?", (reference,)).fetchone():
                return reference

    def _replay(self, connection, citizen, key, data):
        if not key:
            return None
        row = connection.execute("SELECT * FROM idempotency_keys WHERE citizen=? AND key=?", (citizen, key)).fetchone()
        if row is None:
            return None
        if row["fingerprint"] != fingerprint(data):
            raise Problem("idempotency_conflict")
        return row["status"], json.loads(row["body"])

    def _remember(self, connection, citizen, key, data, status, body):
        if key:
            connection.execute("INSERT INTO idempotency_keys VALUES (?,?,?,?,?,?)",
                               (citizen, key, fingerprint(data), status, json.dumps(body, ensure_ascii=False),
                                self.now()))

    def _own_booking(self, connection, citizen, reference):
        row = connection.execute("SELECT * FROM bookings WHERE reference=?", (reference,)).fetchone()
        # Somebody else's booking looks exactly like no booking at all.
        if row is None or not hmac.compare_digest(row["citizen"], citizen):
            # Logged after the rollback (see service.py), or the 404 would erase it.
            problem = Problem("not_found", detail="No such booking.")
            problem.audit = (citizen, "booking.denied", reference if row is not None else None)
            raise problem
        return row

    def get_booking(self, citizen, reference) -> dict:
        with self.database.write() as connection:
            self._own_booking(connection, citizen, reference)
            self.log(connection, citizen, "booking.view", reference)
            return self.booking_view(connection, reference)

    def list_bookings(self, citizen) -> list[dict]:
        connection = self.database.read()
        references = [row["reference"] for row in connection.execute(
            "SELECT reference FROM bookings WHERE citizen=? ORDER BY starts", (citizen,))]
        return [self.booking_view(connection, reference) for reference in references]

    def reschedule(self, citizen, reference, data, idempotency_key=None) -> tuple[int, dict]:
        checker = Checker(data)
        hold_id = checker.text(data, "hold_id", "hold_id", max_length=100)
        checker.raise_if_any()
        with self.database.write() as connection:
            replay = self._replay(connection, citizen, idempotency_key, {"reschedule": reference, **data})
            if replay:
                return replay
            booking = self._own_booking(connection, citizen, reference)
            if booking["status"] != "confirmed" or booking["ends"] <= self.now():
                raise Problem("not_allowed", detail="Only an upcoming, confirmed booking can be rescheduled.")
            hold = self._hold_row(connection, citizen, hold_id)
            if hold["procedure_id"] != booking["procedure_id"] or hold["category"] != booking["category"]:
                raise Problem("validation", errors={"hold_id": field_error(
                    "Η νέα ώρα είναι για άλλη διαδικασία", "The new time is for another procedure")})
            details = json.loads(booking["details"])
            hold = self._fit_needs(connection, hold, details["needs"])
            # The old slot (employee and interpreter) is freed by this same update: never before the new one is taken.
            connection.execute(
                "UPDATE bookings SET kep_id=?, employee_id=?, interpreter_id=?, starts=?, ends=?,"
                " sequence=sequence+1, updated=?, reminder_sent=NULL WHERE id=?",
                (hold["kep_id"], hold["employee_id"], hold["interpreter_id"], hold["starts"], hold["ends"],
                 self.now(), booking["id"]),
            )
            connection.execute("DELETE FROM holds WHERE id=?", (hold_id,))
            invitations.follow_booking(connection, booking["id"], self.now())
            connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, 'rescheduled', ?)",
                               (booking["id"], self.now()))
            queue_sms(connection, booking["id"], "rescheduled", self.now())
            self.log(connection, citizen, "booking.reschedule", reference)
            view = self.booking_view(connection, reference)
            self._remember(connection, citizen, idempotency_key, {"reschedule": reference, **data}, 200, view)
            return 200, view

    def cancel(self, citizen, reference) -> dict:
        with self.database.write() as connection:
            booking = self._own_booking(connection, citizen, reference)
            if booking["status"] == "cancelled":
                return self.booking_view(connection, reference)
            if booking["starts"] <= self.now():
                raise Problem("not_allowed", detail="A booking that has started cannot be cancelled.")
            connection.execute("UPDATE bookings SET status='cancelled', sequence=sequence+1, updated=? WHERE id=?",
                               (self.now(), booking["id"]))
            invitations.follow_booking(connection, booking["id"], self.now())
            connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, 'cancelled', ?)",
                               (booking["id"], self.now()))
            queue_sms(connection, booking["id"], "cancelled", self.now())
            self.log(connection, citizen, "booking.cancel", reference)
            return self.booking_view(connection, reference)

    # -- views ------------------------------------------------------------------------

    def booking_view(self, connection, reference) -> dict:
        row = connection.execute(
            "SELECT b.*, p.title_el, p.title_en, k.name_el, k.name_en, k.street_el, k.street_en, k.postcode,"
            " k.town_el, k.town_en, k.phone, k.municipality_id FROM bookings b"
            " JOIN procedures p ON p.id = b.procedure_id JOIN keps k ON k.id = b.kep_id WHERE b.reference=?",
            (reference,),
        ).fetchone()
        details = json.loads(row["details"])
        return {
            "reference": row["reference"],
            "status": row["status"],
            "category": row["category"],
            "procedure": {"id": row["procedure_id"], "title": {"el": row["title_el"], "en": row["title_en"]}},
            "kep": {
                "id": row["kep_id"], "municipality_id": row["municipality_id"],
                "name": {"el": row["name_el"], "en": row["name_en"]},
                "address": {"street": {"el": row["street_el"], "en": row["street_en"]}, "postcode": row["postcode"],
                            "town": {"el": row["town_el"], "en": row["town_en"]}},
                "phone": row["phone"],
            },
            "start": iso(row["starts"]),
            "end": iso(row["ends"]),
            "meeting_url": row["meeting_url"],
            "sequence": row["sequence"],
            "interpreter": booking_interpreter(connection, row["interpreter_id"]),
            **details,
            "invitations": invitations.summaries(connection, row["id"]),
            "documents": documents.documents_of(connection, row["id"]),
            **call_records.citizen_view(connection, row),
            "created": iso(row["created"]),
            "updated": iso(row["updated"]),
        }


def iso(epoch_seconds: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch_seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
