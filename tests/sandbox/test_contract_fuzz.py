"""The contract (api/scheduling.openapi.yaml) against the reference service, by
Schemathesis. Every answer must be no 5xx (not_a_server_error), have a status
and a content type the contract lists for that operation, and match the
schema the contract gives for it.

* `test_every_operation_keeps_the_contract`: each operation gets generated
  requests, valid and invalid (Schemathesis' examples, coverage and fuzzing
  phases; `MAX_EXAMPLES` fuzzed ones).
* `test_a_booking_through_its_whole_life_keeps_the_contract`: the success and
  rule answers that random data seldom reaches (a free time, a live hold, an
  expired one, a replayed Idempotency-Key ...), checked the same way.
* `test_edge_values_are_refused_with_a_documented_problem` and
  `test_a_booking_with_other_scripts_digits_is_refused`: values that once made
  the service answer 500 or break its own contract.

The service runs in-process (WSGI), mounted where the contract's server URL
says (/sandbox/scheduling), with a database of its own for each test and a
clock that stands still unless the test moves it (Monday 30 November 2026,
08:00 in Athens, see conftest.py). Generation is derandomized with a fixed
seed, so a run sends the same requests each time.

Random strings seldom name a real KEP, procedure, hold or booking, so the
generator also draws, half of the time, from dictionaries of real ones (the
reference data, bookable times, the hold and booking each database starts
with) and of edge values (the first and last dates Python knows, a clock time
with a trailing newline).

`FUZZ_MAX_EXAMPLES=300` (and another `FUZZ_SEED`) runs a longer search locally.
"""

from __future__ import annotations

import os
from datetime import timedelta, timezone
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from sandbox.scheduling import Settings, create_app
from tests.sandbox.conftest import (
    ADMIN,
    FRONTEND,
    MARIA,
    NIKOS,
    Clock,
    assertion_for,
    booking_answers,
    citizen_headers,
    staff_assertion_for,
)

SPEC_FILE = Path(__file__).resolve().parents[2] / "api" / "scheduling.openapi.yaml"
MOUNT = "/sandbox/scheduling"  # the contract's server URL is /sandbox/scheduling/v1
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# What each database starts with, for MARIA: a booking, and a hold for moving it.
REFERENCE = "KEP-2345-6789"
HOLD_ID = "fuzz-hold-1"
BOOKED = "2026-12-01T07:00:00Z"  # Tuesday 1 December, 09:00 in Athens
HELD = "2026-12-02T08:00:00Z"    # Wednesday 2 December, 10:00 in Athens
# Subjects of the sample staff registry (sandbox/scheduling/data/staff.json).
EMPLOYEE, HEAD = "aa854b1d-fd6a-481c-9ef6-6f4cd910794e", "7d7e0baa-5fcc-4319-a165-18b15cd1e2e8"
STAFF_ADMIN, NO_ROLE = "3ed9731f-f1d9-4357-8415-7708e348fadb", "b4e4f26f-bea6-4efe-b908-5b85fa7d9c19"

DICTIONARIES = {
    "keps": ["kep-megisti-1", "kep-athens-3", "kep-chania-1", "kep-acharnes-2"],
    "municipalities": ["megisti", "athens", "chania"],
    "procedures": ["maternity-benefit", "child-benefit", "employer-registration", "disability-travel-pass",
                   "birth-certificate", "resident-parking-permit"],
    "employees": ["kep-megisti-1-e1", "kep-megisti-1-e2", "kep-athens-3-e1"],
    "interpreters": ["interpreter-01", "interpreter-10"],
    # Today, a working day, a Wednesday, Christmas, a Saturday, past the horizon, the ends of the calendar.
    "days": ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-25", "2026-12-05", "2027-01-05",
             "0001-01-01", "9999-12-25", "9999-12-31"],
    # Free, booked, held, off the grid, too soon, a Saturday, with an offset, the ends of the calendar.
    "starts": ["2026-12-03T07:00:00Z", BOOKED, HELD, "2026-12-03T07:05:00Z", "2026-11-30T07:00:00Z",
               "2026-12-05T08:00:00Z", "2026-12-03T11:20:00+02:00", "0001-01-01T00:00:00+14:00",
               "9999-12-31T23:00:00Z"],
    "clock": ["08:00", "07:30", "14:30", "20:00", "08:00\n", "24:00", "8:00"],
    "holds": [HOLD_ID],
    "references": [REFERENCE],
    # The sample staff registry: an employee, a head, an administrator, one without a role, one unknown.
    "staff": [EMPLOYEE, HEAD, STAFF_ADMIN, NO_ROLE, "unknown-subject"],
}
# The frontend's signed assertions of those staff members (signed again just before each call, as the citizen's).
STAFF_ASSERTIONS = {staff_assertion_for(subject): subject for subject in DICTIONARIES["staff"]}
DICTIONARIES["staff_assertions"] = list(STAFF_ASSERTIONS)
BINDINGS = {
    "query.kep": "keps", "body.kep_id": "keps", "path.kep_id": "keps",
    "query.municipality": "municipalities", "body.municipality": "municipalities",
    "body.municipality_id": "municipalities",
    "query.procedure": "procedures", "body.procedure": "procedures",
    "path.employee_id": "employees", "path.interpreter_id": "interpreters",
    "query.date": "days", "query.from": "days", "query.to": "days", "path.day": "days", "body.date": "days",
    "body.first_day": "days", "body.last_day": "days", "query.kep_id": "keps",
    "body.availability[*].valid_from": "days", "body.availability[*].valid_to": "days",
    "body.start": "starts",
    "body.opening_hours[*].opens": "clock", "body.opening_hours[*].closes": "clock",
    "body.availability[*].starts": "clock", "body.availability[*].ends": "clock",
    "path.hold_id": "holds", "body.hold_id": "holds",
    "path.reference": "references", "body.for_booking": "references",
    "header.X-Staff-Assertion": "staff_assertions", "path.subject": "staff",
}

