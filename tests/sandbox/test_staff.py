"""The KEP staff in the reference service: the registry and its roles (`/staff/me`), what each role may
see (the helpers later staff routes use), the administrators' routes, and the access log's staff entries
and secret key (article 7.2)."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from sandbox.scheduling.db import Database
from sandbox.scheduling.problems import Problem
from sandbox.scheduling.staff import (
    StaffMember,
    may_see_booking,
    staff_member,
    visible_booking,
    visible_bookings_condition,
)
from sandbox.staff_idp import ACCOUNTS_BY_NAME
from tests.sandbox.conftest import ADMIN, FRONTEND, MARIA, NIKOS, assertion_for, athens, staff_assertion_for

SUBJECT = {username: account.sub for username, account in ACCOUNTS_BY_NAME.items()}


def me(api, subject, method="GET", **headers):
    """`/staff/me` as the frontend asks it: its token and its signed assertion of `subject` (none for None)."""
    sent = {"Authorization": f"Bearer {FRONTEND}", **headers}
    if subject is not None:
        sent["X-Staff-Assertion"] = staff_assertion_for(subject)
    path = "/v1/staff/me" if method == "GET" else "/v1/staff/me/sign-ins"
    return api.client.open(path, method=method, headers=sent)


def access_log(api) -> list[dict]:
    return api.get("/admin/access-log", admin=True).json["entries"]


def book(api, kep, day=1, hour=9, citizen=MARIA, procedure="maternity-benefit") -> dict:
    hold = api.hold(athens(2026, 12, day, hour), kep=kep, procedure=procedure, citizen=citizen)
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], citizen=citizen)
    assert booking.status_code == 201, booking.json
    return booking.json


def row_of(service, reference):
    return service.extensions["scheduling"].database.read().execute(
        "SELECT * FROM bookings WHERE reference=?", (reference,)).fetchone()


# -- who is signed in -------------------------------------------------------------------------------


@pytest.mark.parametrize("username, role, kep, employee", [
    ("chania-employee", "employee", "kep-chania-1", "kep-chania-1-e1"),
    ("chania-head", "head", "kep-chania-1", None),
    ("rhodes-employee", "employee", "kep-rhodes-1", "kep-rhodes-1-e1"),
    ("ministry-admin", "admin", None, None),
])
def test_staff_me_says_who_the_staff_member_is(api, username, role, kep, employee):
    answer = me(api, SUBJECT[username])
    assert answer.status_code == 200
    assert answer.json["subject"] == SUBJECT[username] and answer.json["name"] == ACCOUNTS_BY_NAME[username].name
    assert answer.json["role"] == role and answer.json["employee_id"] == employee
    assert (answer.json["kep"] or {}).get("id") == kep
    if kep:
        assert set(answer.json["kep"]["name"]) == {"el", "en"}


def test_an_unknown_subject_is_404_and_one_without_a_role_403(api):
    unknown = me(api, "somebody-the-registry-does-not-know")
    assert unknown.status_code == 404 and unknown.json["code"] == "not_found"
    no_role = me(api, SUBJECT["no-role"])
    assert no_role.status_code == 403 and no_role.json["code"] == "forbidden"
    refused = [entry for entry in access_log(api) if entry["action"] == "staff.refused"]
    assert {entry["staff"]["subject"] for entry in refused} == {"somebody-the-registry-does-not-know",
                                                               SUBJECT["no-role"]}
    assert all(entry["staff"]["role"] is None and entry["actor"] is None for entry in refused)


@pytest.mark.parametrize("subject", [None, "", " padded ", "a" * 256, "bad\x00subject"],
                         ids=["missing", "empty", "padded", "too-long", "control"])
def test_without_a_valid_staff_header_the_answer_is_401(api, subject):
    answer = me(api, subject)
    assert answer.status_code == 401 and answer.json["code"] == "unauthorized"


# -- the staff member only on the frontend's signed assertion (issue 16) ----------------------------


def test_a_bare_subject_header_acts_for_nobody(api):
    """The bearer token with a subject named in clear, as the frontend once sent it: anyone holding the token
    could have acted as any employee, head or administrator."""
    forged = me(api, None, **{"X-Staff-Subject": SUBJECT["ministry-admin"]})
    assert forged.status_code == 401 and forged.json["code"] == "unauthorized"
    assert me(api, SUBJECT["ministry-admin"]).status_code == 200


@pytest.mark.parametrize("assertion", [
    pytest.param(lambda s: staff_assertion_for(s, iat=int(time.time()) - 120, exp=int(time.time()) - 30),
                 id="expired"),
    pytest.param(lambda s: staff_assertion_for(s, aud="another-api"), id="other audience"),
    pytest.param(lambda s: staff_assertion_for(s, iss="somebody"), id="other issuer"),
    pytest.param(lambda s: staff_assertion_for(s, key="another-key-of-somebody-else-entirely-0123"), id="other key"),
    pytest.param(lambda s: staff_assertion_for(s, exp=int(time.time()) + 3600), id="too long-lived"),
    pytest.param(lambda s: staff_assertion_for(s).rsplit(".", 1)[0] + ".", id="unsigned"),
    pytest.param(lambda s: assertion_for(s), id="a citizen's assertion"),
    pytest.param(lambda s: assertion_for(s, typ="JWT"), id="untyped"),
])
def test_an_assertion_that_does_not_prove_the_staff_member_is_refused(api, assertion):
    answer = api.client.get("/v1/staff/me", headers={"Authorization": f"Bearer {FRONTEND}",
                                                     "X-Staff-Assertion": assertion(SUBJECT["ministry-admin"])})
    assert answer.status_code == 401 and answer.json["code"] == "unauthorized"


def test_a_citizens_assertion_never_acts_as_staff_nor_a_staff_assertion_as_a_citizen(api):
    booking = book(api, "kep-chania-1")
    path = f"/v1/bookings/{booking['reference']}"
    token = {"Authorization": f"Bearer {FRONTEND}"}
    assert api.client.get(path, headers={**token, "X-Citizen-Assertion": assertion_for(MARIA)}).status_code == 200
    # A staff member's assertion, in the citizen's header or its own, reads no citizen's booking.
    for headers in ({"X-Citizen-Assertion": staff_assertion_for(MARIA)},
                    {"X-Staff-Assertion": staff_assertion_for(SUBJECT["ministry-admin"])},
                    {"X-Citizen-Assertion": assertion_for(MARIA),
                     "X-Staff-Assertion": staff_assertion_for(SUBJECT["ministry-admin"])}):
        answer = api.client.get(path, headers={**token, **headers})
        assert answer.status_code == 401 and answer.json["code"] == "unauthorized", headers
    # A citizen's assertion, in the staff header, is nobody on a staff route.
    answer = api.client.get(f"/v1/staff/calls/{booking['reference']}",
                            headers={**token, "X-Staff-Assertion": assertion_for(SUBJECT["ministry-admin"])})
    assert answer.status_code == 401 and answer.json["code"] == "unauthorized"


def test_a_staff_route_never_acts_for_a_citizen_too(api):
    answer = me(api, SUBJECT["ministry-admin"], **{"X-Citizen-Assertion": assertion_for(MARIA)})
    assert answer.status_code == 401


def test_the_staff_routes_need_the_frontends_token(api):
    answer = me(api, SUBJECT["ministry-admin"], Authorization=f"Bearer {ADMIN}")
    assert answer.status_code == 401


def test_a_sign_in_is_logged_with_the_subject_and_role(api, clock):
    answer = me(api, SUBJECT["chania-head"], method="POST")
    assert answer.status_code == 201 and answer.json["role"] == "head"
    entry = access_log(api)[0]
    assert entry == {"at": "2026-11-30T06:00:00Z", "actor": None, "action": "staff.sign_in",
                     "booking_reference": None, "staff": {"subject": SUBJECT["chania-head"], "role": "head"}}


def test_looking_is_not_logged_but_a_refused_sign_in_is(api):
    assert me(api, SUBJECT["chania-employee"]).status_code == 200
    assert access_log(api) == []
    assert me(api, SUBJECT["no-role"], method="POST").status_code == 403
    assert [entry["action"] for entry in access_log(api)] == ["staff.refused"]


# -- what each role may see ----------------------------------------------------------------------


@pytest.fixture
def bookings(api, service):
    """A booking given to Chania's employee e1, another of Chania given to a colleague, one of Rhodes."""
    database = service.extensions["scheduling"].database
    mine = book(api, "kep-chania-1", hour=9)
    colleagues = book(api, "kep-chania-1", hour=10, citizen=NIKOS)
    rhodes = book(api, "kep-rhodes-1", hour=11, procedure="child-benefit")
    with database.write() as connection:  # who serves a call is the service's choice: fixed here
        connection.execute("UPDATE bookings SET employee_id='kep-chania-1-e1' WHERE reference=?", (mine["reference"],))
        connection.execute("UPDATE bookings SET employee_id='kep-chania-1-e2' WHERE reference=?",
                           (colleagues["reference"],))
    return {"mine": mine["reference"], "colleagues": colleagues["reference"], "rhodes": rhodes["reference"]}


