"""Delivering the emails and text messages the bookings queued, and queueing the reminders.

Bookings write a row to `mail_queue` in the same transaction that changes them,
so an email is never lost with a crash and never sent for a change that was
rolled back. A loop inside the service delivers the queue over SMTP and queues
a reminder a configurable time before each appointment.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime, timezone

from sandbox.scheduling import call_records
from sandbox.scheduling.mail.sms_texts import sms_text
from sandbox.scheduling.sms import SmsGatewayUnreachable, SmsNotSent, provider_for, queue_sms

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def booking_for_mail(view: dict) -> dict:
    """The booking as the email templates want it."""
    needs = set(view.get("needs", []))
    return {
        "reference": view["reference"],
        "language": view.get("language", "el"),
        "status": view["status"],
        "sequence": view.get("sequence", 0),
        "start": datetime.fromisoformat(view["start"].replace("Z", "+00:00")).astimezone(timezone.utc),
        "end": datetime.fromisoformat(view["end"].replace("Z", "+00:00")).astimezone(timezone.utc),
        "kep": {"name": view["kep"]["name"], "address": view["kep"]["address"], "phone": view["kep"]["phone"]},
        "procedure": {"title": view["procedure"]["title"]},
        "category": {"name": category_name(view["category"])},
        "contact": {"name": view["contact"]["name"], "email": view["contact"]["email"],
                    "phone": view["contact"]["phone"]},
        "needs": {
            "sign_language": "sign_language" in needs,
            "lip_reading": "lip_reading" in needs,
            "text_chat": "text_chat" in needs,
            "third_person": "third_person" in needs,
            "third_person_name": (view.get("third_person") or {}).get("name"),
            "other": view.get("other_needs") or "",
        },
        "delivery": view["delivery"]["method"],
        "meeting_url": view["meeting_url"],
    }


def category_name(category_id):
    from sandbox.scheduling.catalogue import CATEGORIES

    return CATEGORIES[category_id]["name"]


def links_for(settings, reference: str) -> dict:
    base = settings.frontend_url.rstrip("/")
    return {
        "view": f"{base}/appointments/{reference}",
        "reschedule": f"{base}/appointments/{reference}/reschedule",
        "cancel": f"{base}/appointments/{reference}/cancel",
        "join": f"{base}/appointments/{reference}/join",
    }


def queue_reminders(scheduling) -> int:
    """Queue a reminder for each confirmed booking that starts within the reminder time."""
    now = scheduling.now()
    lead = scheduling.settings.reminder_minutes * 60
    with scheduling.database.write() as connection:
        due = connection.execute(
            "SELECT id FROM bookings WHERE status='confirmed' AND reminder_sent IS NULL AND starts > ? AND starts <= ?",
            (now, now + lead),
        ).fetchall()
        for row in due:
            connection.execute("INSERT INTO mail_queue (booking_id, kind, created) VALUES (?, 'reminder', ?)",
                               (row["id"], now))
            queue_sms(connection, row["id"], "reminder", now)
            connection.execute("UPDATE bookings SET reminder_sent=? WHERE id=?", (now, row["id"]))
    return len(due)


def deliver_pending(scheduling) -> int:
    """Send every queued email; a failed one is tried again on the next round."""
    from sandbox.scheduling.invitations import MAIL_KINDS, deliver_invitation_mail
    from sandbox.scheduling.mail import booking_email

    settings = scheduling.settings
    connection = scheduling.database.read()
    pending = connection.execute(
        "SELECT q.id, q.kind, q.booking_id, b.reference FROM mail_queue q JOIN bookings b ON b.id = q.booking_id"
        " WHERE q.channel = 'email' AND q.sent IS NULL AND q.attempts < ? ORDER BY q.id", (MAX_ATTEMPTS,)).fetchall()
    sent = 0
    for item in pending:
        if item["kind"] in MAIL_KINDS:
            sent += deliver_invitation_mail(scheduling, item["id"])
            continue
        view = scheduling.booking_view(connection, item["reference"])
        if item["kind"] == "result":
            message = result_message(scheduling, connection, view)
        else:
            message = booking_email(item["kind"], booking_for_mail(view), sender=settings.mail_sender,
                                    links=links_for(settings, item["reference"]), now=settings.clock(),
                                    support_email=settings.support_email)
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail %s not delivered: %s", item["id"], type(error).__name__)
            with scheduling.database.write() as writer:
                writer.execute("UPDATE mail_queue SET attempts=attempts+1 WHERE id=?", (item["id"],))
            continue
        with scheduling.database.write() as writer:
            writer.execute("UPDATE mail_queue SET sent=?, attempts=attempts+1 WHERE id=?",
                           (scheduling.now(), item["id"]))
            if item["kind"] == "result":
                call_records.mark_emailed(writer, item["booking_id"], scheduling.now())
        sent += 1
    return sent


def result_message(scheduling, connection, view):
    from sandbox.scheduling.mail.result import result_email

    settings = scheduling.settings
    row = connection.execute("SELECT id, protocol_number FROM bookings WHERE reference=?",
                             (view["reference"],)).fetchone()
    stored = call_records.result_content(connection, row["id"])
    return result_email(booking_for_mail(view), call_records.result_view(connection, row["id"]),
                        stored["content"] if stored else None, protocol=row["protocol_number"] or "",
                        sender=settings.mail_sender, view_url=links_for(settings, view["reference"])["view"],
                        now=settings.clock(), support_email=settings.support_email)


def deliver_pending_sms(scheduling) -> int:
    """Send every queued text message through the gateway; a failed one is tried again next round."""
    settings = scheduling.settings
    provider = provider_for(settings)
    connection = scheduling.database.read()
    pending = connection.execute(
        "SELECT q.id, q.kind, b.reference FROM mail_queue q JOIN bookings b ON b.id = q.booking_id"
        " WHERE q.channel = 'sms' AND q.sent IS NULL AND q.attempts < ? ORDER BY q.id", (MAX_ATTEMPTS,)).fetchall()
    sent = 0
    for item in pending:
        view = scheduling.booking_view(connection, item["reference"])
        text = sms_text(item["kind"], booking_for_mail(view), links_for(settings, item["reference"])["view"],
                        now=settings.clock())
        try:
            provider.send(view["contact"]["phone"], text)
        except SmsNotSent as error:
            # The queue id and the reason only: a phone number is personal data.
            log.warning("sms %s not delivered: %s", item["id"], error)
            record_attempt(scheduling, item["id"], delivered=False)
            if isinstance(error, SmsGatewayUnreachable):
                break  # the rest wait for the next round, not for one timeout each
            continue
        record_attempt(scheduling, item["id"], delivered=True)
        sent += 1
    return sent


def record_attempt(scheduling, queue_id: int, *, delivered: bool) -> None:
    with scheduling.database.write() as writer:
        writer.execute("UPDATE mail_queue SET sent=?, attempts=attempts+1 WHERE id=?",
                       (scheduling.now() if delivered else None, queue_id))


def run_once(scheduling) -> None:
    queue_reminders(scheduling)
    deliver_pending(scheduling)
    deliver_pending_sms(scheduling)


def start_background_loops(scheduling) -> threading.Event:
    """The scheduler loop inside the service; returns an event that stops it."""
    stop = threading.Event()

    def loop():
        while not stop.wait(scheduling.settings.loop_seconds):
            try:
                run_once(scheduling)
            except Exception:  # noqa: BLE001 - the loop must outlive one bad round
                log.exception("mail loop round failed")

    threading.Thread(target=loop, name="sandbox-mail", daemon=True).start()
    return stop