CONFIG = schemathesis.Config.from_dict({
    "seed": int(os.environ.get("FUZZ_SEED", "20530")),
    "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES},
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "auth": {"openapi": {"frontendToken": {"bearer": FRONTEND}, "adminToken": {"bearer": ADMIN}}},
    "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
    "parameters": {
        # A real citizen's assertion, so that the routes get past the header to their own rules (signed again
        # just before each call: `fresh_assertion`, since one made at import expires within the run).
        "header.X-Citizen-Assertion": assertion_for(MARIA),
        **{key: {"dictionary": name, "probability": 0.5} for key, name in BINDINGS.items()},
    },
    "phases": {"stateful": {"enabled": False}},
})

schema = schemathesis.openapi.from_path(SPEC_FILE, config=CONFIG)


def seeded_service(database: Path, clock: Clock):
    """The service, with MARIA's booking REFERENCE (maternity benefit at Megisti, 1 December 09:00) and her
    hold HOLD_ID (2 December 10:00, for moving that booking)."""
    app = create_app(Settings(database=database, frontend_token=FRONTEND, admin_token=ADMIN,
                              background_loops=False, clock=clock, smtp_port=9))
    client = app.test_client()
    headers = citizen_headers(MARIA)
    wanted = {"category": "information", "procedure": "maternity-benefit", "kep_id": "kep-megisti-1"}
    hold = client.post("/v1/holds", headers=headers, json={**wanted, "start": BOOKED})
    assert hold.status_code == 201, hold.json
    booking = client.post("/v1/bookings", headers=headers, json=booking_answers(hold.json["id"]))
    assert booking.status_code == 201, booking.json
    hold = client.post("/v1/holds", headers=headers,
                       json={**wanted, "start": HELD, "for_booking": booking.json["reference"]})
    assert hold.status_code == 201, hold.json
    # Names the dictionaries know (a reference and a hold id are random otherwise).
    with app.extensions["scheduling"].database.write() as connection:
        connection.execute("UPDATE bookings SET reference=? WHERE reference=?", (REFERENCE, booking.json["reference"]))
        connection.execute("UPDATE holds SET id=?, for_booking=? WHERE id=?", (HOLD_ID, REFERENCE, hold.json["id"]))
    return app


def mounted(app):
    return DispatcherMiddleware(lambda environ, start_response: [], {MOUNT: app})


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def wsgi_app(tmp_path, clock):
    """A fresh service for each test (each operation, when fuzzing), mounted where the contract says."""
    return mounted(seeded_service(tmp_path / "scheduling.sqlite3", clock))


# -- generated requests --------------------------------------------------------------------

@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_the_contract(case, wsgi_app):
    fresh_assertion(case)
    case.call_and_validate(app=wsgi_app, checks=CHECKS)


def fresh_assertion(case):
    """MARIA's assertion, signed now, wherever the generated case carries the one made at import; a staff
    member's likewise, for the staff member whose assertion it carries."""
    if case.headers and "X-Citizen-Assertion" in case.headers:
        case.headers["X-Citizen-Assertion"] = assertion_for(MARIA)
    subject = STAFF_ASSERTIONS.get((case.headers or {}).get("X-Staff-Assertion"))
    if subject is not None:
        case.headers["X-Staff-Assertion"] = staff_assertion_for(subject)


# -- chosen requests ---------------------------------------------------------------------------

def staff_header(subject) -> dict:
    return {"X-Staff-Assertion": staff_assertion_for(subject)}


class Contract:
    """Sends one request through Schemathesis and runs the same checks on the answer."""

    def __init__(self, app):
        self.app = app

    def __call__(self, method, path, *, status, citizen=MARIA, token=None, path_parameters=None, query=None,
                 body=None, headers=None, media_type=None):
        operation = schema[path][method]
        admin = path.startswith("/admin/")
        sent = {"Authorization": f"Bearer {token or (ADMIN if admin else FRONTEND)}", **(headers or {})}
        if citizen and not admin:
            sent["X-Citizen-Assertion"] = assertion_for(citizen)
        extra = {} if body is None else {"body": body, "media_type": media_type or "application/json"}
        case = operation.Case(path_parameters=path_parameters or {}, query=query or {}, headers=sent, **extra)
        response = case.call_and_validate(app=self.app, checks=CHECKS)
        assert response.status_code == status, (method, path, response.status_code, response.text[:500])
        if not response.content:
            return None
        # JSON answers as data; anything else (a document's bytes) as the response itself.
        return response.json() if "json" in str(response.headers.get("content-type", "")) else response


