"""Invitations: the people the service itself invites to a call, the interpreter
allocated to it and the citizen's third person (art. 2.8), with their own join links.

A booking that is made, moved or cancelled brings its invitations in line in the
same transaction (`follow_booking`), and queues one email per invitation that
changed. A guest's link is signed, names only the invitation (its id and a random
nonce), opens on one device, and ends with the call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import smtplib

from itsdangerous import BadSignature, URLSafeSerializer

from sandbox.scheduling.problems import Problem
from sandbox.scheduling.validation import Checker, json_body

log = logging.getLogger(__name__)

MAIL_KINDS = ("invitation", "invitation_updated", "invitation_withdrawn")
DEVICE_LENGTH = (16, 200)


# -- links ----------------------------------------------------------------------------

def _serializer(settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.link_secret, salt="invitation")


def token_for(settings, invitation_id: int, nonce: str) -> str:
    return _serializer(settings).dumps([invitation_id, nonce])


def join_url(settings, invitation_id: int, nonce: str) -> str:
    return f"{settings.frontend_url.rstrip('/')}/join/{token_for(settings, invitation_id, nonce)}"


def _invitation_id_from(settings, token: str) -> tuple[int, str] | None:
    """The (id, nonce) a token was signed for; None for a token we did not sign."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and type(payload[0]) is int
            and isinstance(payload[1], str)):
        return None
    return payload[0], payload[1]


def actor(invitation_id: int) -> str:
    """What the access log hashes for a guest: the invitation, never a person."""
    return f"invitation-{invitation_id}"


# -- following the booking ------------------------------------------------------------

def _wanted(connection, booking) -> dict[tuple[str, str], str]:
    """(role, email) → name of everybody the booking should invite now."""
    if booking["status"] != "confirmed":
        return {}
    details = json.loads(booking["details"])
    needs = set(details.get("needs", []))
    wanted = {}
    if "sign_language" in needs and booking["interpreter_id"]:
        interpreter = connection.execute("SELECT name, email FROM interpreters WHERE id=?",
                                         (booking["interpreter_id"],)).fetchone()
        if interpreter:
            wanted[("interpreter", interpreter["email"].lower())] = interpreter["name"]
    third_person = details.get("third_person")
    if "third_person" in needs and third_person:
        wanted[("third_person", third_person["email"].lower())] = third_person["name"]
    return wanted


def _queue_mail(connection, booking_id, invitation_id, kind, now) -> None:
    connection.execute(
        "INSERT INTO mail_queue (booking_id, kind, created, channel, invitation_id) VALUES (?,?,?, 'email', ?)",
        (booking_id, kind, now, invitation_id))


def follow_booking(connection, booking_id: int, now: int) -> None:
    """The booking was made, moved or cancelled: invite, update or withdraw, so that
    its live invitations are exactly the people it needs, each told by email."""
    booking = connection.execute("SELECT * FROM bookings WHERE id=?", (booking_id,)).fetchone()
    wanted = _wanted(connection, booking)
    live = connection.execute(
        "SELECT id, role, email FROM invitations WHERE booking_id=? AND state != 'withdrawn' ORDER BY id",
        (booking_id,)).fetchall()
    for invitation in live:
        if wanted.pop((invitation["role"], invitation["email"].lower()), None) is None:
            _withdraw(connection, booking_id, invitation["id"], now)
        else:
            _update(connection, booking_id, invitation["id"], now)
    for (role, email), name in wanted.items():
        _invite(connection, booking_id, role, name, email, now)


def _invite(connection, booking_id, role, name, email, now) -> None:
    cursor = connection.execute(
        "INSERT INTO invitations (booking_id, role, name, email, nonce, state, created) VALUES (?,?,?,?,?,'queued',?)",
        (booking_id, role, name, email, secrets.token_urlsafe(12), now))
    _queue_mail(connection, booking_id, cursor.lastrowid, "invitation", now)


def _update(connection, booking_id, invitation_id, now) -> None:
    # A new time: what was sent and confirmed was for the old one, so both start again.
    connection.execute("UPDATE invitations SET state='queued', sent=NULL, confirmed=NULL WHERE id=?",
                       (invitation_id,))
    _queue_mail(connection, booking_id, invitation_id, "invitation_updated", now)


