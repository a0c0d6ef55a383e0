"""The KEP's record of a call, as articles 6 and 7 of the decision write it.

1. The identity check (art. 6.1–6.2), step by step: the document was shown on camera, it is
   the person in the call, and the identity register (KED; a stand-in here) knows it as valid
   and theirs. Each attempt is kept; the latest counts. Only after a passed check may the
   call go on with sound only (art. 6.3): the citizen's booking says so.
2. The outcome (art. 7.3): served, not served (with a reason), the citizen did not come, or a
   follow-up is needed; with the protocol number of the request where there is one. The
   booking's status becomes the outcome, so "My appointments" shows it.
3. The result: a document the employee uploads, delivered the way the citizen chose: attached
   to an email (sent by the mail loop), a post record, or ready for pickup at the KEP.

Functions take an open write connection and the booking's row; the routes check who may act.
"""

from __future__ import annotations

import hashlib
import secrets

from sandbox.scheduling.identity_register import look_up
from sandbox.scheduling.problems import Problem
from sandbox.scheduling.sms import queue_sms
from sandbox.scheduling.validation import Checker

OUTCOMES = ("served", "not_served", "no_show", "follow_up")
FINAL_STATUSES = OUTCOMES  # a booking with an outcome is no longer "confirmed"
ID_KINDS = ("identity_card", "passport", "residence_permit", "other")
REGISTER_REASONS = ("other_person", "reported_lost", "expired", "not_in_register")
# From when an employee may record the check and the outcome: the call opens 15 minutes before.
OPENS_BEFORE_SECONDS = 15 * 60
RESULT_MAX_BYTES = 10 * 1024 * 1024
RESULT_TYPES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

SCHEMA = """
CREATE TABLE IF NOT EXISTS identity_checks (
    id INTEGER PRIMARY KEY, booking_id INTEGER NOT NULL REFERENCES bookings(id), at INTEGER NOT NULL,
    staff TEXT NOT NULL, document_kind TEXT NOT NULL, document_ending TEXT NOT NULL,
    shown_on_camera INTEGER NOT NULL, matches_person INTEGER NOT NULL, register_answer TEXT NOT NULL,
    passed INTEGER NOT NULL, reason TEXT
);
CREATE INDEX IF NOT EXISTS identity_checks_booking ON identity_checks(booking_id, id);
CREATE TABLE IF NOT EXISTS call_results (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings(id), name TEXT NOT NULL, media_type TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, content BLOB NOT NULL, delivery TEXT NOT NULL,
    state TEXT NOT NULL, post_record TEXT, staff TEXT NOT NULL, at INTEGER NOT NULL, delivered_at INTEGER
);
"""

# The outcome's own columns on a booking (db.ADDED_COLUMNS adds them to older files).
OUTCOME_COLUMNS = {"outcome_reason": "TEXT", "protocol_number": "TEXT", "outcome_at": "INTEGER",
                   "outcome_by": "TEXT"}


def _not_before_the_call(row, now: int) -> None:
    if row["status"] == "cancelled":
        raise Problem("not_allowed", detail="This appointment was cancelled.")
    if now < row["starts"] - OPENS_BEFORE_SECONDS:
        raise Problem("not_allowed", detail="The call has not opened yet.")


# -- 1. identity check -------------------------------------------------------------------------

