"""The KEP staff area in a real browser (issue 14): an employee of the Chania KEP signs in through
the public servants' sign-in stand-in, finds a deaf citizen's call in their day, opens it (the
interpreter, the companion, the supporting document), records the identity check, the outcome and
the result; the citizen then reads the outcome and the result on their appointment page and gets
the result by email. A card reported lost fails the check, and then the citizen is offered no
sound only and "served" is refused, saying why. Another KEP's employee gets "page not found". The
day refreshes itself with htmx, keeping focus, and says in the live region when a call changed.
Every staff page and state is checked with axe-core (`page_problems`) in Greek and English, with
our scripts and without them.

The calls are booked for Maria (ΑΦΜ 094014201, whose identity card «ΑΚ 123456» the identity
register knows and whose old card «ΑΗ 987654» is reported lost) through the frontend's own
scheduling client, at the Chania KEP, with a sign-language interpreter, a third person and a
supporting document, and given to the employee kep-chania-1-e1 in the database, as
tests/test_staff_calls.py does. This module's service has one settable clock for the scheduling
API and the frontend both: each test moves it a minute into its call, when the KEP may record it.
"""

from __future__ import annotations

import base64
import re
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.test_appointments import TAX_IDS, book
from e2e.wizard import minimal_pdf, sign_in, wait_for_outbox
from kepweb.i18n import ATHENS
from sandbox.scheduling.db import Database
from sandbox.staff_idp.accounts import ACCOUNTS_BY_NAME
from sandbox.staff_idp.accounts import PASSWORD as STAFF_PASSWORD
from tests.clock import SandboxClock
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

MARIA = TAX_IDS["maria"]
EMPLOYEE = "kep-chania-1-e1"  # chania-employee's employee id in the staff registry
VALID_CARD = "ΑΚ 123456"
LOST_CARD = "ΑΗ 987654"
PROTOCOL_NUMBER = "881/2026"
DOCUMENT_NAME = "Ιατρική γνωμάτευση"
RESULT_NAME = "Βεβαίωση.pdf"

# Each test books calls for procedures of its own: Maria may hold one active booking per procedure.
FLOW_PROCEDURES = {("el", True): "housing-allowance", ("el", False): "child-benefit",
                   ("en", True): "birth-allowance", ("en", False): "maternity-benefit"}
FAILED_CHECK_PROCEDURES = {"el": "unemployment-benefit", "en": "minimum-income"}
OTHER_KEP_PROCEDURE = "social-electricity-tariff"
REFRESH_PROCEDURE = "old-age-pension"


def service_with_one_clock(database) -> LiveService:
    """The embedded default with one settable clock (`service.clock`) for the scheduling API and the
    frontend: at a call's time the KEP may record it and the citizen's join page is open."""
    clock = SandboxClock()
    service = LiveService(database, {"PROPAGATE_EXCEPTIONS": False, "KEPWEB_CLOCK": clock}, {"clock": clock})
    service.clock = clock
    return service


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = service_with_one_clock(tmp_path_factory.mktemp("staff") / "scheduling.sqlite3")
    yield service
    service.stop()


def pdf_bytes(directory, name) -> bytes:
    return minimal_pdf(directory, name).read_bytes()


def call_for_the_employee(service, procedure, document: bytes, language="el"):
    """Maria's call at the Chania KEP with a sign-language interpreter, a third person and one
    supporting document, given to chania-employee (kep-chania-1-e1)."""
    booking = book(service, "maria", procedure, municipality="chania", language=language,
                   email=f"maria.{procedure}@example.com", needs=("sign_language", "third_person"),
                   third_person_email=f"companion.{procedure}@example.com")
    api = service.frontend.extensions["scheduling"]
    api.documents.add(MARIA, booking.reference, name=DOCUMENT_NAME, file_name="medical-opinion.pdf",
                      media_type="application/pdf", content=document)
    with Database(service.database).write() as connection:
        connection.execute("UPDATE bookings SET employee_id=?, kep_id='kep-chania-1' WHERE reference=?",
                           (EMPLOYEE, booking.reference))
    return booking


@pytest.fixture(scope="module")
def supporting_document(tmp_path_factory) -> bytes:
    return pdf_bytes(tmp_path_factory.mktemp("documents"), "medical-opinion.pdf")