@pytest.fixture
def contract(wsgi_app):
    return Contract(wsgi_app)


def later(clock, minutes):
    return (clock.now + timedelta(minutes=minutes)).astimezone(timezone.utc)


def test_a_booking_through_its_whole_life_keeps_the_contract(contract, clock):
    # Reference data.
    contract("GET", "/municipalities", status=200)
    contract("GET", "/keps", query={"municipality": "chania"}, status=200)
    categories = contract("GET", "/categories", status=200)
    assert {c["id"] for c in categories["categories"]} == {"information", "business", "disability", "municipal"}
    assert contract("GET", "/procedures", query={"category": "municipal", "municipality": "chania"},
                    status=200)["procedures"]
    assert contract("GET", "/procedures", query={"category": "municipal"}, status=422)["code"] == "validation"

    # Availability.
    wanted = {"category": "information", "procedure": "maternity-benefit", "kep": "kep-megisti-1"}
    days = contract("GET", "/availability/days", query={**wanted, "needs": "text_chat", "from": "2026-11-30",
                                                         "to": "2026-12-31"}, status=200)
    assert days["slot_minutes"] == 30 and any(day["free_slots"] for day in days["days"])
    slots = contract("GET", "/availability/slots", query={**wanted, "date": "2026-12-03"}, status=200)["slots"]
    first = contract("GET", "/availability/first", query=wanted, status=200)["slot"]
    assert first["start"] == "2026-11-30T08:00:00Z"  # 10:00 in Athens: two hours' notice
    nothing = contract("GET", "/availability/first",
                       query={**wanted, "kep": "kep-athens-3", "procedure": "disability-travel-pass",
                              "category": "disability", "needs": "sign_language,lip_reading,text_chat,third_person"},
                       status=200)
    assert nothing["slot_minutes"] == 90
    contract("GET", "/availability/slots", query={**wanted, "kep": "atlantis", "date": "2026-12-03"}, status=404)

    # A hold: its needs change, it is extended, it is booked with an Idempotency-Key.
    hold_body = {"category": "information", "procedure": "maternity-benefit", "kep_id": "kep-megisti-1"}
    refused = contract("POST", "/holds", body={**hold_body, "start": slots[0]["start"]}, status=409)
    assert refused["code"] == "not_allowed"  # MARIA's booking REFERENCE is for this procedure
    hold = contract("POST", "/holds", body={**hold_body, "procedure": "child-benefit", "start": slots[0]["start"]},
                    status=201)
    hold = contract("PATCH", "/holds/{hold_id}", path_parameters={"hold_id": hold["id"]},
                    body={"needs": ["text_chat"]}, status=200)
    assert hold["needs"] == ["text_chat"]
    hold = contract("POST", "/holds/{hold_id}/extend", path_parameters={"hold_id": hold["id"]}, status=200)
    contract("GET", "/holds/{hold_id}", path_parameters={"hold_id": hold["id"]}, status=200)
    contract("GET", "/holds/{hold_id}", path_parameters={"hold_id": hold["id"]}, citizen=NIKOS, status=404)
    answers = booking_answers(hold["id"], needs=["text_chat", "third_person"], delivery={"method": "post"},
                              third_person={"name": "Νίκος Παπαδόπουλος", "email": "nikos@example.com"})
    key = {"Idempotency-Key": "lifecycle-1"}
    booking = contract("POST", "/bookings", body=answers, headers=key, status=201)
    assert booking["delivery"]["address"] == booking["contact"]["address"]
    assert contract("POST", "/bookings", body=answers, headers=key, status=201)["reference"] == booking["reference"]
    conflict = contract("POST", "/bookings", body={**answers, "language": "en"}, headers=key, status=422)
    assert conflict["code"] == "idempotency_conflict"
    contract("POST", "/bookings", body={**answers, "delivery": {"method": "pickup"}}, status=404)  # hold is gone
    reference = {"reference": booking["reference"]}
    assert len(contract("GET", "/bookings", status=200)["bookings"]) == 2
    contract("GET", "/bookings/{reference}", path_parameters=reference, status=200)
    contract("GET", "/bookings/{reference}", path_parameters=reference, citizen=NIKOS, status=404)

    # Moved to another time, then cancelled, twice.
    later_slot = slots[-3]["start"]  # 40 minutes (the booking's needs) still fit
    move = contract("POST", "/holds", body={**hold_body, "procedure": "child-benefit", "start": later_slot,
                                            "for_booking": booking["reference"]}, status=201)
    moved = contract("POST", "/bookings/{reference}/reschedule", path_parameters=reference,
                     body={"hold_id": move["id"]}, headers={"Idempotency-Key": "move-1"}, status=200)
    assert moved["start"] == later_slot and moved["sequence"] == 1
    cancelled = contract("POST", "/bookings/{reference}/cancel", path_parameters=reference, status=200)
    assert cancelled["status"] == "cancelled"
    contract("POST", "/bookings/{reference}/cancel", path_parameters=reference, status=200)
    contract("POST", "/bookings/{reference}/reschedule", path_parameters=reference,
             body={"hold_id": "gone"}, status=409)

    # A business and a municipal booking, with what only they may have.
    business = contract("POST", "/holds", body={"category": "business", "procedure": "employer-registration",
                                                "kep_id": "kep-athens-3", "start": "2026-12-02T10:00:00Z"},
                        status=201)
    refused = contract("POST", "/bookings", body=booking_answers(business["id"], delivery={"method": "pickup"}),
                       status=422)
    assert set(refused["errors"]) == {"delivery.method", "business.tax_id", "business.name"}
    booked = contract("POST", "/bookings", body=booking_answers(
        business["id"], business={"tax_id": "EL 090000045", "name": "Ταβέρνα Ο Γιάννης"}, contact_preference="sms",
        language="en"), status=201)
    assert booked["business"] == {"tax_id": "090000045", "name": "Ταβέρνα Ο Γιάννης"}
    municipal = contract("POST", "/holds", body={"category": "municipal", "procedure": "birth-certificate",
                                                 "kep_id": "kep-chania-1", "municipality": "chania",
                                                 "start": "2026-12-03T08:00:00Z"}, status=201)
    contract("POST", "/bookings", body=booking_answers(municipal["id"], delivery={"method": "pickup"}), status=201)

    # A hold runs out after 10 minutes; extended, never past 110 (ten extensions at least).
    short = contract("POST", "/holds", body={**hold_body, "procedure": "child-benefit", "start": slots[1]["start"]},
                     status=201)
    held = {"hold_id": short["id"]}
    for _ in range(12):
        clock.advance(minutes=9)
        short = contract("POST", "/holds/{hold_id}/extend", path_parameters=held, status=200)
    assert short["expires_at"] == later(clock, 2).strftime("%Y-%m-%dT%H:%M:%SZ") and not short["can_extend"]
    assert contract("POST", "/holds/{hold_id}/extend", path_parameters=held, status=409)["code"] == "not_allowed"
    clock.advance(minutes=3)
    assert contract("GET", "/holds/{hold_id}", path_parameters=held, status=410)["code"] == "hold_expired"
    contract("POST", "/holds/{hold_id}/extend", path_parameters=held, status=410)
    contract("PATCH", "/holds/{hold_id}", path_parameters=held, body={"needs": []}, status=410)
    contract("POST", "/bookings", body=booking_answers(short["id"]), status=410)
    contract("DELETE", "/holds/{hold_id}", path_parameters=held, status=204)
    contract("DELETE", "/holds/{hold_id}", path_parameters=held, status=204)

    # Without the citizen, or with the wrong token, nothing answers.
    assert contract("GET", "/bookings", citizen=None, status=401)["code"] == "unauthorized"
    contract("GET", "/bookings", citizen="123456789", status=401)  # wrong check digit
    contract("GET", "/categories", token=ADMIN, status=401)
    contract("GET", "/admin/bookings", token=FRONTEND, status=401)

    # The administrators' routes.
    assert len(contract("GET", "/admin/bookings", query={"from": "2026-11-30", "to": "2026-12-31"},
                        status=200)["bookings"]) == 4
    contract("GET", "/admin/bookings", query={"from": "someday"}, status=422)
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert {"booking.create", "booking.view", "booking.reschedule", "booking.cancel"} <= {e["action"] for e in log}
    kep = {"kep_id": "kep-megisti-1"}
    employees = contract("GET", "/admin/keps/{kep_id}/employees", path_parameters=kep, status=200)["employees"]
    contract("GET", "/admin/keps/{kep_id}/employees", path_parameters={"kep_id": "atlantis"}, status=404)
    period = {"valid_from": "2026-12-01", "valid_to": "2026-12-31", "weekday": 1, "starts": "08:00", "ends": "12:00"}
    contract("PUT", "/admin/employees/{employee_id}/availability", path_parameters={"employee_id": employees[0]["id"]},
             body={"availability": [period, {**period, "weekday": None, "workstation": "B"}]}, status=200)
    employees = contract("GET", "/admin/keps/{kep_id}/employees", path_parameters=kep, status=200)["employees"]
    assert len(employees[0]["availability"]) == 2
    contract("PUT", "/admin/keps/{kep_id}/hours", path_parameters=kep,
             body={"opening_hours": [{"weekday": 0, "opens": "08:00", "closes": "13:00"}]}, status=200)
    new_kep = {"id": "kep-megisti-2", "code": "999", "municipality_id": "megisti", "name_el": "2ο ΚΕΠ Μεγίστης",
               "name_en": "2nd KEP of Megisti", "street_el": "Λιμάνι 1", "street_en": "1 Limani",
               "postcode": "85111", "town_el": "Καστελλόριζο", "town_en": "Kastellorizo", "employees": 2,
               "opening_hours": [{"weekday": day, "opens": "08:00", "closes": "14:00"} for day in range(5)]}
    contract("POST", "/admin/keps", body=new_kep, status=201)
    contract("POST", "/admin/keps", body=new_kep, status=422)  # it exists
    contract("DELETE", "/admin/keps/{kep_id}", path_parameters={"kep_id": "kep-megisti-2"}, status=204)
    contract("DELETE", "/admin/keps/{kep_id}", path_parameters={"kep_id": "atlantis"}, status=404)
    contract("POST", "/admin/closed-days", body={"date": "2026-12-24", "kep_id": "kep-megisti-1", "reason": "Απεργία"},
             status=201)
    contract("POST", "/admin/closed-days", body={"date": "2026-12-31"}, status=201)
    assert len(contract("GET", "/admin/closed-days", status=200)["closed_days"]) == 2
    contract("DELETE", "/admin/closed-days/{day}", path_parameters={"day": "2026-12-24"},
             query={"kep": "kep-megisti-1"}, status=204)


