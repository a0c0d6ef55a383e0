"""How the pages behave for keyboard, screen-reader and no-JavaScript users.

Reflow at 320 px, text at 200% and visible focus are checked on every page and
state in e2e/test_visual.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def page_el(browser, base_url):
    context = new_context(browser, base_url, "el")
    yield context.new_page()
    context.close()


def test_live_search_filters_as_you_type_and_announces_the_count(page_el):
    page = page_el
    page.goto("/municipalities")
    # Without a search: every municipality as a link to its own page, by region.
    expect(page.locator(".kepweb-municipality-links a")).to_have_count(112)
    page.locator("#q").press_sequentially("ΧΑΝΙΑ", delay=30)
    expect(page.locator(".kepweb-municipality")).to_have_count(1)
    expect(page.locator(".kepweb-municipality__name")).to_have_text("Δήμος Χανίων")
    expect(page.locator("#announcer")).to_have_text("1 δήμος ταιριάζει με «ΧΑΝΙΑ»")
    # The box keeps focus while the results change, and the URL can be shared.
    expect(page.locator("#q")).to_be_focused()
    assert "q=%CE%A7%CE%91%CE%9D%CE%99%CE%91" in page.url


def test_the_phase_tag_is_shown_as_written_with_no_accented_capitals(page_el):
    """What the browser draws (innerText applies text-transform): the catalogue's own words,
    so no capital keeps an accent, which Greek capitals never carry."""
    page_el.goto("/")
    tag = page_el.locator(".govgr-phase-banner__content__tag")
    drawn, written = tag.inner_text(), tag.text_content().strip()
    assert drawn == written == "Πιλοτική λειτουργία"
    assert not set(drawn) & set("ΆΈΉΊΌΎΏ")


def test_the_live_region_is_on_the_page_and_empty_before_anything_happens(page_el):
    page_el.goto("/municipalities")
    region = page_el.locator("#announcer")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("")


def test_search_works_without_javascript(browser, base_url):
    context = new_context(browser, base_url, "en", javascript=False)
    page = context.new_page()
    page.goto("/municipalities")
    page.fill("#q", "kalamata")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator(".kepweb-municipality__name")).to_have_text(["Municipality of Kalamata"])
    assert page.url.endswith("/municipalities?q=kalamata")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_feedback_errors_are_summarised_and_linked_to_the_fields(browser, base_url, javascript):
    context = new_context(browser, base_url, "en", javascript=javascript)
    page = context.new_page()
    page.goto("/feedback")
    page.fill("#email", "not an email")
    page.locator("form.govgr-form button[type=submit]").click()
    expect(page).to_have_title("Error: Report a problem – myKEPlive")
    summary = page.locator("[data-error-summary]")
    expect(summary.locator("a")).to_have_text([
        "Tell us what the problem is",
        "Enter an email address in the correct format, like name@example.com",
    ])
    if javascript:
        expect(summary).to_be_focused()
    summary.locator("a").first.click()
    expect(page.locator("#problem")).to_be_focused()
    expect(page.locator("#email")).to_have_value("not an email")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_feedback_reaches_the_outbox(browser, live_service, javascript):
    live_service.outbox.clear()
    context = new_context(browser, live_service.url, "el", javascript=javascript)
    page = context.new_page()
    page.goto("/feedback")
    page.fill("#problem", "Ο σύνδεσμος δεν διαβάζεται από τον αναγνώστη οθόνης")
    page.locator("form.govgr-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Ευχαριστούμε για το μήνυμά σας")
    [message] = live_service.outbox.messages()
    assert "αναγνώστη οθόνης" in message["text"]
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_language_switch_keeps_you_on_the_same_page(browser, base_url, javascript):
    context = new_context(browser, base_url, "el", javascript=javascript)
    page = context.new_page()
    page.goto("/municipalities?q=χανια")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Participating municipalities and their KEPs")
    expect(page.locator("#q")).to_have_value("χανια")
    page.goto("/manual")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice persists
    context.close()


def test_the_skip_link_is_first_visible_on_focus_and_goes_to_the_content(page_el):
    page = page_el
    page.goto("/manual")
    page.keyboard.press("Tab")
    skip = page.locator(".govgr--skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["width"] > 24 and box["height"] >= 24
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()


def test_nothing_is_fetched_from_another_origin(page_el, base_url):
    requested = []
    page_el.on("request", lambda request: requested.append(request.url))
    page_el.goto("/")
    page_el.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(base_url) for url in requested), requested
    fonts = [url for url in requested if url.endswith(".woff2")]
    assert fonts, "the self-hosted Roboto font is used"