def record_identity_check(connection, row, staff: str, data, now: int) -> dict:
    _not_before_the_call(row, now)
    if row["status"] in FINAL_STATUSES:
        raise Problem("not_allowed", detail="The outcome of this call is already recorded.")
    checker = Checker(data)
    kind = checker.choice(data, "document_kind", "document_kind", ID_KINDS)
    number = checker.text(data, "document_number", "document_number", max_length=30)
    shown, matches = data.get("shown_on_camera"), data.get("matches_person")
    for name, value in (("shown_on_camera", shown), ("matches_person", matches)):
        if not isinstance(value, bool):
            checker.fail(name, "Απαντήστε ναι ή όχι", "Answer yes or no")
    checker.raise_if_any()
    answer = look_up(kind, number, row["citizen"]) if shown and matches else "not_checked"
    reason = None if answer == "match" else ("not_shown" if not shown else "not_the_person" if not matches
                                            else answer)
    connection.execute(
        "INSERT INTO identity_checks (booking_id, at, staff, document_kind, document_ending, shown_on_camera,"
        " matches_person, register_answer, passed, reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
        # Only the number's last three characters are kept: enough to tell two attempts apart.
        (row["id"], now, staff, kind, number[-3:], int(shown), int(matches), answer, int(reason is None), reason))
    return identity_check(connection, row["id"])


def identity_check(connection, booking_id: int) -> dict | None:
    latest = connection.execute("SELECT * FROM identity_checks WHERE booking_id=? ORDER BY id DESC LIMIT 1",
                                (booking_id,)).fetchone()
    if latest is None:
        return None
    return {"passed": bool(latest["passed"]), "reason": latest["reason"], "document_kind": latest["document_kind"],
            "register_answer": latest["register_answer"], "at": latest["at"], "staff": latest["staff"],
            "attempts": connection.execute("SELECT COUNT(*) FROM identity_checks WHERE booking_id=?",
                                           (booking_id,)).fetchone()[0]}


# -- 2. outcome -------------------------------------------------------------------------------

def record_outcome(connection, row, staff: str, data, now: int) -> None:
    _not_before_the_call(row, now)
    if row["status"] in FINAL_STATUSES:
        raise Problem("not_allowed", detail="The outcome of this call is already recorded.")
    checker = Checker(data)
    outcome = checker.choice(data, "outcome", "outcome", OUTCOMES)
    reason = checker.text(data, "reason", "reason", max_length=500, required=outcome in ("not_served", "follow_up"))
    protocol = checker.text(data, "protocol_number", "protocol_number", max_length=40,
                            required=outcome in ("served", "follow_up"))
    checker.raise_if_any()
    check = identity_check(connection, row["id"])
    if outcome in ("served", "follow_up") and not (check and check["passed"]):
        # Art. 6.2: nobody is served before they are identified.
        raise Problem("not_allowed", detail="The identity check has not passed.")
    if outcome == "no_show" and now < row["starts"]:
        raise Problem("not_allowed", detail="The call has not started yet.")
    connection.execute(
        "UPDATE bookings SET status=?, outcome_reason=?, protocol_number=?, outcome_at=?, outcome_by=?, updated=?"
        " WHERE id=?", (outcome, reason or None, protocol or None, now, staff, now, row["id"]))


def outcome_view(row) -> dict | None:
    if row["status"] not in FINAL_STATUSES:
        return None
    return {"outcome": row["status"], "reason": row["outcome_reason"], "protocol_number": row["protocol_number"],
            "at": row["outcome_at"]}


# -- 3. result --------------------------------------------------------------------------------

def sniff(content: bytes) -> str | None:
    return next((media for signature, media in RESULT_TYPES if content.startswith(signature)), None)


