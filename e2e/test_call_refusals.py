"""The pages that refuse in a browser, with scripts on and off, in both languages: the call page when the
call server does not answer, and the 429 page when a fair-use budget is spent. Each passes the checks every
page must pass (axe, one h1, the page's language, no sideways scrolling, no console error)."""

from __future__ import annotations

import pytest

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.test_appointments import book
from e2e.test_booking import service_with_a_settable_clock
from e2e.test_staff import at_the_call
from e2e.wizard import sign_in
from tests.live_service import LiveService

HEADINGS = {
    "unavailable": {"el": "Η βιντεοκλήση δεν μπορεί να ξεκινήσει αυτή τη στιγμή",
                    "en": "The video call cannot start right now"},
    "too-many": {"en": "You have done this too many times"},
}


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
