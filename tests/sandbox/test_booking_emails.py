"""Emails on booking, reschedule and cancel, and the reminder before the appointment."""

from __future__ import annotations

import base64

import pytest

from sandbox.scheduling import mailer
from tests.sandbox.conftest import athens


@pytest.fixture
def mail_to_outbox(settings, outbox):
    settings.smtp_port = outbox.port
    return outbox


def deliver(service):
    mailer.run_once(service.extensions["scheduling"])


def test_booking_sends_a_confirmation_with_calendar_file(api, service, mail_to_outbox):
    booking = api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"], needs=["lip_reading"]).json
    deliver(service)
    [message] = mail_to_outbox.messages()
    assert message["to"] == ["maria@example.com"]
    assert booking["reference"] in message["subject"]
    assert "Τρίτη 1 Δεκεμβρίου 2026" in message["text"]
    assert "09:00" in message["text"]
    assert "Χειλεανάγνωση" in message["text"]
    assert f"/appointments/{booking['reference']}/join" in message["text"]
    assert f"/appointments/{booking['reference']}/cancel" in message["html"]
    [calendar] = message["attachments"]
    assert calendar["filename"] == f"{booking['reference']}.ics"
    assert b"TZID=Europe/Athens" in base64.b64decode(calendar["content_base64"])
    deliver(service)
    assert len(mail_to_outbox.messages()) == 1  # sent once


def test_english_bookings_get_english_email(api, service, mail_to_outbox):
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"], language="en")
    deliver(service)
    assert "Tuesday 1 December 2026" in mail_to_outbox.messages()[0]["text"]


def test_reschedule_and_cancel_are_confirmed_by_email(api, service, mail_to_outbox):
    booking = api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"]).json
    hold = api.hold(athens(2026, 12, 3, 11, 0), for_booking=booking["reference"]).json
    api.post(f"/bookings/{booking['reference']}/reschedule", {"hold_id": hold["id"]})
    api.post(f"/bookings/{booking['reference']}/cancel")
    deliver(service)
    subjects = [message["subject"] for message in mail_to_outbox.messages()]
    assert len(subjects) == 3
    assert subjects[1].startswith("Αλλαγή") and subjects[2].startswith("Ακύρωση")
    assert "Πέμπτη 3 Δεκεμβρίου 2026" in mail_to_outbox.messages()[1]["text"]


def test_a_reminder_goes_out_an_hour_before_and_only_once(api, service, clock, mail_to_outbox):
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"])
    deliver(service)
    clock.now = athens(2026, 12, 1, 7, 59)
    deliver(service)
    assert len(mail_to_outbox.messages()) == 1
    clock.now = athens(2026, 12, 1, 8, 0)
    deliver(service)
    deliver(service)
    messages = mail_to_outbox.messages()
    assert len(messages) == 2
    assert messages[1]["subject"].startswith("Υπενθύμιση")
    assert "σήμερα στις 09:00" in messages[1]["subject"]


def test_mail_that_cannot_be_delivered_is_tried_again(api, service, settings, mail_to_outbox):
    port = settings.smtp_port
    settings.smtp_port = 9  # nothing listens
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"])
    deliver(service)
    assert mail_to_outbox.messages() == []
    settings.smtp_port = port
    deliver(service)
    assert len(mail_to_outbox.messages()) == 1
