"""What the citizen sees, in a real browser, when things go wrong or off the
straight path: a new time taken by somebody else while they reschedule, a
cancel pressed after the start, the session ending in the middle of the
wizard; and what has no other browser test: a file sent and removed, and the
"first free time" button with JavaScript off.

Each situation is made through the sandbox itself (other citizens holding a
time through its API, its settable clock), never by mocking the frontend. What
is asserted is the outcome, not the wording (the wizard's and my appointments'
messages are being reworked): where the citizen lands, that something on the
page tells them (an alert, an error summary, a notification), that no error page
appears, and what the sandbox then holds (the appointment kept its time, or is
still booked).

A LiveService of this module's own with a settable scheduling clock; each test
books as a citizen, or a procedure, of its own.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from e2e.conftest import new_context
from e2e.test_appointments import book, cancel_quietly, fetch_booking, sign_in_at_provider
from e2e.test_appointments import sign_in as sign_in_to_my_appointments
from e2e.test_booking import service_with_a_settable_clock
from e2e.wizard import ATHENS, CONTACT, STEP_TITLES, Wizard, minimal_pdf, sign_in, step_heading
from kepweb.scheduling import SchedulingProblem

pytestmark = pytest.mark.browser

# The h1 of the error pages (404, 500, 503, the refused form), in English.
ERROR_PAGES = re.compile("^(Page not found|Sorry, there is a problem with the service|"
                         "Sorry, the service is unavailable|We could not accept the form)$")
# Whatever tells the citizen what happened: a flashed banner, an alert, an error summary or message.
TOLD = "#main-content [role=alert], #main-content [data-error-summary], #main-content .govgr-notification-banner, " \
       "#main-content .govgr-error-message"
# Citizens who take a time from under another (valid ΑΦΜ, none of them books in this module).
OTHER_CITIZENS = ["090000045", "998877666", "111111114", "094014201"]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = service_with_a_settable_clock(tmp_path_factory.mktemp("go-wrong") / "scheduling.sqlite3",
                                            {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


@pytest.fixture
def clock(service):
    """The sandbox scheduling service's clock, back to real time after the test."""
    yield service.clock
    service.clock.behind = timedelta(0)


def expect_told_not_an_error_page(page):
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).not_to_have_text(ERROR_PAGES)
    told = page.locator(TOLD)
    expect(told.first).to_be_visible()
    assert any(text.strip() for text in told.all_inner_texts()), "the notice says nothing"


# -- my appointments -------------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_rescheduling_to_a_time_taken_meanwhile_keeps_the_old_time(browser, service, javascript):
    procedure = "child-benefit" if javascript else "housing-allowance"
    booking = book(service, "maria", procedure, municipality="psara")
    api = service.frontend.extensions["scheduling"]
    context = new_context(browser, service.url, "en", javascript=javascript)
    page = context.new_page()
    taken = []
    try:
        sign_in_to_my_appointments(page, "maria")
        page.goto(f"/appointments/{booking.reference}/reschedule")
        times = page.locator("input[name=slot]").evaluate_all("inputs => inputs.map(input => input.value)")
        others = [value for value in times if not value.endswith(booking.start.isoformat())]
        if not others:  # the booked day has no other free time: the next day that has
            page.locator(".kepweb-days a").first.click()
            expect(page.locator("input[name=slot]").first).to_be_visible()
            others = page.locator("input[name=slot]").evaluate_all("inputs => inputs.map(input => input.value)")
        chosen = others[0]
        kep_id, _bar, start = chosen.partition("|")
        page.locator(f"input[name=slot][value='{chosen}']").check()
        # While Maria looks at it, other citizens hold that time, until no employee of the KEP is free then.
        for tax_id in OTHER_CITIZENS:
            try:
                hold = api.holds.hold(tax_id, category="information", procedure="contact-registry", kep_id=kep_id,
                                      start=datetime.fromisoformat(start))
            except SchedulingProblem as refused:
                assert refused.code == "slot_taken", refused.code
                break
            taken.append((tax_id, hold.id))
        else:
            raise AssertionError(f"{len(OTHER_CITIZENS)} citizens could not take {chosen}")
        page.locator("#main-content form button[type=submit]").last.click()

        expect(page).to_have_url(re.compile(rf"/appointments/{booking.reference}(/reschedule)?([?#].*)?$"))
        expect_told_not_an_error_page(page)
        kept = fetch_booking(service, "maria", booking.reference)
        assert (kept.status, kept.kep.id, kept.start, kept.end) == \
            ("confirmed", booking.kep.id, booking.start, booking.end), "the old appointment did not keep its time"
    finally:
        for tax_id, hold_id in taken:
            api.holds.release(tax_id, hold_id)
        context.close()
        cancel_quietly(service, "maria", booking.reference)


