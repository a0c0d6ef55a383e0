"""What a screen reader says on every step and state of the booking wizard, in
Greek and English with JavaScript on: @guidepup/virtual-screen-reader in
Chromium (e2e/screen_reader.py).

The texts we expect come from the page itself (its h1, labels, legends, hints,
error messages, live-region text), so the test follows the wording as it is
translated; only the step titles of e2e/wizard.py are fixed. A hint or an error
counts as said only when it is said together with its field, as the field's
description: read out alone, as a paragraph, it is missed by whoever tabs from
field to field.

A module of its own, with a scheduling service of its own: the sandbox allows
one active booking per citizen and procedure, and these walks book.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import new_context
from e2e.screen_reader import heard, listen, listening, normalise, press, read_on, read_page, said_as, said_together
from e2e.wizard import STEP_TITLES, Wizard, every_step, sign_in, step_heading
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

# Who walks the wizard in each language, and the business procedure they book.
WALKERS = {"el": "giorgos", "en": "maria"}
QUERIES = {"el": "epimelitirio", "en": "ergodotis"}
HELD_UNTIL = re.compile(r"\b\d{1,2}:\d{2}\b")

# Each field of the step's form (controls and fieldsets), with its name (label
# or legend) and the hints and error messages that belong to it by where they
# sit: an option's beside its radio, a field's in its .govgr-field, a group's in
# its fieldset. A hint or an error of no field is listed with an empty name.
FIELDS_OF_THE_PAGE = """() => {
    const text = (element) => element ? element.textContent.replace(/\\s+/g, " ").trim() : "";
    const shown = (element) => element.getClientRects().length > 0;
    const main = document.getElementById("main-content");
    const controls = "input:not([type=hidden]), select, textarea";
    const fields = new Map();
    const fieldOf = (owner) => {
        if (!fields.has(owner)) {
            const name = owner.matches("fieldset") ? text(owner.querySelector(":scope > legend"))
                : text(owner.labels && owner.labels[0]);
            fields.set(owner, {name, hints: [], errors: []});
        }
        return fields.get(owner);
    };
    const ownerOf = (note) => note.parentElement.matches(".govgr-radios__item, .govgr-checkboxes__item, .govgr-field")
        ? note.parentElement.querySelector(controls) : note.closest("fieldset");
    main.querySelectorAll(`${controls}, fieldset`).forEach((field) => shown(field) && fieldOf(field));
    main.querySelectorAll(".govgr-hint, .govgr-error-message").forEach((note) => {
        if (!shown(note)) { return; }
        const field = fieldOf(ownerOf(note) || note);
        (note.matches(".govgr-hint") ? field.hints : field.errors).push(text(note));
    });
    return [...fields.values()];
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("screen-reader") / "scheduling.sqlite3")
    yield service
    service.stop()


@pytest.fixture(scope="module")
def citizen_page(browser, service):
    """A page of a signed-in citizen, as e2e/test_booking.py's `signed_in`: one
    sign-in per citizen, whose cookies serve each context of theirs."""
    states, opened = {}, []

    def page_for(username, language):
        if username not in states:
            signing = new_context(browser, service.url, language)
            sign_in(signing.new_page(), username)
            states[username] = signing.storage_state()
            signing.close()
        context = new_context(browser, service.url, language, storage_state=states[username])
        opened.append(context)
        return context.new_page()

    yield page_for
    for context in opened:
        context.close()


def text_of(locator) -> str:
    """The text of what the locator finds, as said; empty if it finds nothing."""
    return normalise(" ".join(locator.all_text_contents()))


# -- what is said on each state ------------------------------------------------------------

def heading_problems(page, language, state, whole) -> list[str]:
    """The h1, with its step number, is said as a heading."""
    h1 = text_of(page.locator("#main-content h1"))
    step = state.split("-")[0]
    problems = []
    if step in STEP_TITLES[language] and not step_heading(STEP_TITLES[language][step]).match(h1):
        problems.append(f"the h1 {h1!r} has no step number")
    if not said_as(whole, "heading", h1):
        problems.append(f"the h1 {h1!r} is not said as a heading")
    return problems


def field_problems(page, whole) -> list[str]:
    """Each field is said with its label or legend, its hints and its error."""
    problems = []
    for field in page.evaluate(FIELDS_OF_THE_PAGE):
        notes = field["hints"] + field["errors"]
        if not field["name"]:
            problems.append(f"a field (or a hint or error of no field) has no name to be said by: {notes}")
        elif not said_together(whole, field["name"], *notes):
            problems.append(f"{field['name']!r} is not said with {notes}")
    return problems