def test_the_cap_on_active_bookings_keeps_the_contract(contract):
    """MARIA has one booking; three more reach the default cap (4), and the fifth hold is refused with the
    documented problem, carrying the number."""
    wanted = {"category": "information", "kep": "kep-megisti-1", "procedure": "child-benefit"}
    slots = contract("GET", "/availability/slots", query={**wanted, "date": "2026-12-03"}, status=200)["slots"]
    body = {"category": "information", "kep_id": "kep-megisti-1"}
    for slot, procedure in zip(slots[:3], ("child-benefit", "minimum-income", "birth-allowance"), strict=True):
        hold = contract("POST", "/holds", body={**body, "procedure": procedure, "start": slot["start"]}, status=201)
        contract("POST", "/bookings", body=booking_answers(hold["id"]), status=201)
    refused = contract("POST", "/holds", body={**body, "procedure": "housing-allowance", "start": slots[3]["start"]},
                       status=409)
    assert refused["code"] == "too_many_active_bookings" and refused["limit"] == 4
    assert contract("GET", "/booking-allowance", status=200) == {"limit": 4, "active": 4, "remaining": 0}
    contract("GET", "/booking-allowance", token="not-the-token", status=401)
    # A new time for one of them is still a hold like any other.
    contract("POST", "/holds", body={**body, "procedure": "maternity-benefit", "start": slots[3]["start"],
                                     "for_booking": REFERENCE}, status=201)


