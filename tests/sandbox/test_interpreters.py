"""Greek Sign Language interpreters, a resource like employees, as the reference service keeps them.

The clock stands at Monday 30 November 2026, 08:00 in Athens (conftest.py). A
sign-language call of the information category lasts 20 + 20 = 40 minutes. Most
tests leave one or two interpreters on the roster (the others removed through
the admin API) so that who is free is plain to see.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from stdnum.gr import vat
from werkzeug.serving import make_server

from sandbox.scheduling.db import Database
from tests.sandbox.conftest import ELENI, MARIA, NIKOS, Clock, at, athens, booking_answers, citizen_headers
from tests.sandbox.test_contract_fuzz import Contract, mounted, seeded_service

SIGN = ["sign_language"]
TUESDAY, WEDNESDAY = "2026-12-01", "2026-12-02"


def citizens(count, first=20_000_001):
    return [f"{n:08d}" + vat.calc_check_digit(f"{n:08d}") for n in range(first, first + count)]


def roster(api):
    return api.get("/admin/interpreters", admin=True).json["interpreters"]


def only(api, *keep):
    """Leave only these interpreters on the roster; the others are removed through the admin API."""
    for interpreter in roster(api):
        if interpreter["id"] not in keep:
            assert api.delete(f"/admin/interpreters/{interpreter['id']}", admin=True).status_code == 204


def set_hours(api, interpreter_id, *hours):
    response = api.put(f"/admin/interpreters/{interpreter_id}/hours",
                       {"hours": [{"weekday": w, "starts": s, "ends": e} for w, s, e in hours]})
    assert response.status_code == 200, response.json
    return response.json


def sign_times(api, day, kep="kep-megisti-1", needs="sign_language"):
    response = api.get(f"/availability/slots?category=information&procedure=maternity-benefit&kep={kep}"
                       f"&date={day}&needs={needs}")
    assert response.status_code == 200, response.json
    return [slot["start"] for slot in response.json["slots"]]


def book(api, start, kep="kep-megisti-1", citizen=MARIA, needs=SIGN):
    hold = api.hold(start, kep=kep, citizen=citizen, needs=needs)
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], citizen=citizen, needs=list(needs))
    assert booking.status_code == 201, booking.json
    return booking.json


def hold_interpreter(service, hold_id):
    row = service.extensions["scheduling"].database.read().execute(
        "SELECT interpreter_id FROM holds WHERE id=?", (hold_id,)).fetchone()
    return row["interpreter_id"]


def refused(response, code="slot_taken"):
    return response.status_code in (409, 410, 422) and response.json["code"] == code


# -- the roster ---------------------------------------------------------------------------

def test_the_sample_roster_has_sixty_interpreters_with_hours(api):
    interpreters = roster(api)
    assert len(interpreters) == 60 and all(i["active"] and i["hours"] for i in interpreters)
    assert len({i["id"] for i in interpreters}) == len({i["name"] for i in interpreters}) == 60
    assert all(i["email"] == f"{i['id']}@interpreters.mykeplive.example" for i in interpreters)
    shifts = {(h["starts"], h["ends"]) for i in interpreters for h in i["hours"]}
    assert shifts == {("08:00", "14:30"), ("08:00", "11:30"), ("11:00", "14:30")}
    assert any(len(i["hours"]) < 5 for i in interpreters)  # some do not work every weekday


def test_the_roster_is_loaded_once_and_an_older_file_gets_it(api, settings):
    api.delete("/admin/interpreters/interpreter-01", admin=True)
    Database(settings.database)  # a restart keeps the administrators' change
    assert not next(i for i in roster(api) if i["id"] == "interpreter-01")["active"]
    database = Database(settings.database)
    with database.write() as connection:  # a file from before interpreters existed
        for table in ("interpreter_hours", "interpreter_closed_days", "interpreters"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute("DELETE FROM loaded WHERE what='interpreters'")
    Database(settings.database)
    assert len(roster(api)) == 60 and all(i["active"] for i in roster(api))


# -- when a sign-language call can be offered -----------------------------------------------

def test_a_sign_language_time_needs_an_interpreter_at_work(api):
    only(api, "interpreter-01")
    set_hours(api, "interpreter-01", (1, "09:00", "10:00"))
    assert sign_times(api, TUESDAY) == [at(athens(2026, 12, 1, 9, 0)), at(athens(2026, 12, 1, 9, 20))]
    assert sign_times(api, WEDNESDAY) == []  # no hours on Wednesdays
    assert len(sign_times(api, TUESDAY, needs="lip_reading")) > 10  # other needs need no interpreter
    outside = api.hold(athens(2026, 12, 1, 10, 0), needs=SIGN)
    assert refused(outside)  # the time exists, only the interpreter is missing


def test_one_interpreter_is_never_in_two_calls_at_once(api):
    only(api, "interpreter-01")
    assert api.hold(athens(2026, 12, 1, 9, 0), needs=SIGN).status_code == 201  # a live hold occupies them too
    assert refused(api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN))
    assert refused(api.hold(athens(2026, 12, 1, 9, 20), kep="kep-chania-1", citizen=ELENI, needs=SIGN))
    # Another KEP's employee is free: without the need the time can be had.
    assert api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS).status_code == 201


def test_the_gap_is_kept_between_two_calls_of_an_interpreter(api, settings):
    only(api, "interpreter-01")
    book(api, athens(2026, 12, 1, 9, 0))  # 09:00–09:40
    times = sign_times(api, TUESDAY, kep="kep-chania-1")
    assert at(athens(2026, 12, 1, 8, 0)) in times       # ends 08:40: 20 minutes before
    assert at(athens(2026, 12, 1, 8, 20)) not in times  # ends 09:00: no gap
    assert at(athens(2026, 12, 1, 9, 40)) not in times  # starts at its end: no gap
    assert at(athens(2026, 12, 1, 10, 0)) in times
    settings.gap_minutes = 25  # the employees' setting, the same for interpreters
    times = sign_times(api, TUESDAY, kep="kep-chania-1")
    assert at(athens(2026, 12, 1, 8, 0)) not in times and at(athens(2026, 12, 1, 10, 0)) not in times
    assert at(athens(2026, 12, 1, 10, 20)) in times


def test_an_interpreters_closed_day(api):
    only(api, "interpreter-01")
    closed = api.post("/admin/interpreters/interpreter-01/closed-days", {"date": TUESDAY, "reason": "Άδεια"},
                      admin=True)
    assert closed.status_code == 201 and closed.json == {"date": TUESDAY, "reason": "Άδεια"}
    assert sign_times(api, TUESDAY) == [] and sign_times(api, TUESDAY, needs="")
    assert roster(api)[0]["closed_days"] == [{"date": TUESDAY, "reason": "Άδεια"}]
    assert api.delete(f"/admin/interpreters/interpreter-01/closed-days/{TUESDAY}", admin=True).status_code == 204
    assert sign_times(api, TUESDAY)
    # A day with a call of theirs cannot be closed.
    book(api, athens(2026, 12, 2, 10, 0))
    refusal = api.post("/admin/interpreters/interpreter-01/closed-days", {"date": WEDNESDAY}, admin=True)
    assert refused(refusal, "not_allowed")
    assert sign_times(api, WEDNESDAY)  # still open, for other times


def test_no_sign_language_time_on_a_holiday_or_a_weekend(api):
    only(api, "interpreter-01")
    set_hours(api, "interpreter-01", *[(weekday, "08:00", "14:30") for weekday in range(7)])
    assert sign_times(api, "2026-12-25") == []  # Christmas, a Friday
    assert sign_times(api, "2026-12-05") == []  # a Saturday
    assert sign_times(api, "2026-12-04")        # an ordinary Friday


def test_the_least_busy_interpreter_is_chosen(api):
    only(api, "interpreter-01", "interpreter-03")
    first = book(api, athens(2026, 12, 1, 9, 0))
    second = book(api, athens(2026, 12, 1, 11, 0), kep="kep-chania-1", citizen=NIKOS)
    assert first["interpreter"]["id"] == "interpreter-01"   # a tie goes to the first id
    assert second["interpreter"]["id"] == "interpreter-03"  # the one with no call that day


# -- holds and bookings keep, move and free the interpreter -----------------------------------

def test_the_booking_names_its_interpreter(api):
    only(api, "interpreter-01")
    signed = book(api, athens(2026, 12, 1, 9, 0))
    plain = book(api, athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=[])
    assert signed["interpreter"] == {"id": "interpreter-01", "name": roster(api)[0]["name"]}
    assert plain["interpreter"] is None
    assert api.get(f"/bookings/{signed['reference']}").json["interpreter"]["id"] == "interpreter-01"
    staff = {b["reference"]: b["interpreter"] for b in api.get("/admin/bookings", admin=True).json["bookings"]}
    assert staff == {signed["reference"]: signed["interpreter"], plain["reference"]: None}


def test_a_needs_change_picks_the_interpreter_again(api, service):
    only(api, "interpreter-01")
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    assert hold_interpreter(service, hold["id"]) is None
    assert api.patch(f"/holds/{hold['id']}", {"needs": SIGN}).status_code == 200
    assert hold_interpreter(service, hold["id"]) == "interpreter-01"
    assert refused(api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN))
    assert api.patch(f"/holds/{hold['id']}", {"needs": ["text_chat"]}).status_code == 200
    assert hold_interpreter(service, hold["id"]) is None  # freed at once
    assert api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN).status_code == 201
    again = api.patch(f"/holds/{hold['id']}", {"needs": SIGN})
    assert refused(again)
    assert api.get(f"/holds/{hold['id']}").json["needs"] == ["text_chat"]  # unchanged by the refusal


def test_a_booking_with_a_sign_language_need_the_hold_lacked_gets_an_interpreter(api):
    only(api, "interpreter-01")
    first = api.hold(athens(2026, 12, 1, 9, 0)).json
    booked = api.book(first["id"], needs=SIGN)
    assert booked.status_code == 201 and booked.json["interpreter"]["id"] == "interpreter-01"
    other = api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS).json
    refusal = api.book(other["id"], citizen=NIKOS, needs=SIGN)
    assert refused(refusal)  # the only interpreter is in MARIA's call


def test_a_reschedule_moves_the_interpreter_and_frees_the_old_time(api):
    only(api, "interpreter-01", "interpreter-03")
    set_hours(api, "interpreter-01", (1, "08:00", "14:30"))  # Tuesdays
    set_hours(api, "interpreter-03", (2, "08:00", "14:30"))  # Wednesdays
    booking = book(api, athens(2026, 12, 1, 9, 0))
    assert booking["interpreter"]["id"] == "interpreter-01"
    move = api.hold(athens(2026, 12, 2, 10, 0), needs=SIGN, for_booking=booking["reference"])
    assert move.status_code == 201
    moved = api.post(f"/bookings/{booking['reference']}/reschedule", {"hold_id": move.json["id"]})
    assert moved.status_code == 200 and moved.json["interpreter"]["id"] == "interpreter-03"
    assert api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN).status_code == 201
    assert refused(api.hold(athens(2026, 12, 2, 10, 0), kep="kep-chania-1", citizen=ELENI, needs=SIGN))


def test_a_cancellation_frees_the_interpreter(api):
    only(api, "interpreter-01")
    booking = book(api, athens(2026, 12, 1, 9, 0))
    assert refused(api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN))
    cancelled = api.post(f"/bookings/{booking['reference']}/cancel")
    assert cancelled.json["status"] == "cancelled" and cancelled.json["interpreter"]["id"] == "interpreter-01"
    assert api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", citizen=NIKOS, needs=SIGN).status_code == 201


# -- the earliest time, and why there is none ----------------------------------------------------

def first(api, needs="sign_language", kep="kep-megisti-1"):
    response = api.get(f"/availability/first?category=information&procedure=maternity-benefit&kep={kep}"
                       f"&needs={needs}")
    assert response.status_code == 200, response.json
    return response.json


def test_limited_by_says_when_only_an_interpreter_is_missing(api):
    assert first(api)["slot"] and first(api)["limited_by"] is None
    only(api)  # nobody left
    assert first(api) == {"slot_minutes": 40, "slot": None, "limited_by": "interpreter"}
    assert first(api, needs="")["slot"] and first(api, needs="")["limited_by"] is None
    api.put("/admin/keps/kep-megisti-1/hours", {"opening_hours": []})  # now nothing at all
    assert first(api) == {"slot_minutes": 40, "slot": None, "limited_by": None}


def test_the_earliest_sign_language_time_waits_for_an_interpreter(api):
    only(api, "interpreter-01")
    set_hours(api, "interpreter-01", (3, "12:00", "13:00"))  # Thursdays at noon
    assert first(api)["slot"]["start"] == at(athens(2026, 12, 3, 12, 0))
    assert first(api, needs="")["slot"]["start"] == at(athens(2026, 11, 30, 10, 0))


# -- the administrators' routes -------------------------------------------------------------------

def test_an_administrator_adds_an_interpreter_who_then_takes_calls(api):
    only(api)
    new = {"id": "interpreter-61", "name": "Ελένη Ιωαννίδου", "email": "eleni@interpreters.mykeplive.example",
           "hours": [{"weekday": 1, "starts": "09:00", "ends": "09:40"}]}
    added = api.post("/admin/interpreters", new, admin=True)
    assert added.status_code == 201
    assert added.json == {**new, "active": True, "closed_days": []}
    assert sign_times(api, TUESDAY) == [at(athens(2026, 12, 1, 9, 0))]
    again = api.post("/admin/interpreters", new, admin=True)
    assert refused(again, "validation") and set(again.json["errors"]) == {"id"}
    wrong = api.post("/admin/interpreters", {"id": "Interpreter 62", "name": " ", "email": "not-an-address",
                                             "hours": [{"weekday": True, "starts": "09:00", "ends": "10:00"},
                                                       {"weekday": 1, "starts": "10:00", "ends": "09:00"}]},
                     admin=True)
    assert refused(wrong, "validation")
    assert set(wrong.json["errors"]) == {"id", "name", "email", "hours[0]", "hours[1]"}


def test_an_administrator_replaces_an_interpreters_hours(api):
    changed = set_hours(api, "interpreter-01", (0, "08:00", "10:00"), (4, "12:00", "14:30"))
    assert changed["hours"] == [{"weekday": 0, "starts": "08:00", "ends": "10:00"},
                                {"weekday": 4, "starts": "12:00", "ends": "14:30"}]
    assert api.put("/admin/interpreters/nobody/hours", {"hours": []}).status_code == 404
    invalid = api.put("/admin/interpreters/interpreter-01/hours", {"hours": [{"weekday": 0, "starts": "08:00\n",
                                                                              "ends": "10:00"}]})
    assert refused(invalid, "validation") and set(invalid.json["errors"]) == {"hours[0]"}
    assert refused(api.put("/admin/interpreters/interpreter-01/hours", {"hours": "all week"}), "validation")


def test_an_interpreter_with_calls_to_come_cannot_be_removed(api, clock):
    only(api, "interpreter-01")
    booking = book(api, athens(2026, 12, 1, 9, 0))
    assert refused(api.delete("/admin/interpreters/interpreter-01", admin=True), "not_allowed")
    api.post(f"/bookings/{booking['reference']}/cancel")
    hold = api.hold(athens(2026, 12, 1, 11, 0), citizen=NIKOS, needs=SIGN).json
    assert refused(api.delete("/admin/interpreters/interpreter-01", admin=True), "not_allowed")  # a live hold
    api.delete(f"/holds/{hold['id']}", citizen=NIKOS)
    assert api.delete("/admin/interpreters/interpreter-01", admin=True).status_code == 204
    assert api.delete("/admin/interpreters/interpreter-01", admin=True).status_code == 204  # again: no error
    assert api.delete("/admin/interpreters/nobody", admin=True).status_code == 404
    assert not roster(api)[0]["active"] and sign_times(api, TUESDAY) == []


def test_a_call_that_is_over_does_not_keep_an_interpreter_on_the_roster(api, clock):
    only(api, "interpreter-01")
    book(api, athens(2026, 12, 1, 9, 0))
    clock.advance(days=1, hours=2)  # Tuesday 10:00: the call is over
    assert api.delete("/admin/interpreters/interpreter-01", admin=True).status_code == 204


def test_closed_days_of_an_unknown_interpreter_or_not_a_date(api):
    assert api.post("/admin/interpreters/nobody/closed-days", {"date": TUESDAY}, admin=True).status_code == 404
    assert api.delete(f"/admin/interpreters/nobody/closed-days/{TUESDAY}", admin=True).status_code == 404
    assert refused(api.post("/admin/interpreters/interpreter-01/closed-days", {"date": "soon"}, admin=True),
                   "validation")
    assert api.delete("/admin/interpreters/interpreter-01/closed-days/2026-12-09", admin=True).status_code == 204


def test_the_interpreter_routes_keep_the_contract(tmp_path):
    contract = Contract(mounted(seeded_service(tmp_path / "scheduling.sqlite3", Clock())))
    interpreters = contract("GET", "/admin/interpreters", status=200)["interpreters"]
    assert len(interpreters) == 60
    for interpreter in interpreters:
        contract("DELETE", "/admin/interpreters/{interpreter_id}", status=204,
                 path_parameters={"interpreter_id": interpreter["id"]})
    wanted = {"category": "information", "procedure": "child-benefit", "kep": "kep-chania-1"}
    nobody = contract("GET", "/availability/first", query={**wanted, "needs": "sign_language"}, status=200)
    assert nobody["slot"] is None and nobody["limited_by"] == "interpreter"
    new = {"id": "interpreter-61", "name": "Ελένη Ιωαννίδου", "email": "eleni@interpreters.mykeplive.example",
           "hours": [{"weekday": 1, "starts": "08:00", "ends": "14:30"}]}
    contract("POST", "/admin/interpreters", body=new, status=201)
    contract("POST", "/admin/interpreters", body=new, status=422)
    one = {"interpreter_id": "interpreter-61"}
    contract("PUT", "/admin/interpreters/{interpreter_id}/hours", path_parameters=one,
             body={"hours": [{"weekday": 2, "starts": "08:00", "ends": "11:30"}]}, status=200)
    contract("POST", "/admin/interpreters/{interpreter_id}/closed-days", path_parameters=one,
             body={"date": "2026-12-09", "reason": "Άδεια"}, status=201)
    contract("DELETE", "/admin/interpreters/{interpreter_id}/closed-days/{day}",
             path_parameters={**one, "day": "2026-12-09"}, status=204)
    found = contract("GET", "/availability/first", query={**wanted, "needs": "sign_language"}, status=200)
    assert found["slot"]["start"] == "2026-12-02T06:00:00Z" and found["limited_by"] is None  # Wednesday 08:00
    # A sign-language booking, as the citizen and the staff see it.
    hold = contract("POST", "/holds", body={"category": "information", "procedure": "child-benefit",
                                             "kep_id": "kep-chania-1", "start": found["slot"]["start"],
                                             "needs": SIGN}, status=201)
    booking = contract("POST", "/bookings", body=booking_answers(hold["id"], needs=SIGN), status=201)
    assert booking["interpreter"] == {"id": "interpreter-61", "name": "Ελένη Ιωαννίδου"}
    contract("DELETE", "/admin/interpreters/{interpreter_id}", path_parameters=one, status=409)
    contract("POST", "/admin/interpreters/{interpreter_id}/closed-days", path_parameters=one,
             body={"date": "2026-12-02"}, status=409)
    staff = contract("GET", "/admin/bookings", status=200)["bookings"]
    assert [b["interpreter"] for b in staff] == [None, booking["interpreter"]]  # the seeded booking has none


# -- many at once ---------------------------------------------------------------------------------

def test_fifty_concurrent_requests_for_the_last_interpreter_time_give_exactly_one_winner(service, api):
    # One interpreter, for exactly one 40-minute call; 50 citizens, each at a KEP of their own,
    # so only the interpreter is scarce.
    only(api, "interpreter-01")
    set_hours(api, "interpreter-01", (1, "09:00", "09:40"))
    keps = [k["id"] for k in api.get("/keps").json["keps"]
            if any(h["weekday"] == 1 and h["opens"] <= "09:00" and h["closes"] >= "09:40" for h in k["opening_hours"])]
    server = make_server("127.0.0.1", 0, service, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/v1"
    start = at(athens(2026, 12, 1, 9, 0))
    barrier = threading.Barrier(50)

    def try_to_book(citizen_and_kep):
        citizen, kep = citizen_and_kep
        headers = citizen_headers(citizen)
        body = {"category": "information", "procedure": "maternity-benefit", "kep_id": kep, "start": start,
                "needs": SIGN}
        barrier.wait()
        hold = requests.post(f"{url}/holds", json=body, headers=headers, timeout=30)
        if hold.status_code != 201:
            return hold.json()["code"]
        booking = requests.post(f"{url}/bookings", json=booking_answers(hold.json()["id"], needs=SIGN),
                                headers={**headers, "Idempotency-Key": citizen}, timeout=30)
        return "booked" if booking.status_code == 201 else booking.json()["code"]

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            outcomes = list(pool.map(try_to_book, zip(citizens(50), keps[:50], strict=True)))
    finally:
        server.shutdown()
    assert outcomes.count("booked") == 1
    assert outcomes.count("slot_taken") == 49
    booked = api.get("/admin/bookings", admin=True).json["bookings"]
    assert [b["interpreter"]["id"] for b in booked] == ["interpreter-01"]


@pytest.mark.parametrize("needs", [[], ["text_chat"]])
def test_calls_without_a_sign_language_need_take_no_interpreter(api, service, needs):
    only(api)
    hold = api.hold(athens(2026, 12, 1, 9, 0), needs=needs)
    assert hold.status_code == 201 and hold_interpreter(service, hold.json["id"]) is None
