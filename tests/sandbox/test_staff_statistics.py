"""Statistics per KEP and category in the reference service (`GET /v1/staff/statistics`): the numbers of a
small known set of bookings, made and settled through the API; what each role sees (a head only their KEP,
an employee nothing: 404); the access log; the period's checks; the first free time now."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import ELENI, MARIA, NIKOS, at, athens, staff_headers
from tests.sandbox.test_staff import SUBJECT, access_log

PERIOD = "from=2026-12-01&to=2026-12-03"
CHANIA, RHODES = "kep-chania-1", "kep-rhodes-1"
DOCUMENT = {MARIA: ("identity_card", "ΑΚ 123456"), NIKOS: ("identity_card", "ΑΖ112233"),
            ELENI: ("residence_permit", "ΤΕΡ2026001")}


def statistics(api, username, query=PERIOD):
    headers = staff_headers(SUBJECT.get(username, username))
    return api.client.get(f"/v1/staff/statistics?{query}", headers=headers)


def as_admin(api, method, path, json=None):
    headers = staff_headers(SUBJECT["ministry-admin"])
    answer = api.client.open(f"/v1/staff{path}", method=method, json=json, headers=headers)
    assert answer.status_code in (200, 201), answer.json
    return answer.json


def book(api, citizen, kep, day, hour, procedure, category="information", **extra):
    hold = api.hold(athens(2026, 12, day, hour), kep=kep, category=category, procedure=procedure, citizen=citizen,
                    **extra)
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], citizen=citizen)
    assert booking.status_code == 201, booking.json
    return booking.json["reference"]


def settle(api, reference, citizen, outcome):
    """The employee's record of the call: the identity check (for an outcome that needs it), then the outcome."""
    if outcome in ("served", "follow_up"):
        kind, number = DOCUMENT[citizen]
        as_admin(api, "POST", f"/calls/{reference}/identity-check", {
            "document_kind": kind, "document_number": number, "shown_on_camera": True, "matches_person": True})
    body = {"outcome": outcome}
    if outcome in ("served", "follow_up"):
        body["protocol_number"] = "100/2026"
    if outcome in ("not_served", "follow_up"):
        body["reason"] = "Λείπει βεβαίωση"
    as_admin(api, "POST", f"/calls/{reference}/outcome", body)


@pytest.fixture
def known(api, clock):
    """Bookings made on Monday 30 November 2026 at 08:00 in Athens (the clock), settled on 1 December at 12:30.

    At Chania, 1 to 3 December:
      information: served (1 Dec 09:00), no-show (10:00), follow-up (12:00), cancelled by the citizen (2 Dec 09:00)
      disability: not served (1 Dec 11:00)
      municipal: still confirmed (3 Dec 09:00)
      and one moved by the citizen from 2 December to 4 December: outside the period.
    At Rhodes: information served (1 Dec 09:00) and information still confirmed (2 Dec 11:00).
    """
    made = {
        "served": book(api, MARIA, CHANIA, 1, 9, "maternity-benefit"),
        "no_show": book(api, MARIA, CHANIA, 1, 10, "child-benefit"),
        "not_served": book(api, NIKOS, CHANIA, 1, 11, "disability-travel-pass", category="disability"),
        "follow_up": book(api, ELENI, CHANIA, 1, 12, "maternity-benefit"),
        "cancelled": book(api, NIKOS, CHANIA, 2, 9, "maternity-benefit"),
        "moved": book(api, NIKOS, CHANIA, 2, 10, "child-benefit"),
        "awaiting": book(api, ELENI, CHANIA, 3, 9, "birth-certificate", category="municipal", municipality="chania"),
        "rhodes_served": book(api, ELENI, RHODES, 1, 9, "child-benefit"),
        "rhodes_awaiting": book(api, MARIA, RHODES, 2, 11, "housing-allowance"),
    }
    assert api.post(f"/bookings/{made['cancelled']}/cancel", citizen=NIKOS).status_code == 200
    move = api.hold(athens(2026, 12, 4, 10), kep=CHANIA, procedure="child-benefit", citizen=NIKOS,
                    for_booking=made["moved"])
    assert api.post(f"/bookings/{made['moved']}/reschedule", {"hold_id": move.json["id"]},
                    citizen=NIKOS).status_code == 200
    clock.now = athens(2026, 12, 1, 12, 30)
    for name, citizen in (("served", MARIA), ("no_show", MARIA), ("not_served", NIKOS), ("follow_up", ELENI),
                          ("rhodes_served", ELENI)):
        settle(api, made[name], citizen, name.removeprefix("rhodes_"))
    return made


