"""The operators' staff routes in the reference service: closed days, a KEP's hours, an employee's availability
and absences, and the interpreters, acting for the signed-in staff member. A head acts on their own KEP only
(another KEP's answers 404), an administrator on every KEP and on the interpreters, an employee on none; a change
that takes time away from bookings is shown first, then settles each booking (closures.py) and tells its citizen;
every change and every booking moved or cancelled is in the access log."""

from __future__ import annotations

import pytest

from sandbox.scheduling import closures
from sandbox.scheduling.mailer import deliver_pending
from tests.sandbox.conftest import FRONTEND, NIKOS
from tests.sandbox.test_staff import SUBJECT, access_log, book, row_of
from tests.sandbox.test_staff_calls import as_staff

TUESDAY = "2026-12-01"
WEEKDAYS = [{"weekday": day, "opens": "07:30", "closes": "15:00"} for day in range(5)]


def scheduling_of(service):
    return service.extensions["scheduling"]


def confirmed_on(service, day, kep):
    from datetime import date

    connection = scheduling_of(service).database.read()
    return [row["reference"] for row in closures.affected(connection, date.fromisoformat(day), kep)]


def queued_mail(service, reference):
    return [row["kind"] for row in scheduling_of(service).database.read().execute(
        "SELECT q.kind FROM mail_queue q JOIN bookings b ON b.id = q.booking_id WHERE b.reference=? AND"
        " q.channel='email' ORDER BY q.id", (reference,))]


@pytest.fixture
def chania(api):
    """Two bookings at the Chania KEP on Tuesday 1 December (09:00 by email, 10:00 by email and text)."""
    first = book(api, "kep-chania-1", hour=9)
    second = book(api, "kep-chania-1", hour=10, citizen=NIKOS, procedure="child-benefit")
    return first["reference"], second["reference"]


# -- closed days ---------------------------------------------------------------------------------------------

def test_a_head_closes_a_day_of_their_kep_and_each_booking_is_settled_and_its_citizen_told(
        api, service, chania, outbox, settings):
    settings.smtp_port = outbox.port
    impact = as_staff(api, "chania-head", "GET", f"/closed-days/impact?date={TUESDAY}")
    assert impact.status_code == 200, impact.json
    assert impact.json["kep"]["id"] == "kep-chania-1"
    assert [item["reference"] for item in impact.json["bookings"]] == list(chania)
    assert impact.json["bookings"][0]["citizen"]["name"] == "Μαρία Παπαδοπούλου"
    assert impact.json["bookings"][0]["procedure"]["id"] == "maternity-benefit"
    assert confirmed_on(service, TUESDAY, "kep-chania-1") == list(chania)  # a preview changes nothing

    closed = as_staff(api, "chania-head", "POST", "/closed-days", json={"date": TUESDAY, "reason": "Απεργία"})
    assert closed.status_code == 201, closed.json
    assert {item["reference"]: item["outcome"] for item in closed.json["bookings"]} == dict.fromkeys(chania, "moved")
    moved = closed.json["bookings"][0]["moved_to"]
    assert moved["start"] > "2026-12-01T22:00:00Z" and moved["kep"]["id"] == "kep-chania-1"
    assert confirmed_on(service, TUESDAY, "kep-chania-1") == []  # none left on the closed day

    deliver_pending(scheduling_of(service))
    subjects = [message["subject"] for message in outbox.messages()]
    assert all(any("ΚΕΠ μετέφερε" in subject and reference in subject for subject in subjects)
               for reference in chania)
    actions = [(entry["action"], entry["booking_reference"]) for entry in access_log(api)
               if entry["staff"] and entry["staff"]["subject"] == SUBJECT["chania-head"]]
    assert ("staff.close_day", None) in actions and ("staff.closure_preview", None) in actions
    assert {("staff.booking_moved", reference) for reference in chania} <= set(actions)

    listed = as_staff(api, "chania-head", "GET", "/closed-days").json["closed_days"]
    assert listed == [{"date": TUESDAY, "kep": closed.json["kep"], "reason": "Απεργία"}]
    assert as_staff(api, "chania-head", "DELETE", f"/closed-days/{TUESDAY}").status_code == 204
    assert as_staff(api, "chania-head", "GET", "/closed-days").json["closed_days"] == []
    assert confirmed_on(service, TUESDAY, "kep-chania-1") == []  # reopened, the moved bookings stay moved


def test_without_an_equivalent_time_the_booking_is_cancelled(api, service, chania, settings):
    settings.horizon_days = 1
    closed = as_staff(api, "chania-head", "POST", "/closed-days", json={"date": TUESDAY})
    assert [item["outcome"] for item in closed.json["bookings"]] == ["cancelled", "cancelled"]
    assert all(item["moved_to"] is None for item in closed.json["bookings"])
    assert queued_mail(service, chania[0])[-1] == "cancelled_by_kep"
    assert closed.json["bookings"][1]["texted"] is False


