"""The booking wizard in a real browser: a full booking in every category with
JavaScript on and off, and axe-core on every step and state in Greek and
English, JavaScript on and off. (The booking with the keyboard alone is in
e2e/test_keyboard.py.)

Each test signs in as a citizen of its own, or books a procedure of its own, so
that the sandbox's rule of one active booking per citizen and procedure never
blocks another test: the wizard keeps its answers per ΑΦΜ on the server, so
every walk starts with the wizard's own "book again" (`start_afresh`).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.a11y import axe_violations, collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.wizard import CONTACT, SUBMIT, Wizard, every_step, minimal_pdf, sign_in, wait_for_outbox
from tests.clock import SandboxClock
from tests.live_service import LiveService

pytestmark = pytest.mark.browser


# Per category: who books, how they search (one query per JavaScript setting, so
# that the two runs of a category book two procedures), where, what they need
# and how the result comes back.
BOOKINGS = {
    "information": {"user": "maria", "queries": {"on": "epidoma", "off": "pistopoiitiko"}, "place": "anywhere",
                    "needs": [], "delivery": "email", "attach_pdf": {"on"}},
    "business": {"user": "nikos", "queries": {"on": "pistopoiitiko", "off": "pliroforisi"}, "place": "kalamata",
                 "needs": [], "delivery": "email", "attach_pdf": set()},
    "disability": {"user": "giorgos", "queries": {"on": "epidoma", "off": "pliroforisi"}, "place": "anywhere",
                   "needs": ["sign_language", "lip_reading"], "delivery": "post", "attach_pdf": set()},
    "municipal": {"user": "eleni", "queries": {"on": "pistopoiitiko", "off": "vevaiosi"}, "place": "chania",
                  "needs": [], "delivery": "pickup", "attach_pdf": set()},
}
DELIVERY_LABELS = {"email": "By email", "post": "By post", "pickup": "I will collect it from the KEP"}
NEED_LABELS = {"sign_language": "A Greek Sign Language interpreter",
               "lip_reading": "Lip-reading: the employee faces the camera, with good light"}


@pytest.fixture(scope="module")
def signed_in(browser):
    """A browser context of a signed-in citizen; each citizen signs in once per service.

    The session lives on the server, so the cookies of one sign-in serve every
    context of that citizen (JavaScript on, off, another language)."""
    states, opened = {}, []

    def context_for(service, username, language="en", **options):
        if (service.url, username) not in states:
            signing = new_context(browser, service.url, language)
            sign_in(signing.new_page(), username)
            states[(service.url, username)] = signing.storage_state()
            signing.close()
        context = new_context(browser, service.url, language, "mobile",
                              storage_state=states[(service.url, username)], **options)
        opened.append(context)
        return context

    yield context_for
    for context in opened:
        context.close()


def choose_place(wizard, place, municipal):
    """Any KEP, or a municipality found by its Greeklish name and then a KEP of it."""
    if place == "anywhere":
        wizard.choose("municipality", "anywhere")
        return "anywhere"
    wizard.search(place, "municipality")
    wizard.choose("municipality", place)
    wizard.continue_to("kep")
    if municipal:  # a KEP of the municipality, by name
        kep = wizard.page.locator("#main-content input[name=kep]:not([value=any])").first
        kep.check()
        return kep.get_attribute("value")
    wizard.choose("kep", "any")
    return "any"


@pytest.mark.parametrize("javascript", ["on", "off"])
@pytest.mark.parametrize("category", list(BOOKINGS))
def test_a_full_booking(signed_in, live_service, tmp_path, category, javascript):
    plan, scripts = BOOKINGS[category], javascript == "on"
    email = f"{plan['user']}.{category}.js-{javascript}@example.com"
    page = signed_in(live_service, plan["user"], "en", javascript=scripts).new_page()
    page.goto("/book")
    wizard = Wizard(page, "en", scripts=scripts)
    wizard.begin()

    wizard.choose("category", category)
    municipal = category == "municipal"
    if category == "business":
        wizard.continue_to("business")
        wizard.choose("representative", "yes")
        wizard.fill({"tax_id": "094014201", "name": "Papadopoulou Foods S.A."})
        wizard.continue_to("procedure")
    else:
        wizard.continue_to("municipality" if municipal else "procedure")
    if municipal:  # the place first: municipal procedures differ per municipality
        choose_place(wizard, plan["place"], municipal)
        wizard.continue_to("procedure")
    wizard.search(plan["queries"][javascript], "procedure")
    procedure = wizard.choose_first("procedure")
    if not municipal:
        wizard.continue_to("municipality")
        choose_place(wizard, plan["place"], municipal)
    wizard.continue_to("needs")
    for need in plan["needs"]:
        wizard.choose("needs", need)
    wizard.continue_to("time")

    wizard.first_day()
    slot = wizard.choose_first("slot")
    wizard.continue_to("details")
    expect(page.locator(".kepweb-hold")).to_contain_text(slot.split(",")[0])

    wizard.fill({"full_name": "Test Citizen", "email": email, **CONTACT})
    wizard.choose("contact_preference", "email")
    wizard.continue_to("document")
    wizard.choose("id_document", "passport")
    attach = javascript in plan["attach_pdf"]
    if attach:
        page.locator("#files").set_input_files(minimal_pdf(tmp_path))
    wizard.continue_to("delivery")
    wizard.choose("method", plan["delivery"])
    if plan["delivery"] == "post":
        wizard.choose("post_to", "same")
    wizard.continue_to("check")

    summary = page.locator("#main-content")
    expect(summary).to_contain_text(procedure)
    expect(summary).to_contain_text(email)
    expect(summary).to_contain_text("Passport")
    expect(summary).to_contain_text(DELIVERY_LABELS[plan["delivery"]])
    for need in plan["needs"]:
        expect(summary).to_contain_text(NEED_LABELS[need])
    if attach:
        expect(summary).to_contain_text("supporting-document")
    if category == "business":
        expect(summary).to_contain_text("094014201")
    assert wizard.numbers[-1][1] == wizard.numbers[-1][2], f"check is not the last step: {wizard.numbers}"

    page.locator(f"{SUBMIT}[data-submit-once]").click()
    reference = wizard.expect_confirmation()
    [message] = wait_for_outbox(live_service.outbox, lambda m: reference in m["subject"] and m["to"] == [email])
    assert message["to"] == [email]
    assert message["subject"] == f"Appointment {reference} confirmed – myKEPlive"
    assert reference in message["text"]


def test_back_from_the_first_step_shows_the_page_before_it(signed_in, live_service):
    """With JavaScript, Back on step 1 is swapped in by htmx like any step: the
    whole of "Before you start" must arrive, its <main>, its h1 and its <title>."""
    page = signed_in(live_service, "maria", "en").new_page()
    page.goto("/book")
    Wizard(page, "en").begin()
    page.locator("#main-content .govgr-back-link").click()
    expect(page).to_have_url(re.compile(r"/start$"))
    expect(page.locator("#main-content"), "after Back the page has no <main> any more").to_have_count(1)
    expect(page.locator("#main-content h1")).to_have_text("Before you start")
    expect(page).to_have_title("Before you start – myKEPlive")


# -- axe-core on every step and state ------------------------------------------------------

# Who walks the wizard for the accessibility checks, and which business
# procedure each walk books (one per walk: one active booking per procedure).
A11Y_USERS = {"el": "giorgos", "en": "maria"}
A11Y_QUERIES = {("el", "js-on"): "epimelitirio", ("el", "js-off"): "ptochefsi",
                ("en", "js-on"): "ergodotis", ("en", "js-off"): "gemi"}


@pytest.mark.parametrize("javascript", ["js-on", "js-off"])
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_step_and_state_is_accessible(signed_in, live_service, tmp_path, language, javascript):
    scripts = javascript == "js-on"
    # Scripts blocked: what a browser without JavaScript renders, where axe can run (see e2e/conftest.py).
    page = signed_in(live_service, A11Y_USERS[language], language, block_scripts=not scripts).new_page()
    console_errors = collect_console_errors(page)
    page.goto("/book")
    wizard = Wizard(page, language, scripts=scripts, strict=False)
    problems, reached = {}, None
    walk = every_step(wizard, A11Y_QUERIES[(language, javascript)], tmp_path)
    try:
        for reached in walk:
            found = page_problems(page, language, scripts, console_errors)
            console_errors.clear()
            if found:
                problems[reached] = found
    except AssertionError as stopped:  # report what axe found on the way, too
        problems[f"the walk stopped after {reached}"] = [str(stopped).splitlines()[0]]
    assert not problems, "\n".join(f"{state}: {found}" for state, found in problems.items())


# -- the held time: its warning two minutes before it is released, and its release ---------

HOLD_MINUTES = 10


def service_with_a_settable_clock(database, overrides=None) -> LiveService:
    """The embedded default, its scheduling clock (`service.clock`) settable so that a held time runs out soon."""
    clock = SandboxClock()
    service = LiveService(database, overrides, sandbox_settings={"clock": clock, "hold_minutes": HOLD_MINUTES})
    service.clock = clock
    return service


@pytest.fixture(scope="module")
def holds_service(tmp_path_factory):
    service = service_with_a_settable_clock(tmp_path_factory.mktemp("holds") / "scheduling.sqlite3")
    yield service
    service.stop()


def take_a_time(wizard, seconds_left, clock, then="details"):
    """Choose the first free time so that the API holds it for `seconds_left` more seconds."""
    clock.behind = timedelta(minutes=HOLD_MINUTES) - timedelta(seconds=seconds_left)
    wizard.first_day()
    wizard.choose_first("slot")
    with wizard.page.expect_response(lambda answer: answer.request.method == "POST" and "/book/time" in answer.url):
        wizard.submit()  # the API has made the hold when this answers
    clock.behind = timedelta(0)
    if then:
        wizard.expect_step(then)


@pytest.mark.parametrize("javascript", ["js-on", "js-off"])
@pytest.mark.parametrize("language", ["el", "en"])
def test_the_held_time_its_warning_and_its_release_are_accessible(signed_in, holds_service, language, javascript):
    scripts = javascript == "js-on"
    page = signed_in(holds_service, "maria", language, block_scripts=not scripts).new_page()
    page.goto("/book")
    wizard = Wizard(page, language, scripts=scripts, strict=False)
    wizard.to_the_time_step()
    take_a_time(wizard, 100, holds_service.clock)

    problems = {}
    warning = page.locator("#hold-warning")
    extend = page.locator(".kepweb-hold button[type=submit]")
    if scripts:
        expect(warning).to_be_visible(timeout=10_000)
        expect(warning).to_be_focused()
        expect(warning).to_have_attribute("role", "alertdialog")
        problems["hold-warning"] = axe_violations(page)
        page.keyboard.press("Tab")  # from the dialog to its one button: hold it for longer
        expect(warning.locator("button")).to_be_focused()
        held_until = page.locator("[data-hold-sentence=held]").inner_text()
        page.keyboard.press("Enter")
        expect(warning).to_be_hidden()
        # The page now says the new time, here and in the next warning: never the old one.
        expect(page.locator("[data-hold-sentence=held]")).not_to_have_text(held_until)
        expect(page.locator("[data-hold-sentence=warning]")).to_contain_text(
            page.locator("[data-hold-sentence=held]").inner_text().split()[-1].rstrip("."))
        expect(page.locator("#main-content h1")).to_be_focused()  # back where the citizen was
    else:
        expect(page.locator(".kepweb-hold")).to_be_visible()
        expect(warning).to_be_hidden()  # no timer without JavaScript: the banner says until when
        problems["held-time"] = axe_violations(page)
        extend.click()
        wizard.expect_step("details")
        expect(page.locator(".govgr-notification-banner[role=alert]")).to_be_visible()
        problems["held-for-longer"] = axe_violations(page)

    # A time released: back to the day and time, with a message. With JavaScript,
    # held for 3 more seconds: the timer goes there a second after the end. Without
    # it there is no timer and the next request after the end finds out: the API
    # makes a hold that ended a second ago, and the step after the time is that request.
    page.goto("/book/time")
    take_a_time(wizard, 3 if scripts else -1, holds_service.clock, then=None)
    wizard.expect_step("time")
    expect(page.locator(".govgr-notification-banner[role=alert]")).to_be_visible()
    problems["time-released"] = axe_violations(page)
    assert not any(problems.values()), problems