def test_the_staff_routes_keep_the_contract(contract):
    def staff(method, path, subject, status, **extra):
        return contract(method, path, citizen=None, headers=staff_header(subject), status=status, **extra)

    assert staff("GET", "/staff/me", EMPLOYEE, 200)["employee_id"] == "kep-chania-1-e1"
    assert staff("GET", "/staff/me", STAFF_ADMIN, 200)["kep"] is None
    assert staff("POST", "/staff/me/sign-ins", HEAD, 201)["role"] == "head"
    assert staff("GET", "/staff/me", NO_ROLE, 403)["code"] == "forbidden"
    assert staff("POST", "/staff/me/sign-ins", "unknown-subject", 404)["code"] == "not_found"
    contract("GET", "/staff/me", citizen=MARIA, headers=staff_header(EMPLOYEE), status=401)
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert [entry["action"] for entry in log[:3]] == ["staff.refused", "staff.refused", "staff.sign_in"]

    registry = contract("GET", "/admin/staff", status=200)["staff"]
    assert {entry["subject"] for entry in registry} == {EMPLOYEE, HEAD, STAFF_ADMIN, NO_ROLE,
                                                        "a92a950f-9ca5-480b-8db2-b44ed0bad2d5"}
    contract("GET", "/admin/staff/{subject}", path_parameters={"subject": NO_ROLE}, status=200)
    contract("GET", "/admin/staff/{subject}", path_parameters={"subject": "unknown-subject"}, status=404)
    head = {"name": "Μαρία Κ.", "role": "head", "kep_id": "kep-megisti-1"}
    contract("PUT", "/admin/staff/{subject}", path_parameters={"subject": "new-head"}, body=head, status=201)
    contract("PUT", "/admin/staff/{subject}", path_parameters={"subject": "new-head"}, body={**head, "role": None,
                                                                                           "kep_id": None}, status=200)
    contract("PUT", "/admin/staff/{subject}", path_parameters={"subject": "new-head"}, body={"name": "x"}, status=422)