@pytest.fixture(scope="module")
def calls(service, supporting_document):
    """Every call this module needs, booked before any test moves the clock."""
    booked = {key: call_for_the_employee(service, procedure, supporting_document, key[0])
              for key, procedure in FLOW_PROCEDURES.items()}
    booked.update({("failed", language): call_for_the_employee(service, procedure, supporting_document, language)
                   for language, procedure in FAILED_CHECK_PROCEDURES.items()})
    booked["other-kep"] = call_for_the_employee(service, OTHER_KEP_PROCEDURE, supporting_document)
    booked["refresh"] = call_for_the_employee(service, REFRESH_PROCEDURE, supporting_document)
    return booked


@contextmanager
def at_the_call(service, booking):
    """The service's settable clock (`service.clock`, the scheduling API's) a minute into the call, and
    the frontend's clock with it; as they were afterwards."""
    config = service.frontend.config
    frontend_clock = config.get("KEPWEB_CLOCK")
    config["KEPWEB_CLOCK"] = service.clock
    service.clock.behind = -(booking.start - datetime.now(timezone.utc) + timedelta(minutes=1))
    try:
        yield
    finally:
        service.clock.behind = timedelta(0)
        if frontend_clock is None:
            config.pop("KEPWEB_CLOCK", None)
        else:
            config["KEPWEB_CLOCK"] = frontend_clock


def invitations_sent(service, booking, seconds=20.0):
    """Wait until the mail loop has sent the call's invitations: their state on the card changes then."""
    staff_calls = service.frontend.extensions["scheduling"].staff_calls
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        call = staff_calls.call(ACCOUNTS_BY_NAME["chania-employee"].sub, booking.reference)
        if call.invitations and all(invitation.state != "sending" for invitation in call.invitations):
            return
        time.sleep(0.2)
    raise AssertionError(f"the invitations of {booking.reference} were not sent in {seconds} s")


def say(service, language, message, **values) -> str:
    """A message of the frontend as it says it in `language` (its catalogue), to look for on a page."""
    with service.frontend.test_request_context(), force_locale(language):
        return gettext(message, **values)


def day_of(booking) -> str:
    return booking.start.astimezone(ATHENS).date().isoformat()


def staff_sign_in_at_provider(page, username):
    """At the public servants' sign-in stand-in: sign in, and come back to the staff area."""
    expect(page.locator("#username")).to_be_visible()
    assert "/sandbox/staff-id/" in page.url, page.url
    page.fill("#username", username)
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/sandbox/staff-id/" not in page.url, f"the staff sign-in as {username} did not come back: {page.url}"


def staff_sign_in(page, username, next_path="/staff"):
    page.goto(next_path)  # not signed in: to the staff sign-in, then back here
    staff_sign_in_at_provider(page, username)


def call_link(page, booking):
    return page.locator(f"#staff-calls a[href$='/staff/calls/{booking.reference}']")


def call_card(page, booking):
    """The call's card in the day's list."""
    return page.locator(".kepweb-call", has=page.locator(f"a[href$='/staff/calls/{booking.reference}']"))


def summary_row(page, key):
    """The row of the page's summary list whose key is `key`."""
    return page.locator("#main-content .govgr-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$")))


def submit(page, action):
    """Send the call page's form whose address ends with `action` (identity-check, outcome, result)."""
    with page.expect_navigation():
        page.locator(f"#main-content form[action$='/{action}'] button[type=submit]").click()


def record_identity_check(page, card):
    form = page.locator("#main-content form[action$='/identity-check']")
    form.locator("input[name=shown_on_camera][value=yes]").check()
    form.locator("input[name=matches_person][value=yes]").check()
    form.locator("input[name=document_kind][value=identity_card]").check()
    form.locator("input[name=document_number]").fill(card)
    submit(page, "identity-check")


def choose_outcome(page, outcome, protocol_number=""):
    form = page.locator("#main-content form[action$='/outcome']")
    form.locator(f"input[name=outcome][value={outcome}]").check()
    form.locator("input[name=protocol_number]").fill(protocol_number)
    submit(page, "outcome")


# -- 1 and 4: the employee's call from sign-in to the result; the citizen sees it -----------------