def error_problems(page, whole) -> list[str]:
    """The error summary's errors and the inline errors are all said."""
    errors = [normalise(item) for item in page.locator("[data-error-summary] li").all_text_contents()]
    inline = [normalise(error) for error in page.locator("#main-content .govgr-error-message").all_text_contents()]
    problems = [] if errors else ["an error summary without errors"]
    return problems + [f"the error {error!r} is not said" for error in errors + inline
                       if not any(error in normalise(phrase) for phrase in whole)]


def error_arrival_problems(page) -> list[str]:
    """After a failed submit focus is on the error summary, which says its
    title, and reading on from there says every error."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    arrival = heard(page)
    title = text_of(summary.locator("#error-summary-title"))
    problems = [] if any(title in normalise(phrase) for phrase in arrival) else [
        f"focus on the error summary does not say {title!r}: {arrival}"]
    after_focus = read_on(page)
    return problems + [f"reading on from the error summary does not say {normalise(error)!r}"
                       for error in summary.locator("li").all_text_contents()
                       if not any(normalise(error) in normalise(phrase) for phrase in after_focus)]


def arrival_problems(page) -> list[str]:
    """A new step swapped in moves focus to its h1, which is said with its number."""
    h1 = page.locator("#main-content h1")
    expect(h1).to_be_focused()
    arrival = heard(page)
    if said_as(arrival, "heading", text_of(h1)):
        return []
    return [f"arriving does not say the heading {text_of(h1)!r}: {arrival}"]


def announcement_problems(page, announcement) -> list[str]:
    """The live search's result count is announced through #announcer, once."""
    expect(page.locator("#announcer")).to_have_text(announcement)
    said = heard(page)
    times = said.count(f"polite: {announcement}")
    return [] if times == 1 else [f"{announcement!r} is announced {times} times: {said}"]


def held_time_problems(page, language, whole) -> list[str]:
    """The time held for the citizen is said with the time until when."""
    sentence = text_of(page.locator(".kepweb-hold p"))
    problems = [] if HELD_UNTIL.search(sentence) else [f"no time in {sentence!r}"]
    if language == "en" and not re.search(r"held for you until \d{1,2}:\d{2}", sentence):
        problems.append(f"not 'held for you until HH:MM': {sentence!r}")
    if not any(sentence == normalise(phrase) for phrase in whole):
        problems.append(f"{sentence!r} is not said")
    return problems


@pytest.mark.parametrize("language", ["el", "en"])
def test_every_step_says_its_heading_fields_hints_errors_and_changes(citizen_page, tmp_path, language):
    page = citizen_page(WALKERS[language], language)
    page.goto("/book")
    wizard = Wizard(page, language, strict=False)
    problems, checked = {}, set()
    for state in every_step(wizard, QUERIES[language], tmp_path):
        found = []
        announcement = text_of(page.locator("#main-content [data-announce]"))
        has_errors = page.locator("[data-error-summary]").count() > 0
        if announcement:  # waits for it, so it is asked before anything else
            found += announcement_problems(page, announcement)
            checked.add("announcement")
        elif listening(page):  # htmx swapped the state in (a full page load ends the reader)
            if has_errors:
                found += error_arrival_problems(page)
                checked.add("errors on arrival")
            else:
                found += arrival_problems(page)
                checked.add("heading on arrival")
        whole = read_page(page)
        found += heading_problems(page, language, state, whole)
        found += field_problems(page, whole)
        if has_errors:
            found += error_problems(page, whole)
            checked.add("errors")
        if page.locator(".kepweb-hold").is_visible():
            found += held_time_problems(page, language, whole)
            checked.add("held time")
        if found:
            problems[state] = found
        listen(page)  # for what the next step's arrival says
    assert not problems, "\n".join(f"{state}: {found}" for state, found in problems.items())
    assert checked == {"announcement", "errors", "errors on arrival", "heading on arrival", "held time"}, checked


@pytest.mark.parametrize("language", ["el", "en"])
def test_tab_from_the_top_says_the_skip_link_first(citizen_page, language):
    page = citizen_page("nikos", language)
    page.goto("/book")
    expect(page.locator("#main-content h1")).to_have_text(step_heading(STEP_TITLES[language]["category"]))
    skip_link = text_of(page.locator(".govgr--skip-link"))
    listen(page)
    assert press(page, "Tab") == [f"link, {skip_link}"]
    assert "main" in press(page, "Enter")  # the link takes the reader to the main content
    expect(page.locator("#main-content")).to_be_focused()