def test_the_staff_calls_keep_the_contract(contract, clock):
    from datetime import datetime

    def staff(method, path, subject, status, **extra):
        return contract(method, path, citizen=None, headers=staff_header(subject), status=status, **extra)

    one = {"reference": REFERENCE}
    calls = staff("GET", "/staff/calls", STAFF_ADMIN, 200, query={"from": BOOKED[:10], "days": 1})["calls"]
    assert [call["reference"] for call in calls] == [REFERENCE]
    staff("GET", "/staff/calls", STAFF_ADMIN, 422, query={"days": 30})
    assert staff("GET", "/staff/calls/{reference}", STAFF_ADMIN, 200, path_parameters=one)["outcome"] is None
    staff("GET", "/staff/calls/{reference}", EMPLOYEE, 404, path_parameters=one)  # another KEP's call
    check = {"document_kind": "identity_card", "document_number": "ΑΚ123456", "shown_on_camera": True,
             "matches_person": True}
    staff("POST", "/staff/calls/{reference}/identity-check", STAFF_ADMIN, 409, path_parameters=one, body=check)
    clock.now = datetime.fromisoformat(BOOKED.replace("Z", "+00:00"))  # the call has started
    recorded = staff("POST", "/staff/calls/{reference}/identity-check", STAFF_ADMIN, 201, path_parameters=one,
                     body=check)
    assert recorded["identity_check"]["passed"] is True
    staff("POST", "/staff/calls/{reference}/outcome", STAFF_ADMIN, 422, path_parameters=one, body={"outcome": "served"})
    served = staff("POST", "/staff/calls/{reference}/outcome", STAFF_ADMIN, 201, path_parameters=one,
                   body={"outcome": "served", "protocol_number": "12/2026"})
    assert served["status"] == "served"
    staff("GET", "/staff/calls/{reference}/result", STAFF_ADMIN, 404, path_parameters=one)
    delivered = staff("POST", "/staff/calls/{reference}/result", STAFF_ADMIN, 201, path_parameters=one,
                      body={"file": b"%PDF-1.7\n"}, media_type="multipart/form-data")
    assert delivered["result"]["state"] == "sending"
    assert staff("GET", "/staff/calls/{reference}/result", STAFF_ADMIN, 200, path_parameters=one).content == \
        b"%PDF-1.7\n"
    assert contract("GET", "/bookings/{reference}", path_parameters=one, status=200)["status"] == "served"

