"""The API's cap on a citizen's active appointments (problem too_many_active_bookings), as the citizen meets it
in the wizard: a page of its own in their language that says the number, why, and what to do; the held time
let go, every other answer kept.

The reference service of this module allows 2 active bookings per citizen (KEPWEB_SANDBOX_MAX_ACTIVE_BOOKINGS);
each refusal is its own, caused by really booking (or, for the check at booking, by a booking written into
its database as if made in another tab at that moment), never mocked.
"""

from __future__ import annotations

import sqlite3

import pytest

from kepweb.scheduling import NotFound, TooManyActiveBookings
from sandbox import scheduling
from tests.booking.conftest import MARIA
from tests.booking.test_final_submit import DETAILS, to_the_check_page
from tests.booking.test_steps import answers_of
from tests.conftest import ADMIN_TOKEN, API_TOKEN, HOLD_MINUTES, ServerThread
from tests.page_checks import text_of

CAP = 2
HEADINGS = {"en": "You cannot book another appointment for now",
            "el": "Δεν μπορείτε να κλείσετε άλλο ραντεβού προς το παρόν"}
NUMBER = {"en": "You already have 2 upcoming appointments, and one person can have at most 2 at a time.",
          "el": "Έχετε ήδη 2 επόμενα ραντεβού, και κάθε πρόσωπο μπορεί να έχει έως 2 ταυτόχρονα."}


@pytest.fixture(scope="module")
def scheduling_api(scheduling_database, outbox_server, module_sandbox_clock):
    settings = scheduling.Settings(database=scheduling_database, frontend_token=API_TOKEN, admin_token=ADMIN_TOKEN,
                                   smtp_port=outbox_server.port, background_loops=False, hold_minutes=HOLD_MINUTES,
                                   clock=module_sandbox_clock, max_active_bookings=CAP)
    server = ServerThread(scheduling.create_app(settings))
    yield f"{server.url}/v1"
    server.stop()


def api_of(client):
    return client.client.application.extensions["scheduling"]