def _withdraw(connection, booking_id, invitation_id, now) -> None:
    connection.execute("UPDATE invitations SET state='withdrawn', withdrawn=? WHERE id=?", (now, invitation_id))
    _queue_mail(connection, booking_id, invitation_id, "invitation_withdrawn", now)


def summaries(connection, booking_id: int) -> list[dict]:
    """The booking's invitations as the citizen and the KEP see them."""
    return [_summary(row) for row in connection.execute(
        "SELECT * FROM invitations WHERE booking_id=? ORDER BY id", (booking_id,))]


def _summary(row) -> dict:
    from sandbox.scheduling.bookings import iso

    def moment(value):
        return iso(value) if value is not None else None

    return {"role": row["role"], "name": row["name"], "state": row["state"], "sent_at": moment(row["sent"]),
            "confirmed_at": moment(row["confirmed"]), "withdrawn_at": moment(row["withdrawn"])}


# -- guests ---------------------------------------------------------------------------

def _device_hash(data) -> str:
    checker = Checker(data)
    device = checker.text(data, "device", "device", max_length=DEVICE_LENGTH[1])
    if device and len(device) < DEVICE_LENGTH[0]:
        checker.fail("device", f"Τουλάχιστον {DEVICE_LENGTH[0]} χαρακτήρες",
                     f"At least {DEVICE_LENGTH[0]} characters")
    checker.raise_if_any()
    # Only a hash is kept: enough to recognise the device, nothing to identify it by.
    return hashlib.sha256(device.encode()).hexdigest()


def _guest_row(scheduling, connection, token: str):
    found = _invitation_id_from(scheduling.settings, token)
    row = None
    if found:
        row = connection.execute(
            "SELECT i.*, b.reference, b.status, b.starts, b.ends, b.meeting_url, k.name_el, k.name_en"
            " FROM invitations i JOIN bookings b ON b.id = i.booking_id JOIN keps k ON k.id = b.kep_id"
            " WHERE i.id=?", (found[0],)).fetchone()
    # A forged link, one of a replaced invitation and one whose call has ended all look the same.
    if row is None or not hmac.compare_digest(row["nonce"], found[1]) or row["ends"] <= scheduling.now():
        raise Problem("not_found", detail="No such invitation, or its call has ended.")
    return row


def _guest_view(row, device_hash: str) -> dict:
    from sandbox.scheduling.bookings import iso

    granted = row["device"] is not None and hmac.compare_digest(row["device"], device_hash)
    show_meeting = granted and row["state"] != "withdrawn"
    # No citizen, no procedure: a guest learns when, where and with whom, nothing more.
    return {
        **_summary(row),
        "access": "granted" if granted else "other_device",
        "expires_at": iso(row["ends"]),
        "booking": {
            "reference": row["reference"], "status": row["status"],
            "start": iso(row["starts"]), "end": iso(row["ends"]),
            "kep": {"name": {"el": row["name_el"], "en": row["name_en"]}},
            "meeting_url": row["meeting_url"] if show_meeting else None,
        },
    }


def open_invitation(scheduling, token: str, data) -> dict:
    """The first device to open a link is the only one it opens on."""
    device = _device_hash(data)
    with scheduling.database.write() as connection:
        row = _guest_row(scheduling, connection, token)
        if row["device"] is None:
            connection.execute("UPDATE invitations SET device=? WHERE id=?", (device, row["id"]))
            row = _guest_row(scheduling, connection, token)
        scheduling.log(connection, actor(row["id"]), "invitation.open", row["reference"])
        return _guest_view(row, device)


def granted_invitation(scheduling, token: str, data):
    """The invitation's row, for the one device that opened the link, while it is not withdrawn."""
    device = _device_hash(data)
    row = _guest_row(scheduling, scheduling.database.read(), token)
    if row["state"] == "withdrawn":
        raise Problem("not_allowed", detail="This invitation has been withdrawn.")
    if row["device"] is None or not hmac.compare_digest(row["device"], device):
        raise Problem("not_allowed", detail="Only the device that opened this link can join.")
    return row