def test_a_head_cannot_close_or_reopen_another_keps_day_nor_every_keps(api, service, chania):
    rhodes = book(api, "kep-rhodes-1", hour=11, procedure="child-benefit")["reference"]
    refused = as_staff(api, "chania-head", "POST", "/closed-days", json={"date": TUESDAY, "kep_id": "kep-rhodes-1"})
    assert refused.status_code == 404
    assert as_staff(api, "chania-head", "GET",
                    f"/closed-days/impact?date={TUESDAY}&kep_id=kep-rhodes-1").status_code == 404
    assert confirmed_on(service, TUESDAY, "kep-rhodes-1") == [rhodes]
    assert any(entry["action"] == "staff.denied" for entry in access_log(api))

    # The administrator closes the day for every KEP; the head sees it, and may not reopen it.
    everywhere = as_staff(api, "ministry-admin", "POST", "/closed-days", json={"date": TUESDAY})
    assert everywhere.status_code == 201 and everywhere.json["kep"] is None
    assert {item["reference"] for item in everywhere.json["bookings"]} == {*chania, rhodes}
    assert as_staff(api, "chania-head", "GET", "/closed-days").json["closed_days"][0]["kep"] is None
    assert as_staff(api, "chania-head", "DELETE", f"/closed-days/{TUESDAY}?kep_id=kep-rhodes-1").status_code == 404
    as_staff(api, "chania-head", "DELETE", f"/closed-days/{TUESDAY}")  # their own KEP's: not the every-KEP day
    assert as_staff(api, "ministry-admin", "GET", "/closed-days").json["closed_days"][0]["kep"] is None


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/closed-days"), ("GET", f"/closed-days/impact?date={TUESDAY}"), ("POST", "/closed-days"),
    ("DELETE", f"/closed-days/{TUESDAY}"), ("GET", "/keps/kep-chania-1"), ("PUT", "/keps/kep-chania-1/hours"),
    ("POST", "/employees/kep-chania-1-e1/absences"), ("PUT", "/employees/kep-chania-1-e1/availability"),
    ("GET", "/interpreters"),
])
def test_an_employee_may_do_none_of_it(api, method, path):
    answer = as_staff(api, "chania-employee", method, path, json={"date": TUESDAY, "opening_hours": []})
    assert answer.status_code == 404


def test_a_past_day_is_not_closed(api):
    answer = as_staff(api, "chania-head", "POST", "/closed-days", json={"date": "2026-11-27"})
    assert answer.status_code == 422 and set(answer.json["errors"]) == {"date"}


# -- hours, availability, absences ---------------------------------------------------------------------------

def test_narrower_hours_settle_the_bookings_outside_them(api, service, chania):
    later = [{**item, "opens": "10:00"} if item["weekday"] == 1 else item for item in WEEKDAYS]
    impact = as_staff(api, "chania-head", "POST", "/keps/kep-chania-1/hours/impact", json={"opening_hours": later})
    assert [item["reference"] for item in impact.json["bookings"]] == [chania[0]]  # 09:00; 10:00 still fits
    changed = as_staff(api, "chania-head", "PUT", "/keps/kep-chania-1/hours", json={"opening_hours": later})
    assert changed.status_code == 200, changed.json
    [settled] = changed.json["bookings"]
    assert settled["outcome"] == "moved" and settled["moved_to"]["start"] == "2026-12-01T08:00:00Z"  # 10:00 that day
    assert {"weekday": 1, "opens": "10:00", "closes": "15:00"} in changed.json["kep"]["opening_hours"]
    assert queued_mail(service, chania[0])[-1] == "moved_by_kep_change"
    assert as_staff(api, "chania-head", "PUT", "/keps/kep-rhodes-1/hours",
                    json={"opening_hours": later}).status_code == 404


def test_an_absence_gives_the_call_to_a_colleague_at_the_same_time_without_disturbing_the_citizen(
        api, service, chania):
    employee = row_of(service, chania[0])["employee_id"]
    absence = {"first_day": TUESDAY, "last_day": "2026-12-02", "reason": "Άδεια"}
    impact = as_staff(api, "chania-head", "POST", f"/employees/{employee}/absences/impact", json=absence)
    assert [item["reference"] for item in impact.json["bookings"]] == [chania[0]]
    recorded = as_staff(api, "chania-head", "POST", f"/employees/{employee}/absences", json=absence)
    assert recorded.status_code == 201, recorded.json
    [settled] = recorded.json["bookings"]
    assert settled["outcome"] == "reassigned" and settled["moved_to"] is None
    row = row_of(service, chania[0])
    assert row["status"] == "confirmed" and row["employee_id"] != employee and row["sequence"] == 0
    assert queued_mail(service, chania[0]) == ["confirmed"]  # nothing changed for the citizen: no new email

    kep = as_staff(api, "chania-head", "GET", "/keps/kep-chania-1").json
    [listed] = next(item for item in kep["employees"] if item["id"] == employee)["absences"]
    assert listed["first_day"] == TUESDAY and listed["reason"] == "Άδεια"
    assert as_staff(api, "chania-head", "DELETE",
                    f"/employees/{employee}/absences/{listed['id']}").status_code == 204
    assert as_staff(api, "rhodes-employee", "DELETE", f"/employees/{employee}/absences/1").status_code == 404