def staff_call_states(page, service, booking, language, tmp_path, document: bytes):
    """The employee's walk through one call, from the staff sign-in to the result sent, with what
    each state must show; yields each state's name. The service's clock is at the call."""
    main = page.locator("#main-content")
    reference = booking.reference
    page.goto("/staff")
    yield "sign-in"  # the public servants' sign-in stand-in

    staff_sign_in_at_provider(page, "chania-employee")
    expect(page).to_have_url(re.compile(r"/staff$"))
    expect(page.locator(".kepweb-account__name")).to_have_text("Ελένη Μαρκάκη")
    yield "landing"

    with page.expect_navigation():
        main.get_by_role("link", name=say(service, language, "Calls: today and the next days")).click()
    # The call's day is today on the service's clock: the list opens on it.
    expect(call_link(page, booking)).to_be_visible()
    card = call_card(page, booking)
    expect(card).to_contain_text(say(service, language, "Booked"))
    expect(card).to_contain_text(say(service, language, "Greek Sign Language interpreter"))
    expect(card).to_contain_text("Γιώργος")
    yield "calls"

    with page.expect_navigation():
        call_link(page, booking).click()
    expect(page).to_have_url(re.compile(rf"/staff/calls/{reference}$"))
    expect(main.locator("h1")).to_have_text(say(service, language, "Call %(reference)s", reference=reference))
    interpreter = service.frontend.extensions["scheduling"].staff_calls.call(
        ACCOUNTS_BY_NAME["chania-employee"].sub, reference).interpreter_name
    assert interpreter
    expect(main).to_contain_text(say(service, language, "Interpreter: %(name)s", name=interpreter))
    expect(summary_row(page, say(service, language, "Greek Sign Language interpreter"))).to_contain_text(interpreter)
    expect(summary_row(page, say(service, language, "Third person"))).to_contain_text("Γιώργος")
    # The supporting document opens (downloads) as the citizen sent it.
    with page.expect_download() as download:
        main.get_by_role("link", name=DOCUMENT_NAME).click()
    assert download.value.path().read_bytes() == document
    yield "call"

    submit(page, "outcome")  # nothing chosen: the error at the field, and above the form
    summary = main.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(say(service, language, "Choose how the call ended"))
    expect(page).to_have_title(re.compile("^" + re.escape(say(service, language, "Error")) + ": "))
    yield "call-outcome-form-with-errors"

    record_identity_check(page, VALID_CARD)
    expect(page.get_by_role("alert")).to_contain_text(say(service, language, "The identity check has passed."))
    expect(main.locator(".kepweb-status")).to_have_text(say(service, language, "Identity checked"))
    yield "call-identity-checked"

    choose_outcome(page, "served", PROTOCOL_NUMBER)
    expect(page.get_by_role("alert")).to_contain_text(say(service, language, "The outcome of the call is recorded."))
    expect(main.locator(".kepweb-status")).to_have_text(say(service, language, "Served"))
    expect(main).to_contain_text(say(service, language, "Protocol number: %(number)s", number=PROTOCOL_NUMBER))
    expect(main.locator("form[action$='/outcome']")).to_have_count(0)
    yield "call-served"

    main.locator("input[type=file]").set_input_files(
        {"name": RESULT_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes(tmp_path, "result.pdf")})
    submit(page, "result")
    expect(page.get_by_role("alert")).to_contain_text(
        say(service, language, "The result is on its way to the citizen."))
    result = say(service, language, "The result document: %(name)s", name=RESULT_NAME)
    expect(main.get_by_role("link", name=result)).to_be_visible()
    expect(main.locator("form[action$='/result']")).to_have_count(0)
    yield "call-result-sent"


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_employee_serves_the_call_and_the_citizen_gets_the_result(browser, service, calls, tmp_path,
                                                                      supporting_document, language, scripts):
    """Without our scripts (blocked: what a browser without JavaScript renders) every form is a plain
    form; axe-core checks each state as the walk leaves it."""
    booking = calls[(language, scripts)]
    reference = booking.reference
    problems = {}
    with at_the_call(service, booking):
        context = new_context(browser, service.url, language, block_scripts=not scripts)
        page = context.new_page()
        errors = collect_console_errors(page)
        for state in staff_call_states(page, service, booking, language, tmp_path, supporting_document):
            found = page_problems(page, language, scripts, errors)
            if state == "sign-in":  # the stand-in's page has no icon: Chromium asks for /favicon.ico
                found = [problem for problem in found if not problem.endswith("/favicon.ico)")]
            if found:
                problems[state] = found
            errors.clear()
        context.close()

        # The result's email, with the file attached, to the address of the booking.
        email = f"maria.{FLOW_PROCEDURES[(language, scripts)]}@example.com"
        def pdfs(message):
            return [part for part in message["attachments"] if part["content_type"] == "application/pdf"]

        sent = wait_for_outbox(service.outbox, lambda message: email in message["to"]
                               and reference in message["subject"] and pdfs(message))
        assert sent, f"no email with the result of {reference} to {email}"
        [attachment] = pdfs(sent[0])
        assert attachment["filename"] == RESULT_NAME
        assert base64.b64decode(attachment["content_base64"]) == pdf_bytes(tmp_path, "result.pdf")

        # The citizen, signed in through the GSIS stand-in, reads the outcome and the result.
        citizen = new_context(browser, service.url, language, block_scripts=not scripts)
        page = citizen.new_page()
        errors = collect_console_errors(page)
        sign_in(page, "maria", f"/appointments/{reference}")
        errors.clear()
        main = page.locator("#main-content")
        expect(main.locator("h1")).to_contain_text(reference)
        expect(main.locator(".kepweb-status")).to_have_text(say(service, language, "Served"))
        expect(main).to_contain_text(say(service, language, "The KEP employee completed your request."))
        expect(main).to_contain_text(say(service, language, "Protocol number: %(number)s", number=PROTOCOL_NUMBER))
        expect(main).to_contain_text(RESULT_NAME)
        # Sent by the mail loop by now: "emailed" (on <time>), never a promise.
        emailed = say(service, language, "We emailed you the result on %(time)s: %(name)s.", time="TIME",
                      name=RESULT_NAME)
        expect(main).to_contain_text(re.compile(re.escape(emailed).replace("TIME", ".+")))
        found = page_problems(page, language, scripts, errors)
        if found:
            problems["citizen-appointment-with-outcome-and-result"] = found
        citizen.close()
    assert not problems, problems


