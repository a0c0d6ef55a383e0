"""The pages that refuse in a browser, with scripts on and off, in both languages: the call page when the
call server does not answer, the 429 page when a fair-use budget is spent, and the page of the API's cap on
active bookings when choosing a time. Each passes the checks every page must pass (axe, one h1, the page's
language, no sideways scrolling, no console error)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.test_appointments import book
from e2e.test_booking import service_with_a_settable_clock
from e2e.test_staff import at_the_call
from e2e.wizard import Wizard, sign_in
from tests.live_service import LiveService

HEADINGS = {
    "unavailable": {"el": "Η βιντεοκλήση δεν μπορεί να ξεκινήσει αυτή τη στιγμή",
                    "en": "The video call cannot start right now"},
    "too-many": {"en": "You have done this too many times"},
    "at-the-cap": {"el": "Δεν μπορείτε να κλείσετε άλλο ραντεβού προς το παρόν",
                   "en": "You cannot book another appointment for now"},
}
AT_THE_CAP = {"el": "Έχετε ήδη 1 επόμενο ραντεβού, και κάθε πρόσωπο μπορεί να έχει έως 1 ταυτόχρονα.",
              "en": "You already have 1 upcoming appointment, and one person can have at most 1 at a time."}


@pytest.fixture(scope="module")
def without_call_server(tmp_path_factory):
    """The embedded default as the browser tests run it: no Janus, so a call page gets the plain refusal."""
    service = service_with_a_settable_clock(tmp_path_factory.mktemp("no-call") / "scheduling.sqlite3",
                                            {"PROPAGATE_EXCEPTIONS": False})
    service.booking = book(service, "maria", "birth-allowance", municipality="psara")
    yield service
    service.stop()


def problems_of(page, language, scripts, errors) -> list[str]:
    """The page checks; for a page answered with an error status Chromium also asks for /favicon.ico,
    which we do not serve (our icon is an SVG the layout names)."""
    return [problem for problem in page_problems(page, language, scripts, errors)
            if not problem.endswith("/favicon.ico)")]


@pytest.fixture  # a new service, so a new budget, for each test
def one_search_a_minute(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("limits") / "scheduling.sqlite3",
                          {"PROPAGATE_EXCEPTIONS": False, "RATELIMITS": {"search": ("1/minute", "1/minute")}})
    yield service
    service.stop()


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_call_server_not_answering_is_a_plain_accessible_page(browser, without_call_server, language, scripts):
    service = without_call_server
    context = new_context(browser, service.url, language, block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    sign_in(page, "maria", "/appointments")
    with at_the_call(service, service.booking):
        response = page.goto(f"/appointments/{service.booking.reference}/call")
        assert response.status == 503
        assert page.locator("h1").inner_text() == HEADINGS["unavailable"][language]
        assert page.locator(f"a[href='/appointments/{service.booking.reference}/call']").count() == 1
        assert problems_of(page, language, scripts, errors) == []
    context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_a_spent_budget_is_a_plain_accessible_page_that_says_when(browser, one_search_a_minute, scripts):
    context = new_context(browser, one_search_a_minute.url, "en", block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    page.goto("/municipalities?q=chania")
    response = page.goto("/municipalities?q=hydra")
    assert response.status == 429 and response.headers["retry-after"]
    assert page.locator("h1").inner_text() == HEADINGS["too-many"]["en"]
    assert "minute" in page.locator("#main-content").inner_text()
    assert problems_of(page, "en", scripts, errors) == []
    context.close()


@pytest.fixture(scope="module")
def one_active_booking_each(tmp_path_factory):
    """The API allows one active booking per citizen here (the robots' services lift the cap), and maria has it."""
    service = LiveService(tmp_path_factory.mktemp("cap") / "scheduling.sqlite3", {"PROPAGATE_EXCEPTIONS": False},
                          sandbox_settings={"max_active_bookings": 1})
    service.booking = book(service, "maria", "birth-allowance", municipality="psara")
    yield service
    service.stop()


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_cap_on_active_bookings_is_a_plain_accessible_page_that_says_the_number(
        browser, one_active_booking_each, language, scripts):
    context = new_context(browser, one_active_booking_each.url, language, block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    sign_in(page, "maria", "/book")
    wizard = Wizard(page, language, scripts)
    procedure = wizard.to_the_time_step(last_procedure=True)
    assert procedure != "birth-allowance", "another procedure: the cap refuses it, not the one-per-procedure rule"
    wizard.first_day()
    page.locator("#main-content input[name=slot]").first.check()
    wizard.submit()
    h1 = page.locator("#main-content h1")
    expect(h1).to_have_text(HEADINGS["at-the-cap"][language])
    assert AT_THE_CAP[language] in page.locator("#main-content").inner_text()
    expect(page).to_have_title(f"{HEADINGS['at-the-cap'][language]} – myKEPlive")
    assert page.locator("#main-content a[href='/appointments']").count() == 1
    assert page.locator("#main-content a[href='/book']").count() == 1
    assert problems_of(page, language, scripts, errors) == []
    # My appointments is one link away, and there the appointment to cancel or change.
    page.locator("#main-content a[href='/appointments']").click()
    expect(page.locator(f"a[href='/appointments/{one_active_booking_each.booking.reference}']")).to_have_count(1)
    context.close()