def test_the_operators_routes_keep_the_contract(contract):
    """Closed days, a KEP's hours, an employee's availability and absences, the interpreters: each operation
    for a head of Chania and for the administrator, with what it refuses."""
    def staff(method, path, subject, status, **extra):
        return contract(method, path, citizen=None, headers=staff_header(subject), status=status, **extra)

    megisti = {"kep_id": "kep-megisti-1"}  # MARIA's booking REFERENCE is there, Tuesday 1 December 09:00
    day = {"date": BOOKED[:10]}
    impact = staff("GET", "/staff/closed-days/impact", STAFF_ADMIN, 200, query={**day, **megisti})
    assert [item["reference"] for item in impact["bookings"]] == [REFERENCE]
    staff("GET", "/staff/closed-days/impact", HEAD, 404, query={**day, **megisti})  # not the head's KEP
    staff("GET", "/staff/closed-days/impact", HEAD, 200, query=day)  # the head's own KEP
    staff("GET", "/staff/closed-days/impact", STAFF_ADMIN, 422, query={"date": "2026-11-27"})
    staff("GET", "/staff/closed-days", EMPLOYEE, 404)
    closed = staff("POST", "/staff/closed-days", STAFF_ADMIN, 201, body={**day, **megisti, "reason": "Απεργία"})
    assert [(item["reference"], item["outcome"]) for item in closed["bookings"]] == [(REFERENCE, "moved")]
    staff("POST", "/staff/closed-days", HEAD, 201, body={"date": "2026-12-03"})
    staff("POST", "/staff/closed-days", HEAD, 404, body={"date": "2026-12-03", **megisti})
    staff("POST", "/staff/closed-days", HEAD, 422, body={"date": "someday"})
    assert len(staff("GET", "/staff/closed-days", STAFF_ADMIN, 200)["closed_days"]) == 2
    assert len(staff("GET", "/staff/closed-days", HEAD, 200)["closed_days"]) == 1
    staff("DELETE", "/staff/closed-days/{day}", STAFF_ADMIN, 204, path_parameters={"day": BOOKED[:10]},
          query=megisti)
    staff("DELETE", "/staff/closed-days/{day}", HEAD, 204, path_parameters={"day": "2026-12-03"})
    staff("DELETE", "/staff/closed-days/{day}", HEAD, 404, path_parameters={"day": "2026-12-03"}, query=megisti)
    staff("DELETE", "/staff/closed-days/{day}", HEAD, 422, path_parameters={"day": "someday"})

    chania = {"kep_id": "kep-chania-1"}
    kep = staff("GET", "/staff/keps/{kep_id}", HEAD, 200, path_parameters=chania)
    assert kep["employees"][0]["name"] == "Ελένη Μαρκάκη"
    staff("GET", "/staff/keps/{kep_id}", HEAD, 404, path_parameters=megisti)
    hours = {"opening_hours": [{"weekday": day, "opens": "09:00", "closes": "14:00"} for day in range(5)]}
    assert staff("POST", "/staff/keps/{kep_id}/hours/impact", HEAD, 200, path_parameters=chania,
                 body=hours)["bookings"] == []
    staff("POST", "/staff/keps/{kep_id}/hours/impact", HEAD, 422, path_parameters=chania,
          body={"opening_hours": [{"weekday": 9}]})
    changed = staff("PUT", "/staff/keps/{kep_id}/hours", STAFF_ADMIN, 200, path_parameters=megisti, body=hours)
    assert changed["kep"]["opening_hours"] == hours["opening_hours"]
    staff("PUT", "/staff/keps/{kep_id}/hours", EMPLOYEE, 404, path_parameters=chania, body=hours)

    employee = {"employee_id": "kep-chania-1-e1"}
    period = {"valid_from": "2026-12-01", "valid_to": "2026-12-31", "weekday": None, "starts": "08:00",
              "ends": "12:00", "workstation": "2"}
    staff("POST", "/staff/employees/{employee_id}/availability/impact", HEAD, 200, path_parameters=employee,
          body={"availability": [period]})
    availability = staff("PUT", "/staff/employees/{employee_id}/availability", HEAD, 200, path_parameters=employee,
                         body={"availability": [period]})
    assert availability["employee"]["availability"] == [period]
    staff("PUT", "/staff/employees/{employee_id}/availability", HEAD, 404,
          path_parameters={"employee_id": "kep-megisti-1-e1"}, body={"availability": []})
    staff("PUT", "/staff/employees/{employee_id}/availability", HEAD, 422, path_parameters=employee,
          body={"availability": [{**period, "ends": "07:00"}]})
    absence = {"first_day": "2026-12-07", "last_day": "2026-12-11", "reason": "Άδεια"}
    staff("POST", "/staff/employees/{employee_id}/absences/impact", HEAD, 200, path_parameters=employee, body=absence)
    staff("POST", "/staff/employees/{employee_id}/absences/impact", HEAD, 422, path_parameters=employee,
          body={**absence, "last_day": "2026-12-01"})
    recorded = staff("POST", "/staff/employees/{employee_id}/absences", HEAD, 201, path_parameters=employee,
                     body=absence)
    staff("POST", "/staff/employees/{employee_id}/absences", HEAD, 422, path_parameters=employee,
          body={"first_day": "2026-12-07"})
    one = {**employee, "absence_id": recorded["absence"]["id"]}
    staff("DELETE", "/staff/employees/{employee_id}/absences/{absence_id}", HEAD, 204, path_parameters=one)
    staff("DELETE", "/staff/employees/{employee_id}/absences/{absence_id}", HEAD, 404, path_parameters=one)

    interpreters = staff("GET", "/staff/interpreters", STAFF_ADMIN, 200)["interpreters"]
    staff("GET", "/staff/interpreters", HEAD, 404)
    interpreter = {"interpreter_id": interpreters[0]["id"]}
    staff("GET", "/staff/interpreters/{interpreter_id}", STAFF_ADMIN, 200, path_parameters=interpreter)
    staff("GET", "/staff/interpreters/{interpreter_id}", STAFF_ADMIN, 404, path_parameters={"interpreter_id": "x"})
    staff("PUT", "/staff/interpreters/{interpreter_id}/hours", STAFF_ADMIN, 200, path_parameters=interpreter,
          body={"hours": [{"weekday": 0, "starts": "08:00", "ends": "14:30"}]})
    staff("PUT", "/staff/interpreters/{interpreter_id}/hours", STAFF_ADMIN, 422, path_parameters=interpreter,
          body={"hours": [{"weekday": 0, "starts": "14:00", "ends": "08:00"}]})
    staff("POST", "/staff/interpreters/{interpreter_id}/closed-days", STAFF_ADMIN, 201, path_parameters=interpreter,
          body={"date": "2026-12-24", "reason": "Άδεια"})
    staff("POST", "/staff/interpreters/{interpreter_id}/closed-days", HEAD, 404, path_parameters=interpreter,
          body={"date": "2026-12-24"})
    staff("DELETE", "/staff/interpreters/{interpreter_id}/closed-days/{day}", STAFF_ADMIN, 204,
          path_parameters={**interpreter, "day": "2026-12-24"})
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert {"staff.close_day", "staff.booking_moved", "staff.reopen_day", "staff.kep_hours", "staff.absence",
            "staff.interpreter_close_day", "staff.denied"} <= {entry["action"] for entry in log}


HOLD = {"category": "information", "procedure": "child-benefit", "kep_id": "kep-megisti-1"}