# -- 2: a card reported lost: no sound only, and "served" refused, saying why ----------------------

def failed_check_states(page, service, booking, language):
    """The employee records a check with the card reported lost, then tries "served"; yields each
    state's name. Signed in as chania-employee, the service's clock at the call."""
    main = page.locator("#main-content")
    page.goto(f"/staff/calls/{booking.reference}")
    record_identity_check(page, LOST_CARD)
    expect(page.get_by_role("alert")).to_contain_text(
        say(service, language, "The identity check has not passed. You may check again."))
    expect(main).to_contain_text(say(service, language, "the register has the document as lost or stolen"))
    expect(main.locator(".kepweb-status")).to_have_text(say(service, language, "Identity check not passed"))
    yield "call-identity-check-failed"

    choose_outcome(page, "served", PROTOCOL_NUMBER)
    summary = main.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    refusal = say(service, language, "Served and follow-up can be recorded only after a passed identity check. "
                                     "Check the citizen's identity above, or choose another outcome.")
    expect(summary).to_contain_text(refusal)
    expect(main.locator("form[action$='/outcome']")).to_contain_text(refusal)  # at the field too
    expect(main.locator(".kepweb-status")).to_have_text(say(service, language, "Identity check not passed"))
    yield "call-served-refused"


@pytest.mark.parametrize(("language", "scripts"), [pytest.param("el", True, id="el-js-on"),
                                                   pytest.param("en", False, id="en-js-off")])
def test_a_card_reported_lost_allows_no_sound_only_and_no_served(browser, service, calls, language, scripts):
    booking = calls[("failed", language)]
    problems = {}
    with at_the_call(service, booking):
        context = new_context(browser, service.url, language, block_scripts=not scripts)
        page = context.new_page()
        errors = collect_console_errors(page)
        staff_sign_in(page, "chania-employee")
        errors.clear()
        for state in failed_check_states(page, service, booking, language):
            found = page_problems(page, language, scripts, errors)
            if found:
                problems[state] = found
            errors.clear()
        context.close()
        api = service.frontend.extensions["scheduling"]
        assert api.bookings.get_booking(MARIA, booking.reference).status == "confirmed"

        # The citizen's join page is open, and offers no sound only: it says why.
        citizen = new_context(browser, service.url, language, block_scripts=not scripts)
        page = citizen.new_page()
        sign_in(page, "maria", f"/appointments/{booking.reference}/join")
        main = page.locator("#main-content")
        expect(main.get_by_role("link", name=say(service, language, "Join the call now"))).to_be_visible()
        expect(main).to_contain_text(say(service, language, "The identity check has not passed, so the call goes on "
                                                            "with picture and sound."))
        expect(main).not_to_contain_text(say(service, language, "The KEP employee has checked your identity. If you "
                                             "prefer, the call can now go on with sound only: tell the employee, or "
                                             "turn off your camera."))
        citizen.close()
    assert not problems, problems