def measures(bookings=0, cancelled=0, awaiting_outcome=0, served=0, not_served=0, no_show=0, follow_up=0,
             average=None):
    return {"bookings": bookings, "cancelled": cancelled, "awaiting_outcome": awaiting_outcome, "served": served,
            "not_served": not_served, "no_show": no_show, "follow_up": follow_up,
            "average_days_to_appointment": average}


def kep_of(answer, kep_id):
    return next(kep for kep in answer["keps"] if kep["kep"]["id"] == kep_id)


@pytest.mark.usefixtures("known")
def test_the_numbers_of_a_known_set_of_bookings(api):
    answer = statistics(api, "ministry-admin")
    assert answer.status_code == 200, answer.json
    chania = kep_of(answer.json, CHANIA)
    # Waits from the booking (30 Nov 08:00) to the appointment, cancelled ones left out:
    # 25, 26 and 28 hours for information (26.3 h = 1.1 days), 27 for disability, 73 for municipal.
    assert chania["categories"] == [
        {"category": "information", **measures(4, cancelled=1, served=1, no_show=1, follow_up=1, average=1.1)},
        {"category": "disability", **measures(1, not_served=1, average=1.1)},
        {"category": "municipal", **measures(1, awaiting_outcome=1, average=3.0)},
    ]  # no business row: no booking in it; the moved booking counts on its new day, outside the period
    # (25 + 26 + 28 + 27 + 73) / 5 = 35.8 hours = 1.49 days.
    assert chania["total"] == measures(6, cancelled=1, awaiting_outcome=1, served=1, not_served=1, no_show=1,
                                       follow_up=1, average=1.5)
    rhodes = kep_of(answer.json, RHODES)
    # 25 and 51 hours: 38 hours = 1.58 days.
    assert rhodes["categories"] == [{"category": "information", **measures(2, awaiting_outcome=1, served=1,
                                                                           average=1.6)}]
    by_category = {row.pop("category"): row for row in answer.json["categories"]}
    assert list(by_category) == ["information", "business", "disability", "municipal"]
    assert by_category["information"] == measures(6, cancelled=1, awaiting_outcome=1, served=2, no_show=1,
                                                  follow_up=1, average=1.3)  # (79 + 76) / 5 = 31 h
    assert by_category["business"] == measures()
    assert answer.json["total"]["bookings"] == 8 and answer.json["total"]["served"] == 2
    assert answer.json["from"] == "2026-12-01" and answer.json["to"] == "2026-12-03"
    assert answer.json["computed_at"] == "2026-12-01T10:30:00Z"


def test_the_counts_add_up(api, known):
    for kep in statistics(api, "ministry-admin").json["keps"]:
        for row in [*kep["categories"], kep["total"]]:
            assert row["bookings"] == sum(row[name] for name in (
                "cancelled", "awaiting_outcome", "served", "not_served", "no_show", "follow_up"))


@pytest.mark.usefixtures("known")
def test_the_period_is_the_appointments_day_in_athens(api):
    # 1 December only: the Chania calls of that day, not those of the 2nd and 3rd.
    one_day = kep_of(statistics(api, "ministry-admin", "from=2026-12-01&to=2026-12-01").json, CHANIA)
    assert one_day["total"]["bookings"] == 4 and one_day["total"]["cancelled"] == 0
    # The booking moved to 4 December counts there.
    moved = kep_of(statistics(api, "ministry-admin", "from=2026-12-04&to=2026-12-04").json, CHANIA)
    assert moved["categories"] == [{"category": "information", **measures(1, awaiting_outcome=1, average=4.1)}]