def booked_through_the_api(api, procedure):
    """An appointment of MARIA's at Psara's KEP, made as from another tab."""
    slot = api.availability.first_free("information", procedure, municipality_id="psara").slot
    hold = api.holds.hold(MARIA.tax_id, category="information", procedure=procedure, kep_id=slot.kep_id,
                          start=slot.start)
    return api.bookings.book(MARIA.tax_id, {
        "hold_id": hold.id, "contact": {"name": "Μαρία", "email": "m@example.com", "phone": "6912345678",
                                        "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "passport", "needs": [], "contact_preference": "email", "delivery": {"method": "email"},
        "language": "en"}, idempotency_key=hold.id)


@pytest.fixture
def cancelled_afterwards(citizen_request, scheduling_database):
    """Whatever MARIA has booked in a test is cancelled after it, for the next test of this module."""
    yield
    api = api_of(citizen_request)
    for booking in api.bookings.bookings(MARIA.tax_id):
        if booking.status == "confirmed":
            api.bookings.cancel(MARIA.tax_id, booking.reference)


def up_to_the_time_step(client, procedure):
    client.post("/book/category", {"category": "information"}, expected_status=303)
    client.post("/book/procedure", {"procedure": procedure}, expected_status=303)
    client.post("/book/municipality", {"municipality": "psara"}, expected_status=303)
    response = client.post("/book/needs", {"needs": []}, expected_status=303)
    assert response.headers["Location"] == "/book/time"
    day = client.get("/book/time").select(".kepweb-days a")[0]["href"]
    return day, client.get(day).find("input", attrs={"name": "slot"})["value"]


def assert_the_page(page, language):
    assert text_of(page.h1) == HEADINGS[language]
    main = text_of(page.select_one("#main-content"))
    assert NUMBER[language] in main
    assert page.select_one("#main-content a[href='/appointments']"), "the way to cancel or change one"
    assert page.select_one("#main-content a[href='/book']"), "the way back to the wizard"
    assert "1500" in main, "the KEP phone line"


@pytest.mark.parametrize("language", ["en", "el"])
def test_at_the_cap_choosing_a_time_gets_the_page_with_the_number(citizen_request, cancelled_afterwards, language):
    citizen_request.use_language(language)
    api = api_of(citizen_request)
    booked_through_the_api(api, "child-benefit")
    booked_through_the_api(api, "housing-allowance")
    day, slot = up_to_the_time_step(citizen_request, "minimum-income")
    page = citizen_request.post(day, {"slot": slot}, expected_status=409)
    assert_the_page(page, language)
    kept = answers_of(citizen_request)
    assert kept["procedure"] == "minimum-income" and kept["municipality"] == "psara" and "hold" not in kept
    # Back to the wizard: it resumes at the time, the answers before it kept.
    assert citizen_request.client.get("/book").headers["Location"] == "/book/time"


def test_an_htmx_step_at_the_cap_swaps_main_with_the_page(citizen_request, cancelled_afterwards):
    api = api_of(citizen_request)
    booked_through_the_api(api, "child-benefit")
    booked_through_the_api(api, "housing-allowance")
    day, slot = up_to_the_time_step(citizen_request, "minimum-income")
    response = citizen_request.client.post(day, data={"slot": slot, "csrf_token": citizen_request.csrf_token(day)},
                                           headers={"HX-Request": "true", "HX-Boosted": "true",
                                                    "HX-Target": "main-content"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="main-content"' in html and HEADINGS["en"] in html and NUMBER["en"] in html
    assert "<footer" not in html, "the short answer of a boosted step"


def test_at_the_cap_when_booking_the_page_and_the_time_let_go(citizen_request, cancelled_afterwards,
                                                              scheduling_database):
    api = api_of(citizen_request)
    first = booked_through_the_api(api, "child-benefit")
    before = to_the_check_page(citizen_request, "minimum-income")  # one active: the time is held
    # Meanwhile another tab books a second one (written directly: a hold there would let this one go).
    with sqlite3.connect(scheduling_database) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(bookings)") if row[1] != "id"]
        chosen = ", ".join(columns)
        copied = chosen.replace("reference", "'KEP-9999-9999'").replace("procedure_id", "'housing-allowance'")
        connection.execute(f"INSERT INTO bookings ({chosen}) SELECT {copied} FROM bookings WHERE reference=?",
                           (first.reference,))
    response = citizen_request.client.post("/book/check",
                                           data={"csrf_token": citizen_request.csrf_token("/book/check")})
    page = citizen_request._checked(response, 409)
    assert_the_page(page, "en")
    kept = answers_of(citizen_request)
    assert "hold" not in kept and "submission_key" not in kept
    for step in ("category", "procedure", "municipality", "kep", "document", "needs", "delivery"):
        assert kept.get(step) == before[step], step
    assert kept["details"]["email"] == DETAILS["email"]
    with pytest.raises(NotFound):
        api.holds.get_hold(MARIA.tax_id, before["hold"]["id"])  # let go, for somebody else
    active = {b.procedure_id for b in api.bookings.bookings(MARIA.tax_id) if b.status == "confirmed"}
    assert active == {"child-benefit", "housing-allowance"}, "nothing booked behind the citizen's back"


def test_the_problem_class_reads_the_limit_or_none():
    assert TooManyActiveBookings(409, {"code": "too_many_active_bookings", "limit": 4}).limit == 4
    for unusable in (None, "4", 0, True, -1):
        assert TooManyActiveBookings(409, {"code": "too_many_active_bookings", "limit": unusable}).limit is None


@pytest.mark.parametrize("language", ["en", "el"])
def test_at_the_cap_the_wizard_says_so_at_its_start(citizen_request, cancelled_afterwards, language):
    citizen_request.use_language(language)
    api = api_of(citizen_request)
    booked_through_the_api(api, "child-benefit")
    assert not citizen_request.get("/book/category").select("#at-the-cap"), "under the cap: nothing to say"
    booked_through_the_api(api, "housing-allowance")
    page = citizen_request.get("/book/category")
    banner = page.select_one("[aria-labelledby=at-the-cap]")
    assert banner and text_of(banner.select_one("#at-the-cap")) == NUMBER[language]
    assert banner.select_one("a[href='/appointments']")
    assert page.select_one("#main-content form input[name=category]"), "the wizard itself is still there"


def test_an_api_that_cannot_say_the_allowance_shows_nothing_and_no_error(citizen_request, monkeypatch):
    """The start's word is only advice (the hold and the booking check the cap): it never stops the page."""
    from kepweb.scheduling import SchedulingUnavailable
    from kepweb.scheduling.slots import BookingsClient

    def unavailable(self, citizen_tax_id):
        raise SchedulingUnavailable("no answer")

    monkeypatch.setattr(BookingsClient, "allowance", unavailable)
    page = citizen_request.get("/book/category")
    assert not page.select("#at-the-cap") and page.select_one("#main-content form input[name=category]")