def seeded(service, username) -> StaffMember:
    return staff_member(service.extensions["scheduling"].database.read(), SUBJECT[username])


@pytest.mark.parametrize("username, sees", [
    ("chania-employee", {"mine"}),
    ("chania-head", {"mine", "colleagues"}),
    ("rhodes-employee", {"rhodes"}),
    ("ministry-admin", {"mine", "colleagues", "rhodes"}),
])
def test_each_role_sees_what_it_may(service, bookings, username, sees):
    staff = seeded(service, username)
    seen = {name for name, reference in bookings.items() if may_see_booking(staff, row_of(service, reference))}
    assert seen == sees
    connection = service.extensions["scheduling"].database.read()
    condition, parameters = visible_bookings_condition(staff)
    listed = {row["reference"] for row in connection.execute(
        f"SELECT reference FROM bookings WHERE {condition}", parameters)}
    assert listed == {bookings[name] for name in sees}


@pytest.mark.parametrize("username, name", [("chania-employee", "rhodes"), ("rhodes-employee", "mine"),
                                            ("chania-head", "rhodes"), ("chania-employee", "colleagues")],
                         ids=["employee-other-kep", "other-kep-employee", "head-other-kep", "colleagues-booking"])
def test_a_booking_not_theirs_is_404_as_if_it_did_not_exist(api, service, bookings, username, name):
    scheduling = service.extensions["scheduling"]
    staff = seeded(service, username)
    with pytest.raises(Problem) as refused:
        visible_booking(scheduling.database.read(), staff, bookings[name])
    assert refused.value.status == 404 and refused.value.code == "not_found"
    with pytest.raises(Problem) as missing:
        visible_booking(scheduling.database.read(), staff, "KEP-NONE-XIST")
    assert missing.value.body() == refused.value.body()  # the same answer, word for word
    # The refusal names the staff member and the booking, for the log (service.py writes it after the rollback).
    assert refused.value.staff_audit == (staff.subject, staff.role, "staff.booking_denied", bookings[name])
    assert missing.value.staff_audit[3] is None