def confirm_invitation(scheduling, token: str, data) -> dict:
    device = _device_hash(data)
    with scheduling.database.write() as connection:
        row = _guest_row(scheduling, connection, token)
        if row["state"] == "withdrawn":
            raise Problem("not_allowed", detail="This invitation has been withdrawn.")
        if row["device"] is None or not hmac.compare_digest(row["device"], device):
            raise Problem("not_allowed", detail="Only the device that opened this link can confirm.")
        if row["state"] != "confirmed":
            connection.execute("UPDATE invitations SET state='confirmed', confirmed=? WHERE id=?",
                               (scheduling.now(), row["id"]))
            row = _guest_row(scheduling, connection, token)
        scheduling.log(connection, actor(row["id"]), "invitation.confirm", row["reference"])
        return _guest_view(row, device)


def register(app, scheduling) -> None:
    """The guests' routes: the frontend's token, and no citizen (a guest has no Taxisnet account)."""

    @app.post("/v1/invitations/<token>/open")
    def open_guest_link(token):
        return open_invitation(scheduling, token, json_body())

    @app.post("/v1/invitations/<token>/confirm")
    def confirm_guest_link(token):
        return confirm_invitation(scheduling, token, json_body())


# -- the mail loop ----------------------------------------------------------------------

def _superseded(connection, item) -> bool:
    """Nothing to send: an invitation or update for somebody since withdrawn, or a
    withdrawal to somebody who was never sent anything about the call."""
    if item["kind"] != "invitation_withdrawn":
        return item["state"] == "withdrawn"
    told = connection.execute(
        "SELECT 1 FROM mail_queue WHERE invitation_id=? AND kind != 'invitation_withdrawn' AND sent IS NOT NULL",
        (item["invitation_id"],)).fetchone()
    return told is None


def _send(settings, message) -> bool:
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("invitation mail not delivered: %s", type(error).__name__)
        return False
    return True


def deliver_invitation_mail(scheduling, queue_id: int) -> int:
    """Send one queued invitation email; 1 when the SMTP server took it."""
    from sandbox.scheduling.mail.invitation import invitation_email
    from sandbox.scheduling.mailer import MAX_ATTEMPTS, booking_for_mail

    settings = scheduling.settings
    connection = scheduling.database.read()
    item = connection.execute(
        "SELECT q.id, q.kind, q.invitation_id, i.role, i.name, i.email, i.nonce, i.state, b.reference"
        " FROM mail_queue q JOIN invitations i ON i.id = q.invitation_id JOIN bookings b ON b.id = q.booking_id"
        " WHERE q.id=?", (queue_id,)).fetchone()
    if _superseded(connection, item):
        with scheduling.database.write() as writer:
            writer.execute("DELETE FROM mail_queue WHERE id=?", (queue_id,))
        return 0
    booking = booking_for_mail(scheduling.booking_view(connection, item["reference"]))
    invitee = {"id": item["invitation_id"], "role": item["role"], "name": item["name"], "email": item["email"]}
    message = invitation_email(item["kind"], invitee, booking, sender=settings.mail_sender,
                               join_url=join_url(settings, item["invitation_id"], item["nonce"]), now=settings.clock())
    delivered = _send(settings, message)
    with scheduling.database.write() as writer:
        writer.execute("UPDATE mail_queue SET attempts=attempts+1, sent=? WHERE id=?",
                       (scheduling.now() if delivered else None, queue_id))
        if delivered and item["kind"] != "invitation_withdrawn":
            # Only once the latest news is out (a reschedule may have queued more since), and a
            # confirmed or withdrawn invitation keeps its state: being sent again says nothing new.
            writer.execute(
                "UPDATE invitations SET sent=?, state=CASE WHEN state='queued' THEN 'sent' ELSE state END"
                " WHERE id=? AND NOT EXISTS (SELECT 1 FROM mail_queue WHERE invitation_id=? AND sent IS NULL"
                " AND attempts < ?)", (scheduling.now(), item["invitation_id"], item["invitation_id"], MAX_ATTEMPTS))
    return int(delivered)
