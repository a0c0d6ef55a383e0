"""The final "Book" of the wizard when the scheduling API refuses it, and a form
sent while the API does not answer.

Each refusal is the real sandbox API's own answer, caused through the sandbox
(its settable clock, its admin API, its database), never by mocking the
frontend. What is asserted is the outcome for the citizen, not the wording
(the wizard's messages are being reworked): where they land, that an error or a
notification is shown there, that their answers are kept, that no error page
appears and that nothing is booked behind their back (or, once it goes
through, that it is booked exactly once).

Each test books a procedure of its own: the sandbox allows one active booking
per citizen and procedure, and this module's tests share one sandbox.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
import requests
from flask_babel import force_locale, gettext

from kepweb import create_app
from kepweb.scheduling import NotFound
from tests.booking.conftest import MARIA, sign_in_as
from tests.booking.test_steps import answers_of
from tests.conftest import ADMIN_TOKEN, HOLD_MINUTES, PageClient
from tests.page_checks import check_page, text_of

DETAILS = {"full_name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "691 234 5678",
           "street": "Ερμού 10", "postcode": "105 63", "town": "Αθήνα", "contact_preference": "email"}
ERROR_PAGE_TITLES = ("Page not found", "Sorry, there is a problem with the service",
                     "Sorry, the service is unavailable", "We could not accept the form")


def to_the_check_page(client, procedure, needs=()):
    """An information booking at Psara's one KEP, answered step by step as a
    browser without JavaScript would, up to "Check your answers"."""
    client.post("/book/category", {"category": "information"}, expected_status=303)
    client.post("/book/procedure", {"procedure": procedure}, expected_status=303)
    response = client.post("/book/municipality", {"municipality": "psara"}, expected_status=303)
    assert response.headers["Location"] == "/book/needs"  # one KEP: chosen for the citizen
    response = client.post("/book/needs", {"needs": list(needs)}, expected_status=303)
    assert response.headers["Location"] == "/book/time"
    day = client.get("/book/time").select(".kepweb-days a")[0]["href"]
    slot = client.get(day).find("input", attrs={"name": "slot"})["value"]
    assert client.post(day, {"slot": slot}, expected_status=303).headers["Location"] == "/book/details"
    client.post("/book/details", DETAILS, expected_status=303)
    client.post("/book/document", {"id_document": "passport"}, expected_status=303)
    response = client.post("/book/delivery", {"method": "email"}, expected_status=303)
    assert response.headers["Location"] == "/book/check"
    page = client.get("/book/check")
    assert "Check your answers" in text_of(page.h1)
    return answers_of(client)


def book(client):
    """Press "Book the appointment"; follow where it sends the citizen. Returns (path, page)."""
    response = client.client.post("/book/check", data={"csrf_token": client.csrf_token("/book/check")})
    assert response.status_code in (200, 303), f"the final Book answered {response.status_code}"
    if response.status_code == 200:
        return "/book/check", check_page(response.get_data(as_text=True))
    path = response.headers["Location"]
    return path, client.get(path)


def assert_told_on_a_step(path, page, also=()):
    """The citizen is on a step of the wizard (not an error page, not the
    confirmation), or on one of the pages `also` allows, and is told something
    went wrong: an error summary, an alert or a notification banner."""
    assert (path.startswith("/book/") or path.startswith(tuple(also))) and path != "/book/confirmation", path
    assert text_of(page.h1) not in ERROR_PAGE_TITLES, text_of(page.h1)
    told = page.select("[data-error-summary], [role=alert], .govgr-notification-banner, .govgr-error-message")
    assert told and any(text_of(element) for element in told), f"nothing tells the citizen what happened on {path}"


def assert_answers_kept(client, before):
    after = answers_of(client)
    for step in ("category", "procedure", "municipality", "kep", "details", "document", "needs", "delivery"):
        assert after.get(step) == before[step], f"the answer to {step} is lost: {after.get(step)!r}"


def confirmed(client, procedure):
    api = client.client.application.extensions["scheduling"]
    return [b for b in api.bookings.bookings(MARIA.tax_id) if b.procedure_id == procedure and b.status == "confirmed"]


def choose_a_time_again_and_book(client, procedure):
    """After a refusal: the first free time again, and Book: booked, exactly once."""
    day = client.get("/book/time").select(".kepweb-days a")[0]["href"]
    slot = client.get(day).find("input", attrs={"name": "slot"})["value"]
    response = client.post(day, {"slot": slot}, expected_status=303)
    # Every other answer was kept: straight on to checking them.
    assert response.headers["Location"] == "/book/check", response.headers["Location"]
    path, page = book(client)
    assert path == "/book/confirmation", path
    assert text_of(page.h1) == "Your appointment is booked"
    assert [b.reference for b in confirmed(client, procedure)] == [text_of(page.select_one(".kepweb-reference"))]


def test_book_after_the_hold_ended_sends_you_to_choose_a_time_again(citizen_request, sandbox_clock):
    before = to_the_check_page(citizen_request, "child-benefit")
    # The API's clock past the hold's end; the frontend still counts down to it.
    sandbox_clock.behind = -timedelta(minutes=HOLD_MINUTES, seconds=1)
    path, page = book(citizen_request)
    assert path.startswith("/book/time"), path
    assert_told_on_a_step(path, page)
    assert_answers_kept(citizen_request, before)
    assert confirmed(citizen_request, "child-benefit") == []
    sandbox_clock.behind = timedelta(0)
    choose_a_time_again_and_book(citizen_request, "child-benefit")


def test_book_when_the_time_no_longer_fits_sends_you_to_choose_a_time_again(citizen_request, scheduling_api):
    before = to_the_check_page(citizen_request, "housing-allowance")
    api = citizen_request.client.application.extensions["scheduling"]
    hold = before["hold"]
    # Meanwhile the held time changed its needs (as from another tab: a longer
    # call, 30 minutes, which fits even the day's last time), and the KEP closed
    # that day: the call asked for no longer fits, and the API answers that the time is taken.
    api.holds.change_needs(MARIA.tax_id, hold["id"], ["text_chat"])
    day = hold["start"][:10]
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    closed = requests.post(f"{scheduling_api}/admin/closed-days", headers=admin, timeout=5,
                           json={"date": day, "kep_id": hold["kep_id"], "reason": "test"})
    assert closed.status_code == 201, closed.text
    try:
        path, page = book(citizen_request)
    finally:
        requests.delete(f"{scheduling_api}/admin/closed-days/{day}", params={"kep": hold["kep_id"]},
                        headers=admin, timeout=5)
    assert path.startswith("/book/time"), path
    assert_told_on_a_step(path, page)
    assert_answers_kept(citizen_request, before)
    assert confirmed(citizen_request, "housing-allowance") == []
    # A time that no longer fits is of no use to anyone held: it is let go for other citizens.
    with pytest.raises(NotFound):
        api.holds.get_hold(MARIA.tax_id, hold["id"])
    choose_a_time_again_and_book(citizen_request, "housing-allowance")


def test_book_when_you_already_have_an_appointment_for_it_books_nothing(citizen_request, scheduling_database):
    api = citizen_request.client.application.extensions["scheduling"]
    # An appointment for the same procedure, cancelled: the wizard may hold a time for it ...
    slot = api.availability.first_free("information", "maternity-benefit", municipality_id="hydra").slot
    earlier_hold = api.holds.hold(MARIA.tax_id, category="information", procedure="maternity-benefit",
                                  kep_id=slot.kep_id, start=slot.start)
    earlier = api.bookings.book(MARIA.tax_id, {
        "hold_id": earlier_hold.id, "contact": {"name": "Μαρία", "email": "m@example.com", "phone": "6912345678",
                                                "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "passport", "needs": [], "contact_preference": "email", "delivery": {"method": "email"},
        "language": "en"}, idempotency_key=earlier_hold.id)
    api.bookings.cancel(MARIA.tax_id, earlier.reference)
    before = to_the_check_page(citizen_request, "maternity-benefit")
    # ... and then it is confirmed again (at the counter of the KEP), in the sandbox's database.
    with sqlite3.connect(scheduling_database) as database:
        database.execute("UPDATE bookings SET status='confirmed' WHERE reference=?", (earlier.reference,))
    database.close()

    path, page = book(citizen_request)
    assert_told_on_a_step(path, page, also=["/appointments"])  # where the other appointment can be changed
    assert_answers_kept(citizen_request, before)
    assert [b.reference for b in confirmed(citizen_request, "maternity-benefit")] == [earlier.reference]


def test_book_with_an_answer_the_api_refuses_books_nothing_and_says_so(citizen_request):
    before = to_the_check_page(citizen_request, "birth-allowance")
    # An answer kept on the server from before (a rule of the API changed since):
    # an email address the API refuses.
    from tests.booking.test_steps import put_answers

    put_answers(citizen_request, **{**before, "details": {**before["details"], "email": "maria@example"}})
    path, page = book(citizen_request)
    assert_told_on_a_step(path, page)
    after = answers_of(citizen_request)
    assert after["procedure"] == "birth-allowance" and after["document"] == before["document"]
    assert confirmed(citizen_request, "birth-allowance") == []


def greek_citizen_with_the_api_down(app_config, citizen_request):
    """The same citizen, session store and key, in Greek, with the API on a port where nothing answers."""
    secret = citizen_request.client.application.config["SECRET_KEY"]
    down = create_app({**app_config, "SECRET_KEY": secret, "SCHEDULING_API_URL": "http://127.0.0.1:9/v1",
                       "SCHEDULING_API_TIMEOUT": 0.5})
    client = PageClient(down.test_client())
    client.use_language("el")
    sign_in_as(client.client)
    return down, client


def test_when_the_api_is_down_at_book_the_503_page_is_in_greek_and_the_answers_are_kept(app_config,
                                                                                        citizen_request):
    before = to_the_check_page(citizen_request, "unemployment-benefit")
    down, client = greek_citizen_with_the_api_down(app_config, citizen_request)
    with down.test_request_context(), force_locale("el"):
        unavailable = gettext("Sorry, the service is unavailable")
    assert unavailable != "Sorry, the service is unavailable", "no Greek title to compare with"
    # The form as the citizen sent it from the check page (with their session's
    # CSRF token: a page that needs no API gives it).
    response = client.client.post("/book/check", data={"csrf_token": client.csrf_token("/feedback")})
    assert response.status_code == 503, response.status_code
    page = check_page(response.get_data(as_text=True))
    assert page.html["lang"] == "el"
    assert text_of(page.h1) == unavailable
    assert_answers_kept(citizen_request, before)
    assert confirmed(citizen_request, "unemployment-benefit") == []
    # The API back: the same answers book, once.
    path, page = book(citizen_request)
    assert path == "/book/confirmation", path
    assert len(confirmed(citizen_request, "unemployment-benefit")) == 1


def test_when_the_api_is_down_at_a_step_the_answers_typed_before_are_kept(app_config, citizen_request):
    citizen_request.post("/book/category", {"category": "information"}, expected_status=303)
    down, client = greek_citizen_with_the_api_down(app_config, citizen_request)
    response = client.client.post("/book/procedure", data={"csrf_token": client.csrf_token("/feedback"),
                                                           "procedure": "child-benefit"})
    assert response.status_code == 503, response.status_code
    page = check_page(response.get_data(as_text=True))
    assert page.html["lang"] == "el"
    with down.test_request_context(), force_locale("el"):
        assert text_of(page.h1) == gettext("Sorry, the service is unavailable")
    assert answers_of(citizen_request)["category"] == "information"


def test_each_change_link_says_what_it_changes_as_a_phrase_that_reads_aloud(citizen_request):
    """A screen reader reads the link alone: «Αλλαγή: Ονοματεπώνυμο», never «Αλλαγή Ονοματεπώνυμο»."""
    to_the_check_page(citizen_request, "social-electricity-tariff")  # a procedure no other test here books
    citizen_request.use_language("el")
    page = citizen_request.get("/book/check")
    names = [" ".join(link.get_text("").split()) for link in page.select(".govgr-summary-list__actions a")]
    assert "Αλλαγή: Ονοματεπώνυμο" in names, names
    assert all(name.startswith("Αλλαγή: ") for name in names), names