def test_a_booking_they_may_see_is_its_row(service, bookings):
    row = visible_booking(service.extensions["scheduling"].database.read(), seeded(service, "chania-head"),
                          bookings["colleagues"])
    assert row["reference"] == bookings["colleagues"] and row["kep_id"] == "kep-chania-1"


def test_a_role_the_helpers_do_not_know_sees_nothing(service, bookings):
    stranger = StaffMember(subject="x", name="x", role="visitor", kep_id="kep-chania-1", employee_id=None)
    assert not any(may_see_booking(stranger, row_of(service, reference)) for reference in bookings.values())
    assert visible_bookings_condition(stranger) == ("0=1", [])


# -- the access log ---------------------------------------------------------------------------------


def test_staff_actions_are_logged_with_subject_role_action_booking_and_time(api, service, bookings, clock):
    scheduling = service.extensions["scheduling"]
    staff = seeded(service, "chania-employee")
    clock.advance(minutes=5)
    with scheduling.database.write() as connection:
        scheduling.log_staff_action(connection, staff, "staff.booking_view", bookings["mine"])
    entry = access_log(api)[0]
    assert entry == {"at": "2026-11-30T06:05:00Z", "actor": None, "action": "staff.booking_view",
                     "booking_reference": bookings["mine"],
                     "staff": {"subject": SUBJECT["chania-employee"], "role": "employee"}}
    # The citizen's own entries still name them only by the keyed hash.
    citizen_entries = [entry for entry in access_log(api) if entry["staff"] is None]
    assert citizen_entries and all(len(entry["actor"]) == 16 and MARIA not in json.dumps(entry)
                                   for entry in citizen_entries)


def test_a_staff_action_must_say_it_is_one(service):
    scheduling = service.extensions["scheduling"]
    with pytest.raises(ValueError), scheduling.database.write() as connection:
        scheduling.log_staff_action(connection, seeded(service, "ministry-admin"), "booking.view", None)