# -- 3: another KEP's employee ---------------------------------------------------------------------

def test_another_keps_employee_gets_page_not_found(browser, service, calls):
    booking = calls["other-kep"]
    context = new_context(browser, service.url, "en")
    page = context.new_page()
    staff_sign_in(page, "rhodes-employee", f"/staff/calls?day={day_of(booking)}")
    expect(page.locator("#main-content h1")).to_have_text("Calls")
    expect(call_link(page, booking)).to_have_count(0)
    [document] = service.frontend.extensions["scheduling"].staff_calls.call(
        ACCOUNTS_BY_NAME["chania-employee"].sub, booking.reference).documents
    for path in ("", f"/documents/{document.id}", "/result"):
        response = page.goto(f"/staff/calls/{booking.reference}{path}")
        assert response.status == 404, path
        expect(page.locator("#main-content h1")).to_have_text("Page not found")
        expect(page.locator("#main-content")).not_to_contain_text("Maria")
    context.close()


# -- 4: the pages of somebody with no role ---------------------------------------------------------

@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_no_access_page_is_accessible(browser, service, language, scripts):
    context = new_context(browser, service.url, language, block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    staff_sign_in(page, "no-role")
    expect(page.locator("#main-content h1")).to_have_text(
        say(service, language, "You do not have access to the KEP staff area"))
    # The sign-in succeeded, the API refused: a 403 page, which the console reports as a failed load.
    problems = page_problems(page, language, scripts, [e for e in errors if "403" not in e[0]])
    context.close()
    assert not problems, problems


# -- 5: the day refreshes itself -------------------------------------------------------------------

def test_the_day_refreshes_keeps_focus_and_says_when_a_call_changed(browser, service, calls):
    """The list asks for itself every minute (htmx, `every 60s`): Playwright's clock jumps the page's
    timers on. Focus stays on the call's link; the live region speaks only when a call changed."""
    booking = calls["refresh"]
    for booked in calls.values():  # so that nothing changes in the list but what this test changes
        invitations_sent(service, booked)

    def refreshed(response):
        return "/staff/calls" in response.url and response.request.headers.get("x-kepweb-refresh") == "1"

    def refresh(page):
        """A minute on: the list asks for itself and htmx swaps in the new one (the old one is gone)."""
        page.evaluate("() => { document.getElementById('staff-calls').kepwebBefore = true; }")
        with page.expect_response(refreshed) as answer:
            page.clock.fast_forward("01:01")
        assert answer.value.ok
        page.wait_for_function("() => !document.getElementById('staff-calls').kepwebBefore")

    with at_the_call(service, booking):
        context = new_context(browser, service.url, "en")
        page = context.new_page()
        page.clock.install()
        staff_sign_in(page, "chania-employee", "/staff/calls")
        page.evaluate("() => { window.kepwebE2eMarker = 'still the first page load'; }")
        link = call_link(page, booking)
        card = call_card(page, booking)
        announcer = page.locator("#announcer")
        link.focus()

        # Nothing changed: the list is loaded again, and nothing is said.
        refresh(page)
        page.wait_for_timeout(500)  # what would be said is said 100 ms after the swap
        expect(link).to_be_focused()
        expect(announcer).to_have_text("")

        # The call's state changes elsewhere (the check recorded on another device).
        service.frontend.extensions["scheduling"].staff_calls.record_identity_check(
            ACCOUNTS_BY_NAME["chania-employee"].sub, booking.reference,
            {"shown_on_camera": True, "matches_person": True, "document_kind": "identity_card",
             "document_number": VALID_CARD})
        refresh(page)
        expect(card).to_contain_text("Identity checked")
        expect(announcer).to_have_text("The list of calls has changed.")
        expect(link).to_be_focused()
        assert page.evaluate("() => window.kepwebE2eMarker") == "still the first page load"
        context.close()