@pytest.mark.usefixtures("known")
def test_a_head_sees_only_their_kep(api):
    answer = statistics(api, "chania-head")
    assert answer.status_code == 200
    assert [kep["kep"]["id"] for kep in answer.json["keps"]] == [CHANIA]
    assert answer.json["total"]["bookings"] == 6  # Rhodes's two are in no number
    assert RHODES not in answer.get_data(as_text=True) and "Ρόδου" not in answer.get_data(as_text=True)


def test_an_administrator_sees_every_kep_that_takes_bookings(api, service):
    answer = statistics(api, "ministry-admin")
    active = service.extensions["scheduling"].database.read().execute(
        "SELECT COUNT(*) FROM keps WHERE active=1").fetchone()[0]
    assert len(answer.json["keps"]) == active > 100


@pytest.mark.parametrize("username, status, code", [
    ("chania-employee", 404, "not_found"), ("no-role", 403, "forbidden"), ("somebody-unknown", 404, "not_found")])
def test_others_are_refused_and_the_refusal_is_logged(api, username, status, code):
    answer = statistics(api, username)
    assert answer.status_code == status and answer.json["code"] == code
    refused = [entry["action"] for entry in access_log(api)]
    assert refused == ["staff.statistics_denied" if username == "chania-employee" else "staff.refused"]


def test_every_look_is_in_the_access_log(api):
    assert statistics(api, "chania-head").status_code == 200
    [entry] = access_log(api)
    assert entry["action"] == "staff.statistics_view" and entry["booking_reference"] is None
    assert entry["staff"] == {"subject": SUBJECT["chania-head"], "role": "head"}


@pytest.mark.parametrize("query, field", [
    ("from=2026-12-03&to=2026-12-01", "to"),
    ("from=1%2F12%2F2026&to=2026-12-03", "from"),
    ("from=2026-12-01&to=tomorrow", "to"),
    ("from=2025-01-01&to=2026-12-31", "to"),  # more than 366 days
    ("from=0001-01-01&to=2026-12-01", "from"),
    ("from=2026-12-01&to=9999-12-31", "to"),
])
def test_the_period_is_checked_at_its_field(api, query, field):
    answer = statistics(api, "chania-head", query)
    assert answer.status_code == 422 and answer.json["code"] == "validation"
    assert list(answer.json["errors"]) == [field]
    assert set(answer.json["errors"][field]) == {"el", "en"}


def test_the_period_is_the_last_30_days_unless_asked(api):
    answer = statistics(api, "chania-head", "").json
    assert (answer["from"], answer["to"]) == ("2026-11-01", "2026-11-30")
    assert statistics(api, "chania-head", "from=2026-12-10").json["to"] == "2026-12-10"


def test_the_first_free_time_is_that_of_a_standard_call_now(api, known):
    answer = statistics(api, "ministry-admin").json
    assert answer["standard_call_minutes"] == 20 and answer["horizon_days"] == 30
    for kep_id in (CHANIA, RHODES):
        first = api.get("/availability/first", citizen=None, query_string={
            "category": "information", "procedure": "child-benefit", "kep": kep_id}).json["slot"]
        free = kep_of(answer, kep_id)["first_free"]
        assert free["start"] == first["start"]
    # At 12:30 on Tuesday 1 December, with two hours' notice, no call fits before 14:30 that day: the first
    # time is 08:00 the next morning, 19.5 hours away (0.8 days).
    assert kep_of(answer, CHANIA)["first_free"] == {"start": at(athens(2026, 12, 2, 8)), "wait_days": 0.8}


def test_a_kep_with_no_free_time_says_none(api, service):
    with service.extensions["scheduling"].database.write() as connection:
        connection.execute("DELETE FROM kep_hours WHERE kep_id=?", (CHANIA,))
    assert kep_of(statistics(api, "chania-head").json, CHANIA)["first_free"] is None


def test_the_wait_to_the_first_free_time_is_in_days(api, clock):
    # Saturday 5 December 2026, 10:00: the first time is Monday 7 December, 08:00 (46 hours: 1.9 days).
    clock.now = athens(2026, 12, 5, 10)
    free = kep_of(statistics(api, "chania-head").json, CHANIA)["first_free"]
    assert free == {"start": at(athens(2026, 12, 7, 8)), "wait_days": 1.9}
