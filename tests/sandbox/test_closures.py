"""Closing a day with bookings on it: each is moved to the nearest equivalent time or cancelled, in
the same transaction, and each citizen is told with a way to choose another time."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.scheduling import closures
from sandbox.scheduling.mailer import deliver_pending
from tests.sandbox.conftest import NIKOS, athens
from tests.sandbox.test_invitations import book_with_guests, interpreters, scheduling_of  # noqa: F401

TUESDAY = date(2026, 12, 1)


def book(api, hour, citizen=None, kep="kep-megisti-1", **extra):
    hold = api.hold(athens(2026, 12, 1, hour), kep=kep, **({"citizen": citizen} if citizen else {}))
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], **({"citizen": citizen} if citizen else {}), **extra)
    assert booking.status_code == 201, booking.json
    return booking.json


def confirmed_on(service, day):
    connection = scheduling_of(service).database.read()
    return [row["reference"] for row in closures.affected(connection, day, "")]


def test_the_impact_lists_the_bookings_before_anything_changes(api, service):
    booking = book(api, 9)
    impact = api.get("/admin/closed-days/impact?date=2026-12-01&kep_id=kep-megisti-1", admin=True)
    assert impact.status_code == 200
    assert [item["reference"] for item in impact.json["bookings"]] == [booking["reference"]]
    assert api.get(f"/bookings/{booking['reference']}").json["status"] == "confirmed"


def test_closing_moves_each_booking_to_the_nearest_free_time_and_tells_the_citizen(api, service, outbox,
                                                                                   settings):
    settings.smtp_port = outbox.port
    first = book(api, 9)
    second = book(api, 11, citizen=NIKOS, procedure="child-benefit")
    closed = api.post("/admin/closed-days", {"date": "2026-12-01", "kep_id": "kep-megisti-1", "reason": "Απεργία"},
                      admin=True)
    assert closed.status_code == 201, closed.json
    assert sorted(closed.json["moved"]) == sorted([first["reference"], second["reference"]])
    assert closed.json["cancelled"] == []
    assert confirmed_on(service, TUESDAY) == []  # none left on the closed day

    moved = api.get(f"/bookings/{first['reference']}").json
    assert moved["status"] == "confirmed" and moved["start"] > "2026-12-01T22:00:00Z"
    assert moved["kep"]["id"] == "kep-megisti-1" and moved["sequence"] == 1

    deliver_pending(scheduling_of(service))
    [email] = [m for m in outbox.messages() if "ΚΕΠ μετέφερε" in m["subject"] and first["reference"] in m["subject"]]
    assert "/appointments/" + first["reference"] + "/reschedule" in email["text"]  # one click to another time


def test_with_no_equivalent_time_the_booking_is_cancelled_and_the_citizen_told(api, service, outbox, settings):
    settings.smtp_port = outbox.port
    settings.horizon_days = 1  # nothing free after the closed day within the horizon
    booking = book(api, 9)
    closed = api.post("/admin/closed-days", {"date": "2026-12-01"}, admin=True)
    assert closed.json["cancelled"] == [booking["reference"]] and closed.json["moved"] == []
    assert api.get(f"/bookings/{booking['reference']}").json["status"] == "cancelled"
    deliver_pending(scheduling_of(service))
    [email] = [m for m in outbox.messages() if m["to"] == ["maria@example.com"] and "ΚΕΠ ακύρωσε" in m["subject"]]
    assert "/start" in email["text"]


@pytest.mark.usefixtures("interpreters")
def test_a_call_with_an_interpreter_moves_only_to_a_time_when_one_is_free(api, service):
    booking = book_with_guests(api, service)  # Tuesday 09:00, with an interpreter and a third person
    closed = api.post("/admin/closed-days", {"date": "2026-12-01", "kep_id": "kep-megisti-1"}, admin=True)
    assert closed.json["moved"] == [booking["reference"]]
    moved = api.get(f"/bookings/{booking['reference']}").json
    assert moved["interpreter"] is not None
    assert {invitation["state"] for invitation in moved["invitations"]} <= {"queued", "sent", "confirmed"}


def test_a_closure_for_an_unknown_kep_is_refused(api):
    assert api.post("/admin/closed-days", {"date": "2026-12-01", "kep_id": "atlantis"}, admin=True).status_code == 422