def test_cancelling_after_the_start_keeps_the_appointment_and_says_so(browser, service, clock):
    booking = book(service, "giorgos", "birth-allowance", municipality="psara")
    context = new_context(browser, service.url, "en")
    page = context.new_page()
    try:
        sign_in_to_my_appointments(page, "giorgos")
        page.goto(f"/appointments/{booking.reference}/cancel")
        button = page.locator("#main-content form button[type=submit]")
        expect(button).to_be_visible()
        # The citizen stays on the page past the start: the sandbox's clock a minute after it.
        clock.behind = -(booking.start - datetime.now(timezone.utc) + timedelta(minutes=1))
        button.click()
        expect(page).to_have_url(re.compile(rf"/appointments/{booking.reference}([?#].*)?$"))
        expect_told_not_an_error_page(page)
        assert fetch_booking(service, "giorgos", booking.reference).status == "confirmed"
    finally:
        clock.behind = timedelta(0)
        context.close()
        cancel_quietly(service, "giorgos", booking.reference)


# -- the wizard ------------------------------------------------------------------------------

def to_the_details(wizard):
    """An information booking at any KEP: the first procedure, the first free time."""
    wizard.to_the_time_step()
    wizard.first_day()
    wizard.choose_first("slot")
    wizard.continue_to("details")


def test_a_session_that_ends_mid_wizard_keeps_the_answers_for_after_signing_in_again(browser, service):
    context = new_context(browser, service.url, "en", javascript=False)
    page = context.new_page()
    sign_in(page, "nikos")
    wizard = Wizard(page, "en", scripts=False)
    procedure = wizard.to_the_time_step()
    wizard.first_day()
    wizard.choose_first("slot")
    wizard.continue_to("details")
    wizard.fill({"full_name": "Nikos Nikolaou", "email": "nikos.session@example.com", **CONTACT})
    # The session has been idle longer than it lives (a lifetime shorter than any wait: zero).
    service.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(0)
    try:
        wizard.submit()
        expect(page).to_have_url(re.compile(r"/session/expired([?#].*)?$"))
        expect(page.locator("h1")).not_to_have_text(ERROR_PAGES)
    finally:
        service.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)
    # Signed out for real: the wizard sends the citizen to sign in again ...
    again = page.request.get(f"{service.url}/book", max_redirects=0)
    assert again.status == 303 and again.headers["location"].startswith("/sign-in"), again.headers
    page.goto("/sign-in?next=/book")
    if "/oauth2server/" in page.url:  # Taxisnet remembers who signed in there, until its own logout
        sign_in_at_provider(page, "nikos")
    # ... and goes on after what was answered before (the time, or choosing it again), not from the start.
    titles = STEP_TITLES["en"]
    expect(page.locator("#main-content h1")).to_have_text(
        re.compile(rf"({re.escape(titles['details'])}|{re.escape(titles['time'])})$"))
    page.goto("/book/procedure")
    expect(page.locator(f"#main-content input[name=procedure][value='{procedure}']")).to_be_checked()
    page.goto("/book/municipality")
    expect(page.locator("#main-content input[name=municipality][value=anywhere]")).to_be_checked()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_file_sent_is_listed_and_can_be_removed(browser, service, tmp_path, javascript):
    context = new_context(browser, service.url, "en", javascript=javascript)
    page = context.new_page()
    sign_in(page, "kostas" if javascript else "eleni")
    wizard = Wizard(page, "en", scripts=javascript, strict=False)
    to_the_details(wizard)
    wizard.fill({"full_name": "Test Citizen", "email": "files@example.com", **CONTACT})
    wizard.choose("contact_preference", "email")
    wizard.continue_to("document")
    wizard.choose("id_document", "passport")
    page.locator("#files").set_input_files(minimal_pdf(tmp_path, "payslip-march.pdf"))
    wizard.continue_to("delivery")

    page.locator("#main-content .govgr-back-link").click()
    wizard.expect_step("document")
    files = page.locator("#main-content .kepweb-files li")
    expect(files).to_have_count(1)
    expect(files).to_contain_text("payslip-march")
    files.first.locator("form[action*='/book/document/remove/'] button").click()
    wizard.expect_step("document")
    expect(page.locator("#main-content .kepweb-files li")).to_have_count(0)
    expect(page.locator("#main-content")).not_to_contain_text("payslip-march")

    # On to the check page: the file is gone from the answers too.
    wizard.continue_to("delivery")
    wizard.choose("method", "email")
    wizard.continue_to("check")
    expect(page.locator("#main-content")).to_contain_text("Passport")
    expect(page.locator("#main-content")).not_to_contain_text("payslip-march")
    context.close()


def test_the_first_free_time_button_without_javascript(browser, service):
    context = new_context(browser, service.url, "en", javascript=False)
    page = context.new_page()
    sign_in(page, "maria")
    wizard = Wizard(page, "en", scripts=False)
    procedure = wizard.to_the_time_step(last_procedure=True)
    expect(page.locator("#main-content h1")).to_have_text(step_heading(STEP_TITLES["en"]["time"]))

    first = service.frontend.extensions["scheduling"].availability.first_free("information", procedure).slot
    assert first is not None, f"no free time for {procedure}"
    page.locator("#main-content form.kepweb-first-free button[type=submit]").click()
    wizard.expect_step("details")
    held = page.locator(".kepweb-hold")
    expect(held).to_be_visible()
    start = first.start.astimezone(ATHENS)
    expect(held).to_contain_text(f"{start.day} ")
    expect(held).to_contain_text(start.strftime("%H:%M"))
    context.close()