def test_an_access_log_from_before_staff_gets_their_columns(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE access_log (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,"
                    " action TEXT NOT NULL, booking_reference TEXT)")
        old.execute("INSERT INTO access_log (at, actor, action) VALUES (1, '0123456789abcdef', 'booking.view')")
    connection = Database(path).read()
    columns = {row["name"] for row in connection.execute("PRAGMA table_info(access_log)")}
    assert {"staff_subject", "staff_role"} <= columns
    assert connection.execute("SELECT actor, staff_subject FROM access_log").fetchone()[:] == (
        "0123456789abcdef", None)
    assert connection.execute("SELECT COUNT(*) FROM staff").fetchone()[0] == 5


# -- administrators manage the registry --------------------------------------------------------------


def admin_put(api, subject, body):
    return api.client.put(f"/v1/admin/staff/{subject}", json=body, headers={"Authorization": f"Bearer {ADMIN}"})


def test_administrators_see_the_registry_those_without_a_role_too(api):
    staff = api.get("/admin/staff", admin=True).json["staff"]
    assert {entry["subject"] for entry in staff} == set(SUBJECT.values())
    assert api.get(f"/admin/staff/{SUBJECT['no-role']}", admin=True).json["role"] is None
    assert api.get("/admin/staff/nobody", admin=True).status_code == 404
    assert api.get("/admin/staff", citizen=None).status_code == 401  # the frontend's token is not enough


def test_an_administrator_gives_and_withdraws_a_role(api, clock):
    made = admin_put(api, "new-employee", {"name": "Άννα Δημητρίου", "role": "employee", "kep_id": "kep-rhodes-1",
                                           "employee_id": "kep-rhodes-1-e2"})
    assert made.status_code == 201 and made.json["updated"] == "2026-11-30T06:00:00Z"
    assert me(api, "new-employee").json["employee_id"] == "kep-rhodes-1-e2"
    withdrawn = admin_put(api, "new-employee", {"name": "Άννα Δημητρίου", "role": None})
    assert withdrawn.status_code == 200 and withdrawn.json["kep"] is None
    assert me(api, "new-employee").status_code == 403  # at once, at the next page


@pytest.mark.parametrize("body, fields", [
    ({"name": "Χ", "role": "employee", "kep_id": "kep-chania-1"}, {"employee_id"}),
    ({"name": "Χ", "role": "head"}, {"kep_id"}),
    ({"name": "Χ", "role": "admin", "kep_id": "kep-chania-1"}, {"kep_id"}),
    ({"name": "Χ", "role": "head", "kep_id": "kep-chania-1", "employee_id": "kep-chania-1-e1"}, {"employee_id"}),
    ({"name": "", "role": "boss"}, {"name", "role"}),
    ({"name": "Χ", "role": "employee", "kep_id": "kep-chania-1", "employee_id": "kep-rhodes-1-e1"},
     {"employee_id"}),
    ({"name": "Χ", "role": "head", "kep_id": "atlantis"}, {"kep_id"}),
], ids=["employee-without-id", "head-without-kep", "admin-with-kep", "head-with-employee", "name-and-role",
        "employee-of-another-kep", "unknown-kep"])
def test_an_entry_that_does_not_fit_its_role_is_refused(api, body, fields):
    refused = admin_put(api, "someone", body)
    assert refused.status_code == 422 and set(refused.json["errors"]) == fields
    assert api.get("/admin/staff/someone", admin=True).status_code == 404


def test_the_database_refuses_an_entry_that_does_not_fit_its_role(service):
    with pytest.raises(sqlite3.IntegrityError), service.extensions["scheduling"].database.write() as connection:
        connection.execute("INSERT INTO staff (subject, name, role, kep_id, employee_id, updated)"
                           " VALUES ('x', 'x', 'admin', 'kep-chania-1', NULL, 0)")


# -- the sample registry and the sign-in stand-in agree ------------------------------------------------


def test_every_test_account_of_the_sign_in_is_in_the_registry_as_its_case_says(service):
    connection = service.extensions["scheduling"].database.read()
    rows = {row["subject"]: row for row in connection.execute("SELECT * FROM staff")}
    assert set(rows) == set(SUBJECT.values())
    for username, subject in SUBJECT.items():
        assert rows[subject]["name"] == ACCOUNTS_BY_NAME[username].name
        if rows[subject]["employee_id"]:
            assert connection.execute("SELECT 1 FROM employees WHERE id=? AND kep_id=?",
                                      (rows[subject]["employee_id"], rows[subject]["kep_id"])).fetchone()
    assert rows[SUBJECT["no-role"]]["role"] is None
    assert {rows[SUBJECT[name]]["kep_id"] for name in ("chania-employee", "chania-head")} == {"kep-chania-1"}
