"""The operators' pages of the KEP staff area: closed days, a KEP's hours, an employee's availability and absences,
and the interpreters. A head acts on their own KEP, an administrator on every KEP and on the interpreters, an
employee on none (404); a change that touches appointments is shown first, then confirmed, then said: which
appointments were moved (to when), given to a colleague, or cancelled, and the citizens are emailed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kepweb import create_app
from sandbox import scheduling as sandbox_scheduling
from sandbox.scheduling import closures
from sandbox.scheduling.bookings import Scheduling
from sandbox.scheduling.db import Database
from sandbox.scheduling.mailer import deliver_pending
from tests.conftest import ADMIN_TOKEN, API_TOKEN
from tests.page_checks import text_of
from tests.test_staff_calls import TAX_ID, sign_in_staff

ATHENS = ZoneInfo("Europe/Athens")
EMPLOYEE_PAGES = ["/staff/closed-days", "/staff/closed-days/new", "/staff/keps", "/staff/keps/kep-chania-1",
                  "/staff/keps/kep-chania-1/hours", "/staff/keps/kep-chania-1/employees/kep-chania-1-e1",
                  "/staff/interpreters", "/staff/changes/check", "/staff/changes/result"]


def book_at_chania(scheduling_api, scheduling_database, employee="kep-chania-1-e1", procedure="housing-allowance"):
    """A call at the Chania KEP, booked through the API as the frontend does, given to `employee`."""
    app = create_app({"TESTING": True, "SCHEDULING_API_URL": scheduling_api, "SCHEDULING_API_TOKEN": API_TOKEN})
    with app.app_context():
        api = app.extensions["scheduling"]
        slot = api.availability.first_free("information", procedure, kep_id="kep-chania-1").slot
        hold = api.holds.hold(TAX_ID, category="information", procedure=procedure, kep_id=slot.kep_id,
                              start=slot.start, needs=())
        booking = api.bookings.book(TAX_ID, {
            "hold_id": hold.id, "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com",
                                            "phone": "6912345678",
                                            "address": {"street": "Ερμού 1", "postcode": "10563", "town": "Αθήνα"}},
            "id_document": "identity_card", "needs": [], "contact_preference": "sms",
            "delivery": {"method": "email"}, "language": "el"}, idempotency_key=hold.id)
    with Database(scheduling_database).write() as connection:
        connection.execute("UPDATE bookings SET employee_id=? WHERE reference=?", (employee, booking.reference))
    return booking


def post(client_request, url, data=None, expected_status=303):
    """A form's POST to an address that has no page of its own (the token is the session's, from the staff area)."""
    return client_request.post(url, {"csrf_token": client_request.csrf_token("/staff"), **(data or {})},
                               expected_status=expected_status)


def day_of(booking) -> date:
    return booking.start.astimezone(ATHENS).date()


def typed(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def booking_row(scheduling_database, reference):
    return Database(scheduling_database).read().execute("SELECT * FROM bookings WHERE reference=?",
                                                        (reference,)).fetchone()


def deliver_mail(scheduling_database, outbox):
    settings = sandbox_scheduling.Settings(database=scheduling_database, frontend_token=API_TOKEN,
                                           admin_token=ADMIN_TOKEN, smtp_port=outbox.port, background_loops=False)
    deliver_pending(Scheduling(Database(scheduling_database), settings))
    return outbox.messages()


@pytest.fixture(scope="module")
def chania_booking(scheduling_api, scheduling_database):
    return book_at_chania(scheduling_api, scheduling_database)


# -- who sees what -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "offered", "not_offered"), [
    ("chania-head", {"/staff/closed-days", "/staff/keps"}, {"/staff/interpreters"}),
    ("ministry-admin", {"/staff/closed-days", "/staff/keps", "/staff/interpreters"}, set()),
    ("chania-employee", set(), {"/staff/closed-days", "/staff/keps", "/staff/interpreters"}),
])
def test_the_staff_area_offers_each_role_its_pages(client_request, client, username, offered, not_offered):
    sign_in_staff(client, username)
    links = {link["href"] for link in client_request.get("/staff").main.find_all("a")}
    assert offered <= links and not (not_offered & links)


@pytest.mark.parametrize("url", EMPLOYEE_PAGES)
def test_an_employee_cannot_open_the_operators_pages(client, url):
    sign_in_staff(client, "chania-employee")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/staff/interpreters", "/staff/interpreters/interpreter-01",
                                 "/staff/keps/kep-rhodes-1", "/staff/keps/kep-rhodes-1/hours",
                                 "/staff/keps/kep-rhodes-1/employees/kep-rhodes-1-e1"])
def test_a_head_cannot_open_another_keps_pages_nor_the_interpreters(client, url):
    sign_in_staff(client, "chania-head")
    assert client.get(url).status_code == 404


# -- closing a day -----------------------------------------------------------------------------------------------

def test_a_head_closes_a_day_of_their_kep_and_the_citizen_is_told(client_request, client, chania_booking,
                                                                  scheduling_database, outbox):
    sign_in_staff(client, "chania-head")
    day = day_of(chania_booking)
    page = client_request.get("/staff/closed-days/new")
    assert not page.find("select") and "Chania" in text_of(page.main)  # their own KEP, no choice

    # The form: errors at the fields, the title says so.
    refused = client_request.post("/staff/closed-days/new", {"day": "31/02/2026", "reason": ""}, expected_status=422)
    assert refused.title.get_text().startswith("Error:")
    assert {link["href"] for link in refused.select(".govgr-error-summary a")} == {"#day", "#reason"}

    # A head's form names no KEP: one sent anyway is not theirs to choose.
    answer = client_request.post("/staff/closed-days/new", {"day": typed(day), "reason": "Απεργία",
                                                            "kep_id": "kep-rhodes-1", "scope": "every"},
                                 expected_status=303)
    assert answer.headers["Location"] == "/staff/changes/check"
    check = client_request.get("/staff/changes/check")
    words = text_of(check.main)
    assert chania_booking.reference in words and "Μαρία Παπαδοπούλου" in words and "housing allowance" in words
    assert "KEP of the Municipality of Chania" in words and "Every KEP" not in words
    assert "after that day" in words and "text message" in words  # what will happen, and how each is told
    assert booking_row(scheduling_database, chania_booking.reference)["status"] == "confirmed"  # nothing yet

    done = client_request.post("/staff/changes/check", expected_status=303)
    assert done.headers["Location"] == "/staff/changes/result"
    result = client_request.get("/staff/changes/result")
    words = text_of(result.main)
    assert chania_booking.reference in words and ("Moved: 1 appointment" in words or "Cancelled: 1" in words)
    connection = Database(scheduling_database).read()
    assert closures.affected(connection, day, "kep-chania-1") == []  # none left confirmed on that day
    row = booking_row(scheduling_database, chania_booking.reference)
    assert row["status"] == "cancelled" or row["starts"] > chania_booking.start.timestamp()
    messages = deliver_mail(scheduling_database, outbox)
    assert any(chania_booking.reference in message["subject"] and message["to"] == ["maria@example.com"]
               for message in messages)
    # A second click on the confirmation changes nothing more: it shows the result.
    assert client.post("/staff/changes/check", data={"csrf_token": client_request.csrf_token("/staff/closed-days")}
                       ).headers["Location"] == "/staff/changes/result"

    # The closed day is listed; opening it again says truthfully what becomes of the moved appointments.
    listed = client_request.get("/staff/closed-days")
    reopen = listed.main.find("a", href=f"/staff/closed-days/{day.isoformat()}/reopen?kep=kep-chania-1")
    assert reopen is not None
    confirm = client_request.get(reopen["href"])
    assert "stay at their new time" in text_of(confirm.main)
    client_request.post(reopen["href"], expected_status=303)
    assert "Open again" not in text_of(client_request.get("/staff/closed-days").main)
    assert booking_row(scheduling_database, chania_booking.reference)["starts"] == row["starts"]  # stays moved


def test_an_administrator_closes_a_day_for_one_kep_they_choose(client_request, client, scheduling_api):
    sign_in_staff(client, "ministry-admin")
    page = client_request.get("/staff/closed-days/new")
    assert page.find("select", id="kep_id").find("option", value="kep-megisti-1")
    refused = client_request.post("/staff/closed-days/new", {"scope": "kep", "kep_id": "", "day": "1/1/2000",
                                                             "reason": "x"}, expected_status=422)
    assert {link["href"] for link in refused.select(".govgr-error-summary a")} == {"#kep_id", "#day"}
    client_request.post("/staff/closed-days/new", {"scope": "kep", "kep_id": "kep-megisti-1", "day": "24/12/2099",
                                                   "reason": "Απεργία"}, expected_status=303)
    check = client_request.get("/staff/changes/check")
    assert "No appointment is affected" in text_of(check.main) and "Megisti" in text_of(check.main)
    # "Change it" goes back to the form with the answers kept.
    again = client_request.get("/staff/closed-days/new?change=1")
    assert again.find("input", id="day")["value"] == "24/12/2099"


def test_a_refusal_at_the_check_is_said_at_the_form_with_the_answers_kept(client_request, client, sandbox_clock):
    from datetime import timedelta

    from kepweb.i18n import ATHENS as FRONTEND_ZONE

    sign_in_staff(client, "chania-head")
    tomorrow = datetime.now(FRONTEND_ZONE).date() + timedelta(days=1)
    client_request.post("/staff/closed-days/new", {"day": typed(tomorrow), "reason": "Απεργία"}, expected_status=303)
    sandbox_clock.behind = -timedelta(days=3)  # for the API, that day has passed meanwhile
    answer = client.get("/staff/changes/check")
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff/closed-days/new?change=1"
    page = client_request.get(answer.headers["Location"])
    assert "The change was not made: Choose today or a later date" in text_of(page.select_one("[role=alert]"))
    assert page.find("input", id="reason")["value"] == "Απεργία"


def test_a_head_cannot_reopen_another_keps_day(client, scheduling_api):
    sign_in_staff(client, "chania-head")
    assert client.get("/staff/closed-days/2099-12-24/reopen?kep=kep-megisti-1").status_code == 404


# -- hours, availability, absences -------------------------------------------------------------------------------

def test_an_administrator_changes_a_keps_hours(client_request, client):
    sign_in_staff(client, "ministry-admin")
    chooser = client_request.get("/staff/keps")
    assert chooser.find("form", method="get")
    assert client_request.get("/staff/keps?kep=atlantis", expected_status=422).select(".govgr-error-summary a")
    assert client.get("/staff/keps?kep=kep-megisti-1").headers["Location"] == "/staff/keps/kep-megisti-1"
    page = client_request.get("/staff/keps/kep-megisti-1")
    assert page.find("a", href="/staff/keps/kep-megisti-1/hours")
    form = client_request.get("/staff/keps/kep-megisti-1/hours")
    assert form.find("input", id="opens_0")["value"] == "07:30"
    week = {f"{edge}_{day}": value for day in range(5) for edge, value in (("opens", "07:30"), ("closes", "15:00"))}
    refused = client_request.post("/staff/keps/kep-megisti-1/hours", {**week, "closes_2": ""}, expected_status=422)
    assert "Wednesday: Enter both times" in text_of(refused.select_one(".govgr-error-summary"))
    saved = client_request.post("/staff/keps/kep-megisti-1/hours", {**week, "closes_4": "14:00"}, expected_status=303)
    assert saved.headers["Location"] == "/staff/keps/kep-megisti-1"
    shown = text_of(client_request.get("/staff/keps/kep-megisti-1").main)
    assert "Friday: 07:30 to 14:00" in shown and "The opening hours are saved" in shown


def test_an_absence_with_appointments_is_shown_first_and_each_settled(client_request, client, scheduling_api,
                                                                      scheduling_database, outbox):
    booking = book_at_chania(scheduling_api, scheduling_database, procedure="child-benefit")
    day = typed(day_of(booking))
    sign_in_staff(client, "chania-head")
    employee_url = "/staff/keps/kep-chania-1/employees/kep-chania-1-e1"
    page = client_request.get(employee_url)
    assert text_of(page.h1) == "Employee 1, KEP of the Municipality of Chania" and "Ελένη Μαρκάκη" in text_of(page.main)

    # Away that day: a colleague is free at the same time, so the call is theirs and the citizen is not disturbed.
    post(client_request, f"{employee_url}/absences", {"first_day": day, "last_day": day, "reason": "Άδεια"})
    check = client_request.get("/staff/changes/check")
    assert booking.reference in text_of(check.main) and "a colleague" in text_of(check.main)
    client_request.post("/staff/changes/check", expected_status=303)
    result = text_of(client_request.get("/staff/changes/result").main)
    assert "Given to a colleague at the same time: 1 appointment" in result and booking.reference in result
    row = booking_row(scheduling_database, booking.reference)
    assert row["status"] == "confirmed" and row["employee_id"] != "kep-chania-1-e1"

    # Every colleague away that day too: the call moves to the nearest time after its own, and the citizen is told.
    for number in range(2, 7):
        colleague = f"/staff/keps/kep-chania-1/employees/kep-chania-1-e{number}"
        answer = post(client_request, f"{colleague}/absences", {"first_day": day, "last_day": day})
        if answer.headers["Location"] == "/staff/changes/check":  # they had a call that day: confirmed
            client_request.post("/staff/changes/check", expected_status=303)
    result = text_of(client_request.get("/staff/changes/result").main)
    assert booking.reference in result and ("Moved: 1 appointment" in result or "Cancelled: 1" in result)
    moved = booking_row(scheduling_database, booking.reference)
    assert moved["starts"] != row["starts"] or moved["status"] == "cancelled"
    assert any(booking.reference in message["subject"] for message in deliver_mail(scheduling_database, outbox))

    # Removing an absence brings no appointment back, and says so.
    page = client_request.get(employee_url)
    remove = page.main.find("form", action=lambda action: action and "/absences/" in action)
    post(client_request, remove["action"])
    assert "stay as they are" in text_of(client_request.get(employee_url).main)


def test_an_availability_period_is_added_and_removed(client_request, client):
    sign_in_staff(client, "ministry-admin")
    employee_url = "/staff/keps/kep-megisti-1/employees/kep-megisti-1-e2"
    refused = post(client_request, f"{employee_url}/availability", {
        "valid_from": "1/12/2099", "valid_to": "1/11/2099", "weekday": "every", "starts": "8", "ends": "12:00"},
        expected_status=422)
    assert {link["href"] for link in refused.select(".govgr-error-summary a")} == {"#valid_to", "#starts"}
    assert refused.title.get_text().startswith("Error:")
    post(client_request, f"{employee_url}/availability", {"valid_from": "1/12/2099", "valid_to": "31/12/2099",
                                                          "weekday": "1", "starts": "8:00", "ends": "12.00"})
    page = client_request.get(employee_url)
    assert "Tuesday, 08:00 to 12:00" in text_of(page.main)
    remove = page.main.find("input", attrs={"name": "period"}).find_parent("form")
    post(client_request, remove["action"], {"period": remove.find("input", attrs={"name": "period"})["value"]})
    assert "They serve whenever the KEP is open." in text_of(client_request.get(employee_url).main)


# -- interpreters -----------------------------------------------------------------------------------------------------

def test_the_interpreters_pages_are_for_administrators(client_request, client):
    sign_in_staff(client, "ministry-admin")
    listed = client_request.get("/staff/interpreters")
    link = listed.main.find("a", href=lambda href: href and href.startswith("/staff/interpreters/"))
    page = client_request.get(link["href"])
    url = link["href"]
    week = {f"{edge}_{day}": value for day in range(5) for edge, value in (("opens", "08:00"), ("closes", "14:30"))}
    post(client_request, f"{url}/hours", {**week, "opens_0": "", "closes_0": ""})
    assert "Monday: closed" in text_of(client_request.get("/staff/interpreters").main)
    post(client_request, f"{url}/closed-days", {"day": "24/12/2099", "reason": "Άδεια"})
    page = client_request.get(url)
    assert "24 December 2099" in text_of(page.main)
    reopen = page.main.find("form", action=f"{url}/closed-days/2099-12-24/reopen")
    post(client_request, reopen["action"])
    assert "24 December 2099 is open again" in text_of(client_request.get(url).main)

    sign_in_staff(client, "chania-head")
    assert client.get(url).status_code == 404


def test_the_operators_pages_are_in_greek_first(client_request, client):
    sign_in_staff(client, "chania-head", "el")
    page = client_request.get("/staff/closed-days")
    assert page.html["lang"] == "el" and text_of(page.h1) == "Κλειστές ημέρες"
    assert "Κλείσιμο ημέρας" in text_of(client_request.get("/staff/closed-days/new").h1)
