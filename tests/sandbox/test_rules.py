"""Article 3 of the decision, as the reference service enforces it."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from sandbox.scheduling.calendar_rules import public_holidays
from tests.sandbox.conftest import ELENI, MARIA, NIKOS, at, athens


def free_times(api, day, kep="kep-megisti-1", category="information", procedure="maternity-benefit", needs=""):
    response = api.get(f"/availability/slots?category={category}&procedure={procedure}&kep={kep}"
                       f"&date={day}&needs={needs}")
    assert response.status_code == 200, response.json
    return [slot["start"] for slot in response.json["slots"]]


# -- days and hours -------------------------------------------------------------------

def test_orthodox_easter_monday_and_whit_monday_are_computed():
    assert date(2026, 4, 13) in public_holidays(2026)   # Easter Monday 2026
    assert date(2026, 6, 1) in public_holidays(2026)    # Whit Monday 2026
    assert date(2027, 5, 3) in public_holidays(2027)    # Easter Monday 2027 (Easter 2 May)
    assert date(2027, 6, 21) in public_holidays(2027)   # Whit Monday 2027
    assert date(2026, 10, 28) in public_holidays(2026)


def test_weekends_and_holidays_have_no_times(api):
    assert free_times(api, "2026-12-05") == []  # Saturday
    assert free_times(api, "2026-12-25") == []  # Christmas
    assert free_times(api, "2026-12-07") != []  # an ordinary Monday


def test_times_run_from_08_00_to_14_30_athens_time(api):
    times = free_times(api, "2026-12-01")
    assert times[0] == at(athens(2026, 12, 1, 8, 0))
    assert times[-1] == at(athens(2026, 12, 1, 14, 0))  # ends 14:20, within 14:30


def test_a_kep_with_an_afternoon_shift_offers_only_the_overlap_with_service_hours(api):
    # kep-athens-3 opens 12:00–20:00 on Wednesdays.
    times = free_times(api, "2026-12-02", kep="kep-athens-3")
    assert times[0] == at(athens(2026, 12, 2, 12, 0))
    assert times[-1] == at(athens(2026, 12, 2, 14, 0))


def test_minimum_notice_and_horizon(api):
    # Now is Monday 08:00: with two hours' notice the first time today is 10:00.
    assert free_times(api, "2026-11-30")[0] == at(athens(2026, 11, 30, 10, 0))
    assert free_times(api, "2027-01-05") == []  # beyond 30 days
    too_soon = api.hold(athens(2026, 11, 30, 9, 0))
    assert too_soon.status_code == 422 and too_soon.json["code"] == "outside_hours"


def test_a_time_off_the_grid_or_out_of_hours_is_refused(api):
    for moment in (athens(2026, 12, 1, 8, 5), athens(2026, 12, 1, 15, 0), athens(2026, 12, 5, 10, 0)):
        response = api.hold(moment)
        assert response.status_code == 422 and response.json["code"] == "outside_hours"


def test_closed_days_set_by_an_administrator(api):
    assert api.post("/admin/closed-days", {"date": "2026-12-01", "reason": "Απεργία"}, admin=True).status_code == 201
    assert free_times(api, "2026-12-01") == []
    assert api.delete("/admin/closed-days/2026-12-01", admin=True).status_code == 204
    assert free_times(api, "2026-12-01") != []


def test_changed_kep_hours_apply(api):
    response = api.put("/admin/keps/kep-megisti-1/hours",
                       {"opening_hours": [{"weekday": 1, "opens": "10:00", "closes": "12:00"}]})
    assert response.status_code == 200
    assert free_times(api, "2026-12-01")[0] == at(athens(2026, 12, 1, 10, 0))
    assert free_times(api, "2026-12-02") == []  # Wednesday no longer open


# -- employees: never overlapping, always a gap -------------------------------------------

def test_each_time_is_taken_by_at_most_as_many_citizens_as_there_are_employees(api):
    # kep-megisti-1 has two employees.
    start = athens(2026, 12, 1, 9, 0)
    first, second, third = (api.hold(start, citizen=c) for c in (MARIA, NIKOS, ELENI))
    assert first.status_code == 201 and second.status_code == 201
    assert third.status_code == 409 and third.json["code"] == "slot_taken"


def test_the_gap_between_two_appointments_of_one_employee(api, settings):
    settings.gap_minutes = 15
    api.put("/admin/employees/kep-megisti-1-e2/availability",
            {"availability": [{"valid_from": "2026-01-01", "valid_to": "2026-01-02",
                               "starts": "08:00", "ends": "09:00"}]})
    # Employee 2 now never works in December: employee 1 alone serves kep-megisti-1.
    assert api.hold(athens(2026, 12, 1, 9, 0)).status_code == 201
    # 09:00–09:20 plus a 15-minute gap: the next start on the 20-minute grid is 09:40.
    times = free_times(api, "2026-12-01")
    assert at(athens(2026, 12, 1, 9, 20)) not in times
    assert at(athens(2026, 12, 1, 9, 40)) in times
    assert at(athens(2026, 12, 1, 8, 40)) not in times  # ends 09:00, no gap before 09:00


def test_employee_availability_periods_restrict_their_hours(api):
    for employee in ("kep-megisti-1-e1", "kep-megisti-1-e2"):
        response = api.put(f"/admin/employees/{employee}/availability", {"availability": [
            {"valid_from": "2026-12-01", "valid_to": "2026-12-31", "weekday": 1, "starts": "11:00",
             "ends": "12:00", "workstation": "Θέση 2"}]})
        assert response.status_code == 200
    times = free_times(api, "2026-12-01")
    assert times == [at(athens(2026, 12, 1, 11, 0)), at(athens(2026, 12, 1, 11, 20)), at(athens(2026, 12, 1, 11, 40))]
    assert free_times(api, "2026-12-02") == []  # a Wednesday: outside their periods


def test_no_employee_ever_has_overlapping_appointments(api, settings):
    citizens = ["094014201", "090000045", "998877666", "123456783", "111111114"]
    booked = 0
    for index, citizen in enumerate(citizens):
        for minute in (0, 20, 40):
            hold = api.hold(athens(2026, 12, 1, 10, minute), citizen=citizen,
                            needs=["sign_language"] if index % 2 else [])
            if hold.status_code == 201:
                assert api.book(hold.json["id"], citizen=citizen, needs=hold.json["needs"]).status_code == 201
                booked += 1
                break
    assert booked >= 2
    rows = sqlite3.connect(settings.database).execute(
        "SELECT employee_id, starts, ends FROM bookings WHERE status='confirmed' "
        "ORDER BY employee_id, starts").fetchall()
    gap = settings.gap_minutes * 60
    for (employee_a, _start_a, end_a), (employee_b, start_b, _end_b) in zip(rows, rows[1:], strict=False):
        if employee_a == employee_b:
            assert start_b >= end_a + gap


# -- categories ------------------------------------------------------------------------

def test_the_disability_category_has_longer_calls_and_needs_lengthen_them(api):
    slots = api.get("/availability/slots?category=disability&procedure=disability-parking-card"
                    "&kep=kep-megisti-1&date=2026-12-01")
    if slots.status_code == 422:  # the procedure id is data; find one of the category
        procedure = api.get("/procedures?category=disability").json["procedures"][0]["id"]
        slots = api.get(f"/availability/slots?category=disability&procedure={procedure}"
                        "&kep=kep-megisti-1&date=2026-12-01")
    assert slots.json["slot_minutes"] == 40
    lengthened = api.get("/availability/slots?category=information&procedure=maternity-benefit&kep=kep-megisti-1"
                         "&date=2026-12-01&needs=sign_language,lip_reading")
    assert lengthened.json["slot_minutes"] == 20 + 20 + 10


def test_municipal_services_only_at_a_kep_of_that_municipality(api):
    offered = api.get("/procedures?category=municipal&municipality=chania").json["procedures"]
    procedure = offered[0]["id"]
    ok = api.hold(athens(2026, 12, 1, 9, 0), kep="kep-chania-1", category="municipal", procedure=procedure,
                  municipality="chania")
    assert ok.status_code == 201
    wrong = api.hold(athens(2026, 12, 1, 9, 0), kep="kep-megisti-1", category="municipal", procedure=procedure,
                     municipality="chania", citizen=NIKOS)
    assert wrong.status_code == 422
    assert api.get("/procedures?category=municipal").status_code == 422  # the municipality is required


def test_pickup_at_the_kep_only_for_municipal_services(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    response = api.book(hold["id"], delivery={"method": "pickup"})
    assert response.status_code == 422
    assert "delivery.method" in response.json["errors"]


def test_businesses_need_a_valid_business_tax_number(api):
    procedure = api.get("/procedures?category=business").json["procedures"][0]["id"]
    hold = api.hold(athens(2026, 12, 1, 9, 0), category="business", procedure=procedure).json
    refused = api.book(hold["id"], business={"tax_id": "123456789", "name": "Παπαδόπουλος ΟΕ"})
    assert refused.status_code == 422 and "business.tax_id" in refused.json["errors"]
    accepted = api.book(hold["id"], business={"tax_id": "EL094014201", "name": "Παπαδόπουλος ΟΕ"})
    assert accepted.status_code == 201
    assert accepted.json["business"] == {"tax_id": "094014201", "name": "Παπαδόπουλος ΟΕ"}


def test_one_active_booking_per_citizen_per_procedure(api):
    first = api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"])
    assert first.status_code == 201
    again = api.hold(athens(2026, 12, 2, 9, 0))
    assert again.status_code == 409 and again.json["code"] == "not_allowed"
    other_procedure = api.hold(athens(2026, 12, 2, 9, 0), procedure="unemployment-benefit")
    assert other_procedure.status_code == 201


# -- holds -------------------------------------------------------------------------------

def test_a_held_time_is_offered_to_nobody_else_until_it_expires(api, clock, settings):
    api.put("/admin/employees/kep-megisti-1-e2/availability",
            {"availability": [{"valid_from": "2026-01-01", "valid_to": "2026-01-02",
                               "starts": "08:00", "ends": "09:00"}]})
    start = athens(2026, 12, 1, 9, 0)
    hold = api.hold(start)
    assert hold.status_code == 201
    assert hold.json["expires_at"] == at(clock.now.replace(minute=10))
    assert at(start) not in free_times(api, "2026-12-01")
    assert api.hold(start, citizen=NIKOS).json["code"] == "slot_taken"
    clock.advance(minutes=11)
    assert at(start) in free_times(api, "2026-12-01")
    late = api.book(hold.json["id"])
    assert late.status_code == 410 and late.json["code"] == "hold_expired"
    assert api.hold(start, citizen=NIKOS).status_code == 201


def test_a_hold_can_be_extended_up_to_a_limit(api, clock):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    clock.advance(minutes=8)
    extended = api.post(f"/holds/{hold['id']}/extend")
    assert extended.status_code == 200 and extended.json["expires_at"] == at(clock.now.replace(minute=18))


def test_a_hold_can_be_extended_at_least_ten_times_as_wcag_asks(api, clock):
    """WCAG 2.2.1: a citizen who extends each time at the last moment gets at least ten extensions,
    and then a plain refusal; the hold never lasts more than 110 minutes."""
    made = clock.now
    hold, extensions = api.hold(athens(2026, 12, 1, 9, 0)).json, 0
    while hold["can_extend"]:
        clock.now = datetime.fromisoformat(hold["expires_at"].replace("Z", "+00:00")) - timedelta(seconds=1)
        answer = api.post(f"/holds/{hold['id']}/extend")
        assert answer.status_code == 200, (extensions + 1, answer.json)
        hold, extensions = answer.json, extensions + 1
    assert extensions >= 10
    assert hold["expires_at"] == at(made + timedelta(minutes=110))
    refused = api.post(f"/holds/{hold['id']}/extend")
    assert refused.status_code == 409 and refused.json["code"] == "not_allowed"


def test_a_new_hold_releases_the_citizens_previous_one(api):
    first = api.hold(athens(2026, 12, 1, 9, 0)).json
    api.hold(athens(2026, 12, 1, 10, 0))
    assert api.get(f"/holds/{first['id']}").status_code == 404


def test_needs_that_no_longer_fit_lose_the_slot(api):
    # 14:00 + 20 minutes fits before 14:30; with a sign-language interpreter (+20) it does not.
    hold = api.hold(athens(2026, 12, 1, 14, 0)).json
    longer = api.patch(f"/holds/{hold['id']}", {"needs": ["sign_language"]})
    assert longer.status_code == 409 and longer.json["code"] == "slot_taken"
    fits = api.patch(f"/holds/{hold['id']}", {"needs": ["lip_reading"]})
    assert fits.status_code == 200 and fits.json["end"] == at(athens(2026, 12, 1, 14, 30))


def test_holds_belong_to_their_citizen(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    assert api.get(f"/holds/{hold['id']}", citizen=NIKOS).status_code == 404
    assert api.book(hold["id"], citizen=NIKOS).status_code == 404


# -- bookings ----------------------------------------------------------------------------

def test_a_booking_has_a_reference_a_meeting_link_and_the_answers(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    booking = api.book(hold["id"], needs=["third_person"], third_person={"name": "Γιώργος", "email": "g@example.com"})
    assert booking.status_code == 201
    body = booking.json
    assert body["reference"][:4] == "KEP-" and len(body["reference"]) == 13
    assert body["meeting_url"] == f"http://127.0.0.1:5000/appointments/{body['reference']}/join"
    assert body["contact"]["phone"] == "+306912345678"
    assert body["end"] == at(athens(2026, 12, 1, 9, 30))  # +10 minutes for the third person
    assert api.get(f"/bookings/{body['reference']}").json["reference"] == body["reference"]


def test_the_same_idempotency_key_books_once(api, settings):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    first = api.book(hold["id"], key="click-1")
    again = api.book(hold["id"], key="click-1")
    assert first.status_code == again.status_code == 201
    assert first.json["reference"] == again.json["reference"]
    assert len(api.get("/bookings").json["bookings"]) == 1
    changed = api.book(hold["id"], key="click-1", language="en")
    assert changed.status_code == 422 and changed.json["code"] == "idempotency_conflict"


def test_another_citizens_booking_does_not_exist_for_you(api):
    booking = api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"]).json
    for path in (f"/bookings/{booking['reference']}",):
        assert api.get(path, citizen=NIKOS).status_code == 404
    assert api.post(f"/bookings/{booking['reference']}/cancel", citizen=NIKOS).status_code == 404
    assert api.get("/bookings", citizen=NIKOS).json["bookings"] == []
    # Article 7.2: the refused attempt is logged, naming nobody.
    denied = [e for e in api.get("/admin/access-log", admin=True).json["entries"] if e["action"] == "booking.denied"]
    assert len(denied) == 2 and all(e["booking_reference"] == booking["reference"] for e in denied)
    assert all(NIKOS not in str(e) for e in denied)


def test_reschedule_keeps_the_old_time_until_the_new_one_is_booked(api, settings):
    api.put("/admin/employees/kep-megisti-1-e2/availability",
            {"availability": [{"valid_from": "2026-01-01", "valid_to": "2026-01-02",
                               "starts": "08:00", "ends": "09:00"}]})
    old = athens(2026, 12, 1, 9, 0)
    booking = api.book(api.hold(old).json["id"]).json
    new_hold = api.hold(athens(2026, 12, 2, 9, 0), for_booking=booking["reference"])
    assert new_hold.status_code == 201
    assert at(old) not in free_times(api, "2026-12-01")  # still Maria's
    moved = api.post(f"/bookings/{booking['reference']}/reschedule", {"hold_id": new_hold.json["id"]},
                     headers={"Idempotency-Key": "move-1"})
    assert moved.status_code == 200
    assert moved.json["start"] == at(athens(2026, 12, 2, 9, 0)) and moved.json["sequence"] == 1
    assert at(old) in free_times(api, "2026-12-01")  # freed with the move


def test_cancel_frees_the_time_and_is_safe_to_repeat(api):
    api.put("/admin/employees/kep-megisti-1-e2/availability",
            {"availability": [{"valid_from": "2026-01-01", "valid_to": "2026-01-02",
                               "starts": "08:00", "ends": "09:00"}]})
    start = athens(2026, 12, 1, 9, 0)
    booking = api.book(api.hold(start).json["id"]).json
    assert at(start) not in free_times(api, "2026-12-01")
    cancelled = api.post(f"/bookings/{booking['reference']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert at(start) in free_times(api, "2026-12-01")
    assert api.post(f"/bookings/{booking['reference']}/cancel").json["status"] == "cancelled"


def test_a_failed_booking_leaves_nothing_half_written(api, settings):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    refused = api.book(hold["id"], contact={"name": "", "email": "nope", "phone": "123",
                                            "address": {"street": "", "postcode": "1", "town": ""}})
    assert refused.status_code == 422
    assert set(refused.json["errors"]) >= {"contact.name", "contact.email", "contact.phone",
                                           "contact.address.street", "contact.address.postcode"}
    assert refused.json["errors"]["contact.email"]["el"].startswith("Γράψτε")
    database = sqlite3.connect(settings.database)
    assert database.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 0
    assert database.execute("SELECT COUNT(*) FROM mail_queue").fetchone()[0] == 0
    assert api.get(f"/holds/{hold['id']}").status_code == 200  # the hold is still there


@pytest.mark.parametrize("body", [None, [], "text", {"hold_id": 5}, {"hold_id": "x", "contact": "y"},
                                  {"hold_id": "x", "needs": "all"}])
def test_bad_input_gets_a_problem_never_a_500(api, body):
    for path in ("/bookings", "/holds"):
        response = api.post(path, body)
        assert 400 <= response.status_code < 500
        assert response.headers["Content-Type"] == "application/problem+json"


def test_without_a_valid_citizen_header_nothing_personal_answers(api):
    assert api.get("/bookings", citizen=None).status_code == 401
    assert api.get("/bookings", citizen="123456789").status_code == 401  # wrong check digit


def test_admin_routes_need_the_admin_token(api):
    assert api.get("/admin/bookings").status_code == 401
    assert api.get("/admin/bookings", admin=True).status_code == 200


def test_admin_sees_all_bookings_with_filters(api):
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"])
    api.book(api.hold(athens(2026, 12, 2, 9, 0), citizen=NIKOS).json["id"], citizen=NIKOS)
    everything = api.get("/admin/bookings", admin=True).json["bookings"]
    assert len(everything) == 2
    one_day = api.get("/admin/bookings?from=2026-12-02&to=2026-12-02", admin=True).json["bookings"]
    assert [b["start"] for b in one_day] == [at(athens(2026, 12, 2, 9, 0))]


def test_removed_keps_disappear_and_added_ones_appear(api):
    assert api.delete("/admin/keps/kep-megisti-1", admin=True).status_code == 204
    assert "kep-megisti-1" not in [k["id"] for k in api.get("/keps").json["keps"]]
    added = api.post("/admin/keps", {
        "id": "kep-megisti-2", "code": "999", "municipality_id": "megisti", "name_el": "2ο ΚΕΠ Μεγίστης",
        "name_en": "2nd KEP of Megisti", "street_el": "Λιμάνι 1", "street_en": "1 Limani", "postcode": "85111",
        "town_el": "Καστελλόριζο", "town_en": "Kastellorizo", "employees": 1,
        "opening_hours": [{"weekday": d, "opens": "08:00", "closes": "14:00"} for d in range(5)]}, admin=True)
    assert added.status_code == 201
    assert free_times(api, "2026-12-01", kep="kep-megisti-2")[0] == at(athens(2026, 12, 1, 8, 0))


def test_reference_data_is_loaded_once(settings, service):
    from sandbox.scheduling import create_app

    create_app(settings)  # a second start on the same file
    database = sqlite3.connect(settings.database)
    assert database.execute("SELECT COUNT(*) FROM keps").fetchone()[0] == 180
    assert database.execute("SELECT COUNT(*) FROM employees").fetchone()[0] == 870
    assert database.execute("SELECT COUNT(*) FROM municipalities").fetchone()[0] == 112
    assert database.execute("SELECT COUNT(*) FROM procedures").fetchone()[0] >= 60


def test_control_characters_in_a_booking_are_refused(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    answer = api.book(hold["id"], contact={"name": "Μαρία\x00", "email": "m@example.com", "phone": "6912345678",
                                           "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}})
    assert answer.status_code == 422 and answer.json["code"] == "validation"
    assert answer.json["errors"]["contact.name"]["en"] == "Remove the control characters"