@pytest.mark.parametrize("method, path, request_, status", [
    # 500s (OverflowError, TypeError, sqlite3.ProgrammingError) before the fixes.
    ("GET", "/availability/days", {"query": {"category": "information", "procedure": "maternity-benefit",
                                             "from": "9999-12-30"}}, 200),
    ("GET", "/admin/bookings", {"query": {"to": "9999-12-31"}}, 422),
    ("POST", "/holds", {"body": {**HOLD, "start": "9999-12-31T23:00:00Z"}}, 422),
    ("POST", "/holds", {"body": {**HOLD, "start": "0001-01-01T00:00:00+14:00"}}, 422),
    ("POST", "/holds", {"body": {**HOLD, "start": "2026-12-03T09:00:00Z", "for_booking": {"reference": 1}}}, 422),
    ("POST", "/holds", {"body": {**HOLD, "start": "2026-12-03T09:00:00Z", "category": ["information"]}}, 422),
    ("POST", "/holds", {"body": {**HOLD, "start": "2026-12-03T09:00:00Z", "needs": [{}]}}, 422),
    ("POST", "/holds", {"body": b"[" * 100_000, "media_type": "application/json"}, 422),
    ("POST", "/admin/closed-days", {"body": {"date": "2026-12-24", "kep_id": ["kep-megisti-1"]}}, 422),
    ("GET", "/admin/closed-days/impact", {"query": {"date": "9999-12-31"}}, 200),  # the calendar's last day
    ("POST", "/admin/closed-days", {"body": {"date": "9999-12-31"}}, 201),
    # Accepted, then answered against the contract, before the fixes.
    ("PUT", "/admin/keps/{kep_id}/hours", {"path_parameters": {"kep_id": "kep-megisti-1"}, "body": {
        "opening_hours": [{"weekday": 0, "opens": "08:00\n", "closes": "14:00"}]}}, 422),
    ("PUT", "/admin/keps/{kep_id}/hours", {"path_parameters": {"kep_id": "kep-megisti-1"}, "body": {
        "opening_hours": [{"weekday": 0, "opens": "0\u0668:00", "closes": "14:00"}]}}, 422),
    ("PUT", "/admin/employees/{employee_id}/availability", {"path_parameters": {"employee_id": "kep-megisti-1-e1"},
     "body": {"availability": [{"valid_from": "2026-12-01", "valid_to": "2026-12-31", "starts": "08:00",
                                "ends": "12:00\n"}]}}, 422),
    ("POST", "/admin/keps", {"body": {"id": "KEP Megisti 2", "code": "998", "municipality_id": "megisti",
                                      "name_el": "α", "name_en": "a", "street_el": "β", "street_en": "b",
                                      "postcode": "\u0668\u0665\u0661\u0661\u0661", "town_el": "γ", "town_en": "c"}},
     422),
], ids=["days-from-9999", "admin-to-9999", "hold-9999", "hold-0001", "for-booking-object", "category-list",
        "needs-object", "deep-json", "closed-kep-list", "impact-9999", "close-9999", "hours-newline",
        "hours-arabic-digit", "period-newline", "kep-id-and-postcode"])
def test_edge_values_are_refused_with_a_documented_problem(contract, method, path, request_, status):
    contract(method, path, status=status, **request_)


@pytest.mark.parametrize("contact", [
    {"postcode": "\u0661\u0660\u0665\u0666\u0663"},  # Arabic-Indic digits: \d took them
    {"phone": "69\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"},
])
def test_a_booking_with_other_scripts_digits_is_refused(contract, contact):
    hold = contract("POST", "/holds", body={**HOLD, "start": "2026-12-03T09:00:00Z"}, status=201)
    answers = booking_answers(hold["id"])
    if "postcode" in contact:
        answers["contact"]["address"]["postcode"] = contact["postcode"]
    else:
        answers["contact"]["phone"] = contact["phone"]
    contract("POST", "/bookings", body=answers, status=422)


def test_the_staff_statistics_keep_the_contract(contract, clock):
    from datetime import datetime

    def statistics(subject, status, **query):
        return contract("GET", "/staff/statistics", citizen=None, headers=staff_header(subject),
                        query=query, status=status)

    period = {"from": BOOKED[:10], "to": BOOKED[:10]}
    answer = statistics(STAFF_ADMIN, 200, **period)
    megisti = next(kep for kep in answer["keps"] if kep["kep"]["id"] == "kep-megisti-1")
    assert megisti["categories"][0]["awaiting_outcome"] == 1 and megisti["first_free"]["wait_days"] >= 0
    assert statistics(HEAD, 200, **period)["keps"][0]["kep"]["id"] == "kep-chania-1"
    assert statistics(HEAD, 200)["total"]["average_days_to_appointment"] is None  # the default period: nothing
    assert statistics(EMPLOYEE, 404, **period)["code"] == "not_found"
    assert statistics(NO_ROLE, 403, **period)["code"] == "forbidden"
    statistics("unknown-subject", 404)
    assert set(statistics(STAFF_ADMIN, 422, **{"from": "2026-12-02", "to": "2026-12-01"})["errors"]) == {"to"}
    statistics(STAFF_ADMIN, 422, **{"from": "9999-12-31"})
    contract("GET", "/staff/statistics", citizen=MARIA, headers=staff_header(HEAD), status=401)

    # The booking served: its row counts it so, with the wait from booking to appointment.
    clock.now = datetime.fromisoformat(BOOKED.replace("Z", "+00:00"))
    one = {"reference": REFERENCE}
    contract("POST", "/staff/calls/{reference}/identity-check", citizen=None, path_parameters=one,
             headers=staff_header(STAFF_ADMIN), status=201,
             body={"document_kind": "identity_card", "document_number": "ΑΚ123456", "shown_on_camera": True,
                   "matches_person": True})
    contract("POST", "/staff/calls/{reference}/outcome", citizen=None, path_parameters=one,
             headers=staff_header(STAFF_ADMIN), status=201, body={"outcome": "served", "protocol_number": "1"})
    row = next(kep for kep in statistics(STAFF_ADMIN, 200, **period)["keps"]
               if kep["kep"]["id"] == "kep-megisti-1")["categories"][0]
    assert row["served"] == 1 and row["average_days_to_appointment"] == 1.0  # 30 Nov 08:00 to 1 Dec 09:00
