"""The privacy notice's periods, kept by the reference service: 12 months for an appointment and
everything given for it, 6 months for access records; needs a citizen asked us to remember stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.scheduling import Settings
from sandbox.scheduling.retention import purge
from tests.sandbox.conftest import MARIA, citizen_headers
from tests.sandbox.test_invitations import book_with_guests, interpreters, scheduling_of  # noqa: F401

# The booking of book_with_guests starts Tuesday 1 December 2026 at 09:00 and lasts under an hour.


def purge_now(service, clock):
    scheduling = scheduling_of(service)
    return purge(scheduling.database, scheduling.settings, int(clock().timestamp()))


def count(service, table, booking_id=None):
    connection = scheduling_of(service).database.read()
    if booking_id is None:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return connection.execute(f"SELECT COUNT(*) FROM {table} WHERE booking_id=?", (booking_id,)).fetchone()[0]


def booking_id(service, reference):
    row = scheduling_of(service).database.read().execute(
        "SELECT id FROM bookings WHERE reference=?", (reference,)).fetchone()
    return row[0] if row else None


@pytest.mark.usefixtures("interpreters")
def test_an_appointment_is_kept_for_its_period_and_then_deleted_with_everything_given_for_it(api, service, clock):
    booking = book_with_guests(api, service)
    internal = booking_id(service, booking["reference"])
    assert count(service, "invitations", internal) == 2 and count(service, "mail_queue", internal) >= 1

    clock.now = clock.now + timedelta(days=366)  # 364 days and some hours after the call ended
    assert purge_now(service, clock).bookings == 0
    assert api.get(f"/bookings/{booking['reference']}").status_code == 200

    clock.advance(days=2)  # now more than 365 days after it ended
    assert purge_now(service, clock).bookings == 1
    assert booking_id(service, booking["reference"]) is None
    assert count(service, "invitations", internal) == 0 and count(service, "mail_queue", internal) == 0
    assert api.get(f"/bookings/{booking['reference']}").status_code == 404


@pytest.mark.usefixtures("interpreters")
def test_access_records_go_after_six_months_and_newer_ones_stay(api, service, clock):
    booking = book_with_guests(api, service)
    first_records = count(service, "access_log")
    assert first_records >= 1
    clock.advance(days=170)
    api.get(f"/bookings/{booking['reference']}")  # a newer record: the appointment read 170 days later
    clock.advance(days=14)  # the first ones are now 184 days old, the newer one 14
    purged = purge_now(service, clock)
    assert purged.access_records == first_records
    assert count(service, "access_log") >= 1


def test_remembered_needs_stay_until_the_citizen_deletes_them(api, service, clock):
    saved = api.client.put("/v1/needs-profile", json={"needs": ["lip_reading"], "other_needs": ""},
                           headers=citizen_headers(MARIA))
    assert saved.status_code == 200, saved.json
    clock.advance(days=3 * 365)
    purge_now(service, clock)
    assert api.get("/needs-profile").status_code == 200


@pytest.mark.usefixtures("interpreters")
def test_the_period_is_a_setting(api, service, clock):
    scheduling_of(service).settings.booking_retention_days = 30
    booking = book_with_guests(api, service)
    clock.advance(days=32)
    assert purge_now(service, clock).bookings == 1
    assert booking_id(service, booking["reference"]) is None


def test_the_periods_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KEPWEB_SANDBOX_BOOKING_RETENTION_DAYS", "400")
    monkeypatch.setenv("KEPWEB_SANDBOX_ACCESS_LOG_RETENTION_DAYS", "90")
    settings = Settings.from_environment()
    assert (settings.booking_retention_days, settings.access_log_retention_days) == (400, 90)


def test_the_defaults_are_the_privacy_notices_periods():
    settings = Settings()
    assert settings.booking_retention_days == 365 and settings.access_log_retention_days == 183
