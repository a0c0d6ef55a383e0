"""Every page and state, both languages, phone and desktop, JavaScript on and off:
axe-core finds nothing, nothing is fetched from another origin, nothing is
blocked by the Content-Security-Policy, and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context

pytestmark = pytest.mark.browser


def submit_empty_feedback(page, base):
    page.goto(f"{base}/feedback")
    page.locator("form.govgr-form button[type=submit]").click()
    page.wait_for_load_state()


def submit_feedback_with_stale_token(page, base):
    page.goto(f"{base}/feedback")
    page.fill("#problem", "Some text")
    page.locator("#csrf_token").evaluate("input => { input.value = 'stale'; }")
    page.locator("form.govgr-form button[type=submit]").click()
    page.wait_for_load_state()


def goto(path):
    def visit(page, base):
        page.goto(f"{base}{path}")
    return visit


STATES = {
    "home": goto("/"),
    "start": goto("/start"),
    "manual": goto("/manual"),
    "municipalities": goto("/municipalities"),
    "municipalities-search": goto("/municipalities?q=χανια"),
    "municipalities-nothing-found": goto("/municipalities?q=atlantis"),
    "municipality": goto("/municipalities/chania"),
    "accessibility-statement": goto("/accessibility"),
    "privacy": goto("/privacy"),
    "feedback": goto("/feedback"),
    "feedback-with-errors": submit_empty_feedback,
    "feedback-sent": goto("/feedback/sent"),
    "not-found": goto("/no-such-page"),
    "server-error": goto("/e2e/explode"),
    "too-large": goto("/e2e/too-large"),
    "refused-unforeseen": goto("/e2e/refused"),
    "form-expired": submit_feedback_with_stale_token,
}


@pytest.mark.parametrize("javascript", ["js-on", "js-off"])
@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_page_is_accessible(browser, live_service, service_without_api, language, viewport, javascript):
    base = live_service.url
    context = new_context(browser, base, language, viewport, block_scripts=(javascript == "js-off"))
    context.add_cookies([{"name": "kepweb_lang", "value": language, "url": service_without_api.url}])
    states = dict(STATES, **{
        "service-unavailable": lambda page, _base: page.goto(f"{service_without_api.url}/municipalities")})
    page = context.new_page()
    foreign_requests, console_errors = [], collect_console_errors(page)
    page.on("request", lambda request: foreign_requests.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:")) else None)

    problems = {}
    for name, reach in states.items():
        console_errors.clear()
        reach(page, base)
        found = page_problems(page, language, javascript == "js-on", console_errors)
        if found:
            problems[name] = found
    context.close()
    assert not foreign_requests, f"requests left our origin: {foreign_requests}"
    assert not problems, problems
