"""The cap on a citizen's active bookings across procedures and KEPs (issue #16: one account booked 15
procedures in 8 s), as the reference service enforces it: at the hold and again at the booking, atomically."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from sandbox.scheduling import Settings
from tests.sandbox.conftest import MARIA, NIKOS, athens, booking_answers, citizen_headers

CAP = 2
PROCEDURES = ["maternity-benefit", "unemployment-benefit", "minimum-income", "birth-allowance"]


@pytest.fixture
def settings(settings):
    settings.max_active_bookings = CAP
    return settings


def book(api, day, procedure, citizen=MARIA, hour=9, **extra):
    hold = api.hold(athens(2026, 12, day, hour, 0), procedure=procedure, citizen=citizen, **extra)
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], citizen=citizen)
    assert booking.status_code == 201, booking.json
    return booking.json


def at_the_cap(api):
    return [book(api, 1, PROCEDURES[0]), book(api, 2, PROCEDURES[1])]


def assert_refused_for_the_cap(response):
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "too_many_active_bookings"
    assert response.json["limit"] == CAP


def test_at_the_cap_a_hold_for_another_procedure_is_refused_with_the_number(api):
    at_the_cap(api)
    refused = api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[2])
    assert_refused_for_the_cap(refused)
    assert len(api.get("/bookings").json["bookings"]) == CAP


def test_the_cap_is_checked_again_at_the_booking(api, settings):
    """A hold taken while under the cap (another tab then booked something else) cannot become one too many."""
    book(api, 1, PROCEDURES[0])
    hold = api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[2]).json
    kept = saved_hold(settings.database, hold["id"])
    other_tab = api.hold(athens(2026, 12, 2, 9, 0), procedure=PROCEDURES[1]).json  # lets the first hold go
    assert api.book(other_tab["id"]).status_code == 201
    # A hold asked for now would be refused at once: the first one is put back, as if both had been live.
    put_back(settings.database, kept)
    assert_refused_for_the_cap(api.book(hold["id"]))
    assert [b["procedure"]["id"] for b in api.get("/bookings").json["bookings"]] == PROCEDURES[:2]


def test_the_cap_is_per_citizen(api):
    at_the_cap(api)
    assert api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[2], citizen=NIKOS).status_code == 201


def test_a_cancelled_booking_does_not_count(api):
    first, _second = at_the_cap(api)
    assert api.post(f"/bookings/{first['reference']}/cancel").json["status"] == "cancelled"
    book(api, 3, PROCEDURES[2])
    assert_refused_for_the_cap(api.hold(athens(2026, 12, 4, 9, 0), procedure=PROCEDURES[3]))


def test_an_ended_booking_does_not_count(api, clock):
    at_the_cap(api)
    clock.advance(days=1, hours=4)  # Tuesday 1 December, 12:00 in Athens: the first call (09:00) has ended
    book(api, 3, PROCEDURES[2])
    assert_refused_for_the_cap(api.hold(athens(2026, 12, 4, 9, 0), procedure=PROCEDURES[3]))


def test_a_booking_with_an_outcome_does_not_count(api, settings):
    first, _second = at_the_cap(api)
    with sqlite3.connect(settings.database) as connection:
        connection.execute("UPDATE bookings SET status='served' WHERE reference=?", (first["reference"],))
    book(api, 3, PROCEDURES[2])


def test_at_the_cap_a_booking_can_still_be_moved(api):
    first, _second = at_the_cap(api)
    new_time = api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[0], for_booking=first["reference"])
    assert new_time.status_code == 201
    moved = api.post(f"/bookings/{first['reference']}/reschedule", {"hold_id": new_time.json["id"]},
                     headers={"Idempotency-Key": "move-1"})
    assert moved.status_code == 200 and moved.json["start"] == "2026-12-03T07:00:00Z"
    assert len(api.get("/bookings").json["bookings"]) == CAP


def test_naming_a_booking_of_another_procedure_does_not_get_past_the_cap(api):
    first, _second = at_the_cap(api)
    assert_refused_for_the_cap(api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[2],
                                        for_booking=first["reference"]))
    assert_refused_for_the_cap(api.hold(athens(2026, 12, 3, 9, 0), procedure=PROCEDURES[2],
                                        for_booking="KEP-2222-2222"))


def test_a_replayed_booking_answers_the_booking_not_the_cap(api):
    book(api, 1, PROCEDURES[0])
    hold = api.hold(athens(2026, 12, 2, 9, 0), procedure=PROCEDURES[1]).json
    first = api.book(hold["id"], key="click-1")
    assert first.status_code == 201  # now at the cap
    again = api.book(hold["id"], key="click-1")
    assert again.status_code == 201 and again.json["reference"] == first.json["reference"]
    assert len(api.get("/bookings").json["bookings"]) == CAP


def test_the_cap_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KEPWEB_SANDBOX_MAX_ACTIVE_BOOKINGS", "7")
    assert Settings.from_environment(database=tmp_path / "s.sqlite3").max_active_bookings == 7
    assert Settings().max_active_bookings == 4
    monkeypatch.setenv("KEPWEB_SANDBOX_MAX_ACTIVE_BOOKINGS", "0")
    with pytest.raises(ValueError, match="MAX_ACTIVE_BOOKINGS"):
        Settings.from_environment(database=tmp_path / "s.sqlite3")


def saved_hold(database, hold_id) -> dict:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        return dict(connection.execute("SELECT * FROM holds WHERE id=?", (hold_id,)).fetchone())


def put_back(database, row: dict):
    """Put back a hold that a newer one let go (the API keeps one hold per citizen)."""
    with sqlite3.connect(database) as connection:
        connection.execute(f"INSERT INTO holds ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                           tuple(row.values()))


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_bookings_of_one_citizen_never_go_past_the_cap(service, api, settings, round_):
    """Over real HTTP, on threads: one booking short of the cap, MARIA sends three bookings at once, each
    with a live hold of its own (put back directly: the API keeps one hold per citizen). Only one wins."""
    book(api, 1, PROCEDURES[0])
    holds = []
    for day, procedure in zip((2, 3, 4), PROCEDURES[1:], strict=True):
        holds.append(saved_hold(settings.database, api.hold(athens(2026, 12, day, 10, 0),
                                                             procedure=procedure).json["id"]))
    for row in holds[:-1]:
        put_back(settings.database, row)
    holds = [row["id"] for row in holds]
    server = make_server("127.0.0.1", 0, service, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/v1/bookings"
    barrier = threading.Barrier(len(holds))

    def try_to_book(hold_id):
        barrier.wait()
        answer = requests.post(url, json=booking_answers(hold_id),
                               headers={**citizen_headers(MARIA), "Idempotency-Key": hold_id}, timeout=30)
        return answer.status_code, answer.json().get("code")

    try:
        with ThreadPoolExecutor(max_workers=len(holds)) as pool:
            outcomes = list(pool.map(try_to_book, holds))
    finally:
        server.shutdown()
    assert sorted(outcomes, key=str) == sorted(
        [(201, None)] + [(409, "too_many_active_bookings")] * (len(holds) - 1), key=str)
    active = [b for b in api.get("/bookings").json["bookings"] if b["status"] == "confirmed"]
    assert len(active) == CAP


def test_the_allowance_says_the_cap_and_how_many_more(api):
    assert api.get("/booking-allowance").json == {"limit": CAP, "active": 0, "remaining": CAP}
    first, _second = at_the_cap(api)
    assert api.get("/booking-allowance").json == {"limit": CAP, "active": CAP, "remaining": 0}
    api.post(f"/bookings/{first['reference']}/cancel")
    assert api.get("/booking-allowance").json == {"limit": CAP, "active": 1, "remaining": 1}
    assert api.get("/booking-allowance", citizen=NIKOS).json["active"] == 0