def test_an_absence_with_no_colleague_free_moves_the_booking_and_tells_the_citizen(api, service, outbox,
                                                                                    settings):
    settings.smtp_port = outbox.port
    booking = book(api, "kep-megisti-1", hour=9)["reference"]
    absence = {"first_day": TUESDAY, "last_day": TUESDAY}
    for employee in ("kep-megisti-1-e2", "kep-megisti-1-e1"):  # both of Megisti's employees away that day
        recorded = as_staff(api, "ministry-admin", "POST", f"/employees/{employee}/absences", json=absence)
        assert recorded.status_code == 201, recorded.json
    [settled] = recorded.json["bookings"]
    assert settled["reference"] == booking and settled["outcome"] == "moved"
    assert settled["moved_to"]["start"] == "2026-12-02T06:00:00Z"  # Wednesday at 08:00, the first free time
    assert confirmed_on(service, TUESDAY, "kep-megisti-1") == []
    deliver_pending(scheduling_of(service))
    [email] = [message for message in outbox.messages() if booking in message["subject"]
               and "ΚΕΠ μετέφερε" in message["subject"]]
    assert "δεν μπορεί πια να σας εξυπηρετήσει" in email["text"]
    assert f"/appointments/{booking}/reschedule" in email["text"]
    assert any(entry["action"] == "staff.booking_moved" and entry["booking_reference"] == booking
               for entry in access_log(api))


def test_narrower_availability_settles_the_bookings_outside_it(api, service, chania):
    employee = row_of(service, chania[0])["employee_id"]
    afternoons = [{"valid_from": "2026-11-30", "valid_to": "2026-12-31", "weekday": None, "starts": "11:00",
                   "ends": "14:30"}]
    impact = as_staff(api, "chania-head", "POST", f"/employees/{employee}/availability/impact",
                      json={"availability": afternoons})
    assert chania[0] in [item["reference"] for item in impact.json["bookings"]]
    changed = as_staff(api, "chania-head", "PUT", f"/employees/{employee}/availability",
                       json={"availability": afternoons})
    assert changed.status_code == 200, changed.json
    assert changed.json["employee"]["availability"][0]["starts"] == "11:00"
    assert {item["reference"]: item["outcome"] for item in changed.json["bookings"]}[chania[0]] == "reassigned"
    assert row_of(service, chania[0])["employee_id"] != employee
    # Back to whenever the KEP is open: nothing is touched.
    opened = as_staff(api, "chania-head", "PUT", f"/employees/{employee}/availability", json={"availability": []})
    assert opened.json["bookings"] == []


# -- interpreters ------------------------------------------------------------------------------------------------

def test_only_an_administrator_manages_the_interpreters(api):
    assert as_staff(api, "chania-head", "GET", "/interpreters").status_code == 404
    listed = as_staff(api, "ministry-admin", "GET", "/interpreters")
    assert listed.status_code == 200 and listed.json["interpreters"]
    interpreter = listed.json["interpreters"][0]["id"]
    hours = [{"weekday": 0, "starts": "08:00", "ends": "12:00"}]
    changed = as_staff(api, "ministry-admin", "PUT", f"/interpreters/{interpreter}/hours", json={"hours": hours})
    assert changed.status_code == 200 and changed.json["hours"] == hours
    closed = as_staff(api, "ministry-admin", "POST", f"/interpreters/{interpreter}/closed-days",
                      json={"date": "2026-12-24", "reason": "Άδεια"})
    assert closed.status_code == 201
    assert as_staff(api, "ministry-admin", "GET", f"/interpreters/{interpreter}").json["closed_days"] == [
        {"date": "2026-12-24", "reason": "Άδεια"}]
    assert as_staff(api, "ministry-admin", "DELETE",
                    f"/interpreters/{interpreter}/closed-days/2026-12-24").status_code == 204
    assert as_staff(api, "chania-head", "PUT", f"/interpreters/{interpreter}/hours",
                    json={"hours": hours}).status_code == 404
    actions = {entry["action"] for entry in access_log(api)}
    assert {"staff.interpreter_hours", "staff.interpreter_close_day", "staff.interpreter_reopen_day"} <= actions


def test_without_the_staff_header_nothing_answers(api):
    answer = api.client.get("/v1/staff/closed-days", headers={"Authorization": f"Bearer {FRONTEND}"})
    assert answer.status_code == 401
