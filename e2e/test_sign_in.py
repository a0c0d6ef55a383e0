"""Signing in with the GSIS-like provider in a real browser, JavaScript on and off,
and every page of that flow checked with axe-core in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.a11y import axe_violations
from e2e.conftest import new_context
from e2e.wizard import step_heading
from sandbox.gsis import PASSWORD
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

SUBMIT = {"el": "Σύνδεση", "en": "Sign in"}


def sign_in_at_provider(page, username, language):
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False])
def test_sign_in_round_trip(browser, base_url, javascript):
    context = new_context(browser, base_url, "en", javascript=javascript)
    page = context.new_page()
    page.goto("/start")
    page.get_by_role("link", name="Sign in with Taxisnet").click()
    assert "/oauth2server/oauth/authorize" in page.url
    sign_in_at_provider(page, "maria", "en")
    # Straight into the booking, at its first question.
    expect(page.locator("h1")).to_have_text(step_heading("What do you need help with?"))
    expect(page.locator(".kepweb-account__name")).to_have_text("ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ")
    page.get_by_role("link", name="My appointments").first.click()
    expect(page.locator("h1")).to_have_text("My appointments")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Book a video call with a KEP")
    expect(page.locator(".kepweb-account__name")).to_have_count(0)
    context.close()


def flow_states(page, base):
    """Yield (name) after reaching each page of the sign-in flow."""
    page.goto(f"{base}/sign-in")
    yield "provider-sign-in"
    page.fill("#username", "maria")
    page.fill("#password", "wrong")
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    yield "provider-wrong-password"
    with page.expect_navigation():
        page.locator("a[href*='error=access_denied']").click()
    page.wait_for_load_state()
    yield "sign-in-cancelled"
    page.goto(f"{base}/sign-in")
    sign_in_at_provider(page, "invalid", None)
    yield "sign-in-failed"
    # Taxisnet remembers who signed in there until its own logout.
    page.goto(f"{base}/oauth2server/logout/kepweb-sandbox/?url={base}/")
    page.goto(f"{base}/sign-in?next=/appointments")
    sign_in_at_provider(page, "giorgos", None)
    yield "my-appointments"
    page.goto(f"{base}/start")
    yield "start-signed-in"
    page.goto(f"{base}/session/expired")
    yield "session-expired"


@pytest.mark.parametrize("javascript", ["js-on", "js-off"])
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_page_of_the_sign_in_flow_is_accessible(browser, live_service, language, javascript):
    context = new_context(browser, live_service.url, language, block_scripts=(javascript == "js-off"))
    page = context.new_page()
    problems = {}
    for state in flow_states(page, live_service.url):
        found = axe_violations(page)
        if page.locator("h1").count() != 1:
            found.append("not exactly one h1")
        if found:
            problems[state] = found
    context.close()
    assert not problems, problems


def service_with_short_sessions(database) -> LiveService:
    """Sessions of 2 minutes 5 seconds: the warning comes 5 seconds after the last request."""
    return LiveService(database, {"PERMANENT_SESSION_LIFETIME": timedelta(seconds=125)})


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    service = service_with_short_sessions(tmp_path_factory.mktemp("short") / "scheduling.sqlite3")
    yield service
    service.stop()


def test_the_idle_warning_takes_focus_and_lets_you_stay(browser, short_sessions):
    context = new_context(browser, short_sessions.url, "en")
    page = context.new_page()
    page.goto("/sign-in?next=/appointments")
    sign_in_at_provider(page, "maria", "en")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_be_focused()
    expect(warning).to_have_attribute("role", "alertdialog")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    status = page.request.get(f"{short_sessions.url}/session/status").json()
    assert status["signed_in"] and status["seconds_left"] > 115
    context.close()