def store_result(connection, row, staff: str, name: str, content: bytes, post_record: str, now: int) -> dict:
    if row["status"] not in ("served", "follow_up"):
        raise Problem("not_allowed", detail="A result follows a call recorded as served or needing a follow-up.")
    if connection.execute("SELECT 1 FROM call_results WHERE booking_id=?", (row["id"],)).fetchone():
        raise Problem("not_allowed", detail="The result of this call is already delivered.")
    checker = Checker({})
    media = sniff(content) if content else None
    if not content:
        checker.fail("file", "Επιλέξτε το αρχείο του αποτελέσματος", "Choose the result's file")
    elif len(content) > RESULT_MAX_BYTES:
        checker.fail("file", "Το αρχείο πρέπει να είναι έως 10 MB", "The file must be 10 MB or smaller")
    elif media is None:
        checker.fail("file", "Το αρχείο πρέπει να είναι PDF, JPEG ή PNG", "The file must be a PDF, JPEG or PNG")
    delivery = delivery_of(row)
    post_record = " ".join((post_record or "").split())
    if delivery == "post" and not post_record:
        checker.fail("post_record", "Γράψτε τον αριθμό της συστημένης επιστολής ή την ημερομηνία αποστολής",
                     "Enter the registered letter's number or the day it was posted")
    if len(post_record) > 100:
        checker.fail("post_record", "Γράψτε έως 100 χαρακτήρες", "Write 100 characters or fewer")
    checker.raise_if_any()
    # Email: queued, delivered when the mail loop sends it; post and pickup are done when recorded.
    state = {"email": "sending", "post": "posted", "pickup": "ready_for_pickup"}[delivery]
    connection.execute(
        "INSERT INTO call_results (booking_id, name, media_type, size, sha256, content, delivery, state,"
        " post_record, staff, at, delivered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (row["id"], safe_name(name, media), media, len(content), hashlib.sha256(content).hexdigest(), content,
         delivery, state, post_record or None, staff, now, None if delivery == "email" else now))
    # The citizen hears of it the way they asked: an email always, a text message when chosen.
    connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, 'result', ?)", (row["id"], now))
    queue_sms(connection, row["id"], "result", now)
    return result_view(connection, row["id"])


def delivery_of(row) -> str:
    import json

    return json.loads(row["details"])["delivery"]["method"]


def safe_name(name: str, media: str) -> str:
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[media]
    stem = "".join(character for character in (name or "").rsplit(".", 1)[0] if character.isalnum()
                   or character in " -_")[:80].strip()
    return f"{stem or 'result-' + secrets.token_hex(3)}{extension}"


def mark_emailed(connection, booking_id: int, now: int) -> None:
    connection.execute("UPDATE call_results SET state='emailed', delivered_at=? WHERE booking_id=? AND "
                       "state='sending'", (now, booking_id))


def result_view(connection, booking_id: int) -> dict | None:
    result = connection.execute("SELECT booking_id, name, media_type, size, delivery, state, post_record, at,"
                                " delivered_at FROM call_results WHERE booking_id=?", (booking_id,)).fetchone()
    if result is None:
        return None
    return {"name": result["name"], "media_type": result["media_type"], "size": result["size"],
            "delivery": result["delivery"], "state": result["state"], "post_record": result["post_record"],
            "at": result["at"], "delivered_at": result["delivered_at"]}


def result_content(connection, booking_id: int):
    return connection.execute("SELECT name, media_type, content FROM call_results WHERE booking_id=?",
                              (booking_id,)).fetchone()


# -- what the citizen sees ----------------------------------------------------------------------

def citizen_view(connection, row) -> dict:
    """The booking's part of the record the citizen sees: the check's state (never its details),
    whether sound only is allowed, the outcome and the result's delivery."""
    from sandbox.scheduling.bookings import iso

    check = identity_check(connection, row["id"])
    outcome = outcome_view(row)
    result = result_view(connection, row["id"])
    return {
        "identity_check": "not_done" if check is None else "passed" if check["passed"] else "failed",
        # Art. 6.3: the call may go on with sound only once the citizen's identity is checked.
        "sound_only_allowed": bool(check and check["passed"]),
        "outcome": None if outcome is None else {
            "outcome": outcome["outcome"], "reason": outcome["reason"],
            "protocol_number": outcome["protocol_number"], "at": iso(outcome["at"])},
        "result": None if result is None else {
            "name": result["name"], "media_type": result["media_type"], "size": result["size"],
            "delivery": result["delivery"], "state": result["state"], "post_record": result["post_record"],
            "at": iso(result["at"]), "delivered_at": iso(result["delivered_at"]) if result["delivered_at"] else None},
    }
