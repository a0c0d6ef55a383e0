"""The accessibility report: every page and state of the service, in Greek and
English, checked by axe-core, pa11y with HTML_CodeSniffer, the Nu HTML Checker
and Lighthouse; a table of pages × checks written to docs/accessibility-report.md.

    bash scripts/accessibility-report     (installs the checkers, then runs this)

A browser walks the embedded default as a citizen would, on a 360 px phone with
JavaScript on, and stops at each state: a form with its errors, a warning on
screen, a page at a given time of the controllable clock. Many of these cannot
be reached again by a URL, so every checker looks at the page where the walk
left it: axe-core through Playwright; pa11y and Lighthouse (snapshot mode)
through tools/a11y/check-pages.mjs, connected to the same Chromium; the Nu HTML
Checker reads the page's markup as it is then. The walks are the browser tests'
own (e2e/), so the report and the tests see the same states.

Before any walk, a control page made with known faults is checked by every
checker: if one of them finds nothing there, it is not working, its zeros would
prove nothing, and the script stops (exit status 1) without writing the report.

Without JavaScript the pages are checked by the browser tests (axe-core on every
page and state with our scripts blocked).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from e2e.a11y import axe_results, wait_until_settled  # noqa: E402
from e2e.call.conftest import CALL_CHROMIUM_FLAGS, CallService  # noqa: E402
from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS, add_failing_route, new_context  # noqa: E402
from e2e.test_appointments import TAX_IDS, area_states, book, clock_at, upcoming_and_cancelled  # noqa: E402
from e2e.test_booking import A11Y_QUERIES, A11Y_USERS, service_with_a_settable_clock, take_a_time  # noqa: E402
from e2e.test_every_page import STATES as INFORMATION_PAGES  # noqa: E402
from e2e.test_sign_in import flow_states, service_with_short_sessions, sign_in_at_provider  # noqa: E402
from e2e.test_staff import (  # noqa: E402
    at_the_call,
    call_for_the_employee,
    failed_check_states,
    staff_call_states,
    staff_sign_in,
)
from e2e.test_staff_operations import admin_states, check_the_csv, closed_day_cases, head_states  # noqa: E402
from e2e.wizard import ATHENS, Wizard, every_step, minimal_pdf, sign_in, today_in_athens  # noqa: E402
from sandbox.janus import JanusProcess  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.interpreters import Roster  # noqa: E402
from tests.live_service import LiveService  # noqa: E402

CHECKERS = ROOT / "tools" / "a11y"
VNU_JAR = CHECKERS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("el", "en")
CONTROL = "control-page-with-known-faults"

# A page made to fail, checked first: if a checker finds nothing here, it is not
# working, and its zeros elsewhere would prove nothing.
KNOWN_FAULTS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title></title></head>
<body><main><img src="/static/images/favicon.svg">
<label>Name</label><input type="text" id="twice"><input type="checkbox" id="twice">
<a href="/"></a><p made-up-attribute="yes">Text</p></main></body></html>
"""
VIEWPORT = VIEWPORTS["mobile"]
# The link of an invitation email: the invited person's own, /join/<signed token>.
JOIN_LINK = re.compile(r"^(https?://[^/\s]+/join/\S+?)\r?$", re.MULTILINE)
# The service where no sign-language interpreter is free at Psara's KEP (see only_interpreter_elsewhere).
ADMIN_TOKEN = "accessibility-report-admin-token"
PSARA = "kep-psara-1"
NO_INTERPRETER_PROCEDURE = "child-benefit"


@dataclass
class Result:
    """What each checker found on one state in one language."""

    state: str
    language: str
    path: str
    axe: list[str] = field(default_factory=list)
    pa11y: list[str] = field(default_factory=list)
    nu: list[str] = field(default_factory=list)
    lighthouse_score: int | None = None
    lighthouse: list[str] = field(default_factory=list)
    error: str | None = None


class Checkers:
    """Runs every checker on the page where a walk stopped."""

    def __init__(self, devtools_url: str, markup_folder: Path):
        self.markup_folder = markup_folder
        self.results: list[Result] = []
        self.markup: dict[int, Path] = {}  # id(result): the file its markup was kept in
        self.node = subprocess.Popen(
            ["node", str(CHECKERS / "check-pages.mjs"), devtools_url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=CHECKERS,
        )
        self.axe_version = "?"

    def check(self, page, state: str, language: str):
        wait_until_settled(page)
        # The path without the origin, and without a booking's reference (new at every run).
        path = re.sub(r"KEP-[2-9A-Z]{4}-[2-9A-Z]{4}", "KEP-…", re.sub(r"^https?://[^/]+", "", page.url))
        result = Result(state, language, path)
        axe = axe_results(page)
        self.axe_version = axe.get("testEngine", {}).get("version", self.axe_version)
        result.axe = [f"{violation['id']}: {violation['help']} ({', '.join(map(str, node['target']))})"
                      for violation in axe["violations"] for node in violation["nodes"]]
        self._keep_markup(page, result)
        answer = self._ask_node(page)
        if "error" in answer:
            result.error = answer["error"].splitlines()[0]
        else:
            result.pa11y = [f"{issue['code']}: {issue['message']} ({issue['selector']})" for issue in answer["pa11y"]]
            result.lighthouse_score = answer["lighthouse"]["score"]
            result.lighthouse = [f"{audit['id']}: {audit['title']}" for audit in answer["lighthouse"]["failed"]]
        self.results.append(result)
        print(f"  {language} {state}: axe {len(result.axe)}, pa11y {len(result.pa11y)}, "
              f"Lighthouse {result.lighthouse_score}{' ERROR ' + result.error if result.error else ''}", flush=True)
        return result

    def _keep_markup(self, page, result: Result):
        # The markup as it is now (after htmx swaps), for the Nu checker at the end.
        path = self.markup_folder / f"{len(self.results):03d}-{result.language}-{result.state}.html"
        path.write_text(page.content(), encoding="utf-8")
        self.markup[id(result)] = path

    def _ask_node(self, page) -> dict:
        token = f"check-{len(self.results)}-{time.monotonic_ns()}"
        page.evaluate("token => { window.kepwebA11yCheck = token; }", token)
        self.node.stdin.write(json.dumps({"token": token, "viewport": VIEWPORT}) + "\n")
        self.node.stdin.flush()
        return json.loads(self.node.stdout.readline())

    def close(self):
        self.node.stdin.close()
        self.node.wait(timeout=30)

    def check_markup_with_nu(self, results: list[Result] | None = None):
        """One run of the Nu HTML Checker over the markup kept on the way (of `results`, or of every page)."""
        results = self.results if results is None else results
        if not results:
            return
        files = {self.markup[id(result)].name: result for result in results}
        completed = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--also-check-svg",
             *sorted(str(self.markup_folder / name) for name in files)],
            capture_output=True, text=True, check=True,
        )
        by_file = defaultdict(list)
        for message in json.loads(completed.stderr or completed.stdout)["messages"]:
            kind = "warning" if message.get("subType") == "warning" else message["type"]
            if kind in {"error", "warning"}:
                by_file[Path(message["url"].removeprefix("file:")).name].append(f"{kind}: {message['message']}")
        for name, result in files.items():
            result.nu = by_file.get(name, [])


# -- the walks: each brings a page to one state after another -------------------------------

def information_pages(context, services, _language):
    page = context.new_page()
    for name, reach in INFORMATION_PAGES.items():
        reach(page, services.main.url)
        yield page, name
    page.goto(f"{services.without_api.url}/municipalities")
    yield page, "service-unavailable"


def sign_in_flow(context, services, _language):
    page = context.new_page()
    for name in flow_states(page, services.main.url):
        yield page, name


def booking_wizard(context, services, language):
    page = context.new_page()
    sign_in(page, A11Y_USERS[language])
    wizard = Wizard(page, language, scripts=True, strict=False)
    with tempfile.TemporaryDirectory() as uploads:
        for name in every_step(wizard, A11Y_QUERIES[(language, "js-on")], Path(uploads)):
            yield page, f"book-{name}"


def held_time(context, services, language):
    """The warning two minutes before a held time is released, and its release."""
    page = context.new_page()
    sign_in(page, "kostas")
    wizard = Wizard(page, language, scripts=True, strict=False)
    wizard.to_the_time_step()
    take_a_time(wizard, 100, services.clock)
    expect(page.locator("#hold-warning")).to_be_visible(timeout=10_000)
    yield page, "book-hold-warning"
    page.goto("/book/time")
    take_a_time(wizard, 3, services.clock, then=None)
    wizard.expect_step("time")
    expect(page.locator(".govgr-notification-banner[role=alert]")).to_be_visible()
    yield page, "book-hold-released"


def my_appointments(context, services, language):
    page = context.new_page()
    upcoming, cancelled = services.bookings[language]
    for name in area_states(page, services.main, upcoming, cancelled):
        yield page, f"appointments-{name}"


def appointments_with_invitations(context, services, language):
    """The citizen's pages of a call with an interpreter (confirmed) and a third person (invited):
    each invitation's state from the API, and who the cancel page says will be told."""
    page = context.new_page()
    sign_in(page, "maria", "/appointments")
    invited, withdrawn = services.invited[language]
    main = page.locator("#main-content")
    base = f"/appointments/{invited.reference}"
    page.goto(base)
    expect(main.locator(".govgr-summary-list__row")).to_have_count(7)  # 5 rows, and one per invitation
    yield page, "appointments-appointment-with-invitations"
    page.goto(f"{base}/cancel")
    expect(main).to_contain_text("Γιώργος")
    yield page, "appointments-cancel-confirmation-naming-the-invited"
    with clock_at(services.main, invited.start - timedelta(minutes=30)):
        page.goto(f"{base}/join")
        expect(main).to_contain_text("Γιώργος")
        yield page, "appointments-join-early-with-invitations"
    page.goto(f"/appointments/{withdrawn.reference}")
    expect(main.locator(".govgr-summary-list__row")).to_have_count(7)
    yield page, "appointments-appointment-cancelled-invitations-withdrawn"


def no_interpreter_free(context, services, language):
    """The time step when no sign-language interpreter is free at the chosen KEP, and its alternatives."""
    page = context.new_page()
    sign_in(page, "giorgos")
    wizard = Wizard(page, language, scripts=True, strict=False)
    wizard.begin()
    wizard.choose("category", "information")
    wizard.continue_to("procedure")
    wizard.choose("procedure", NO_INTERPRETER_PROCEDURE)
    wizard.continue_to("municipality")
    wizard.search("psara", "municipality")
    wizard.choose("municipality", "psara")
    wizard.continue_to("needs")  # Psara has one KEP: nothing to choose
    wizard.choose("needs", "sign_language")
    wizard.continue_to("time")
    banner = page.locator("#main-content .govgr-notification-banner:has(#no-times-heading)")
    text_chat = banner.locator("form[action$='/book/time/text-chat-instead'] button")
    other_keps = banner.locator("form[action$='/book/time/anywhere'] button")
    expect(text_chat).to_be_visible()
    expect(other_keps).to_be_visible()
    expect(page.locator("#main-content .kepweb-days a")).to_have_count(0)
    yield page, "book-time-no-interpreter"
    text_chat.click()
    wizard.expect_step("time")
    expect(page.locator("#main-content .govgr-notification-banner[role=alert]")).to_be_visible()
    expect(page.locator("#main-content .kepweb-days a").first).to_be_visible()
    yield page, "book-time-text-chat-instead"
    page.goto("/book/needs")  # back to an interpreter: the banner again, then the other KEPs
    wizard.expect_step("needs")
    page.locator("#main-content input[name=needs][value=text_chat]").uncheck()
    wizard.choose("needs", "sign_language")
    wizard.continue_to("time")
    other_keps.click()
    wizard.expect_step("time")
    expect(page.locator("#main-content #no-times-heading")).to_have_count(0)
    expect(page.locator("#main-content .kepweb-days a").first).to_be_visible()
    yield page, "book-time-other-keps-with-an-interpreter"


no_interpreter_free.service = "no_interpreter"


def needs_profile_pages(context, services, language):
    """Your communication needs: none kept, changed (with its error), kept, used by the
    wizard's needs step, and deleted."""
    page = context.new_page()
    sign_in(page, "eleni", "/needs-profile")
    main = page.locator("#main-content")
    expect(main.locator("a[href$='/needs-profile/change']")).to_be_visible()
    yield page, "needs-profile-none-kept"
    page.goto("/needs-profile/change")
    yield page, "needs-profile-change"
    main.locator("input[name=needs][value=third_person]").check()
    main.locator("form button[type=submit]").click()  # a third person without a name or an email address
    expect(main.locator("[data-error-summary]")).to_be_visible()
    yield page, "needs-profile-change-error"
    main.locator("input[name=needs][value=sign_language]").check()
    main.locator("#third_person_name").fill("Eleni Companion")
    main.locator("#third_person_email").fill("companion@example.com")
    main.locator("#other_needs").fill("Slowly, please")
    main.locator("form button[type=submit]").click()
    expect(main.locator("a[href$='/needs-profile/delete']")).to_be_visible()
    yield page, "needs-profile-kept"
    wizard = Wizard(page, language, scripts=True, strict=False)
    wizard.to_the_needs_step()
    expect(main.locator("#remember")).to_be_checked()
    expect(main.locator("input[name=needs][value=sign_language]")).to_be_checked()
    yield page, "book-needs-remembered"
    page.goto("/needs-profile/delete")
    yield page, "needs-profile-delete"
    main.locator("form button[type=submit]").click()
    expect(main.locator("a[href$='/needs-profile/change']")).to_be_visible()
    expect(main.locator("a[href$='/needs-profile/delete']")).to_have_count(0)
    yield page, "needs-profile-deleted"


def guest_join_link(context, services, language):
    """The join page of an invited person, who has no Taxisnet account: their link in each
    state (before, open, over, on another device, withdrawn), and a link that is not ours."""
    booking, links = services.guests[language]
    page = context.new_page()
    main = page.locator("#main-content")
    response = page.goto("/join/not-a-real-token")
    assert response.status == 404 and response.url.endswith("/join"), (response.status, response.url)
    yield page, "guest-unknown-link"
    confirm = main.locator("form[action$='/join/confirm'] button")
    join_now = main.locator("a[href='/join/call']")
    with clock_at(services.main, booking.start - timedelta(minutes=30)):
        page.goto(links["third_person"])
        expect(page).to_have_url(re.compile(r"/join$"))  # the token has left the address bar
        expect(confirm).to_be_visible()
        expect(main.locator("#join-opens")).to_be_visible()
        yield page, "guest-join-early"
        confirm.click()
        expect(confirm).to_have_count(0)
        expect(main.locator(".govgr-notification-banner")).not_to_have_count(0)
        yield page, "guest-join-confirmed"
    with clock_at(services.main, booking.start - timedelta(minutes=10)):
        page.goto("/join")
        expect(join_now).to_be_visible()
        yield page, "guest-join-open"
    with clock_at(services.main, booking.end + timedelta(minutes=1)):
        page.goto("/join")
        expect(join_now).to_have_count(0)
        expect(main.locator("#join-opens")).to_have_count(0)
        yield page, "guest-join-over"
    other_device = new_context(context.browser, services.main.url, language)
    try:
        other = other_device.new_page()
        with clock_at(services.main, booking.start - timedelta(minutes=30)):
            other.goto(links["third_person"])
            expect(other.locator("#main-content form[action$='/join/confirm']")).to_have_count(0)
            expect(other.locator("#main-content #join-opens")).to_have_count(0)
            yield other, "guest-join-other-device"
            other.goto(links["interpreter"])  # this device's first link: it opens here
            expect(other.locator("#main-content form[action$='/join/confirm'] button")).to_be_visible()
            yield other, "guest-join-interpreter"
    finally:
        other_device.close()
    api = services.main.frontend.extensions["scheduling"]
    api.bookings.cancel(TAX_IDS["nikos"], booking.reference)
    page.goto("/join")
    expect(confirm).to_have_count(0)
    expect(main.locator("#join-opens")).to_have_count(0)
    yield page, "guest-join-withdrawn"


def session_timeout(context, services, _language):
    """The warning before a signed-in session ends for want of activity."""
    page = context.new_page()
    page.goto(f"{services.short_sessions.url}/sign-in?next=/appointments")
    sign_in_at_provider(page, "nikos", None)
    expect(page.locator("#session-warning")).to_be_visible(timeout=15_000)
    yield page, "session-timeout-warning"


def staff_area(context, services, language):
    """The KEP staff area: the public servants' sign-in, the landing page, the day, and a deaf citizen's
    call in each state of its record (its outcome form with errors, the check passed, served, the result
    sent); another call whose check fails (a card reported lost) and whose "served" is refused; the page
    for somebody without a role. The walk moves the clock to each call and back (e2e/test_staff.py)."""
    page = context.new_page()
    call, failing = services.staff_calls[language]
    with tempfile.TemporaryDirectory() as uploads, at_the_call(services.main, call):
        for state in staff_call_states(page, services.main, call, language, Path(uploads), services.staff_document):
            yield page, f"staff-{state}"
    with at_the_call(services.main, failing):
        for state in failed_check_states(page, services.main, failing, language):
            yield page, f"staff-{state}"
    somebody_else = new_context(context.browser, services.main.url, language)
    try:
        page = somebody_else.new_page()
        staff_sign_in(page, "no-role")
        yield page, "staff-no-access"
    finally:
        somebody_else.close()


def video_call(context, services, language):
    """The call page (e2e/call): the citizen's before joining, alone in the call, with the employee and the
    interpreter (their videos captioned), a message received, the interpreter's video pinned large, microphone
    and camera off, sound only refused before the identity check, a token the call does not admit; the
    employee's and the interpreter's pages before joining; and, where the call server does not answer, the
    page that says so. The videos are Chromium's fake camera; Janus runs in the report's network namespace."""
    call = services.call
    context.add_cookies(call.cookies_for("citizen"))
    page = context.new_page()
    main = page.locator("#main-content")
    page.goto(call.url_for("citizen"))
    expect(main.locator("[data-call-join]")).to_be_visible()
    yield page, "call-citizen-before-joining"
    main.locator("[data-call-join]").click()
    page.wait_for_function("() => window.kepwebCall.state === 'joined'")
    yield page, "call-citizen-alone-in-the-call"
    others = {}
    for role in ("employee", "interpreter"):
        others[role] = new_context(context.browser, call.url, language)
        others[role].add_cookies(call.cookies_for(role))
        other = others[role].new_page()
        other.goto(call.url_for(role))
        yield other, f"call-{role}-before-joining"
        other.locator("[data-call-join]").click()
        other.wait_for_function("() => window.kepwebCall.state === 'joined'")
    try:
        page.wait_for_function("""() => Array.from(document.querySelectorAll('figure[data-feed] video'))
            .filter((video) => !video.hidden && video.videoWidth > 0).length >= 2""", timeout=30_000)
        yield page, "call-three-people-in-the-call"
        employee = others["employee"].pages[0]
        employee.locator("[data-chat-form] textarea").fill("Καλημέρα σας, δείξτε μας την ταυτότητά σας.")
        employee.locator("[data-chat-form] button[type=submit]").click()
        expect(main.locator("[data-chat-messages] li")).to_have_count(1)
        yield page, "call-message-received"
        main.locator(".kepweb-call__pin").first.click()
        yield page, "call-interpreter-shown-large"
        main.locator("[data-call-toggle=microphone]").click()
        main.locator("[data-call-toggle=camera]").click()
        expect(main.locator("[data-call-toggle=camera]")).to_have_attribute("aria-pressed", "true")
        yield page, "call-microphone-and-camera-off"
        main.locator("[data-call-toggle=sound-only]").click()
        expect(main.locator("[data-call-sound-only-status]")).not_to_be_empty()
        yield page, "call-sound-only-refused"
    finally:
        for other in others.values():
            other.close()
    page.close()
    refused = context.new_page()
    refused.add_init_script("""document.addEventListener("DOMContentLoaded", () => {
        document.getElementById("call").dataset.token = "a-token-nobody-was-given"; });""")
    refused.goto(call.url_for("citizen"))
    refused.locator("[data-call-join]").click()
    expect(refused.locator("[data-call-problem]")).to_be_visible()
    yield refused, "call-token-not-admitted"
    upcoming, _cancelled = services.bookings[language]
    sign_in(refused, "maria", "/appointments")
    with at_the_call(services.main, upcoming):  # the main service has no call server
        response = refused.goto(f"/appointments/{upcoming.reference}/call")
        assert response.status == 503, response.status
        yield refused, "call-server-not-answering"


def operators_pages_of_a_head(context, services, language):
    """The Chania KEP's head: closes a day with two calls (the form, its errors, the preview, the result), the
    page to open it again, their KEP's hours (and that form's error), an employee's availability and absences,
    the statistics with their table and chart, and the period form's error (e2e/test_staff_operations.py)."""
    page = context.new_page()
    staff_sign_in(page, "chania-head")
    for state in head_states(page, services.main, language, services.closed_days[(language, True)]):
        yield page, f"operators-head-{state}"
    check_the_csv(page, language)


def operators_pages_of_the_administrator(context, services, language):
    """The Ministry's administrator: the closed days and the form with a choice of KEP (and its errors), the
    choice of a KEP (and its error), another KEP's hours and employee, the interpreters and one interpreter, the
    statistics of every KEP (e2e/test_staff_operations.py)."""
    page = context.new_page()
    staff_sign_in(page, "ministry-admin")
    for state in admin_states(page, services.main, language):
        yield page, f"operators-admin-{state}"


WALKS = [information_pages, sign_in_flow, booking_wizard, held_time, no_interpreter_free, my_appointments,
         appointments_with_invitations, needs_profile_pages, guest_join_link, session_timeout, staff_area,
         video_call, operators_pages_of_a_head, operators_pages_of_the_administrator]


class ControlNotCaught(Exception):
    """A checker found nothing on the page with known faults: it is not working."""


def check_the_control_page(browser, services, checkers) -> Result:
    """The page with known faults, checked by every checker before anything else."""
    language = LANGUAGES[0]
    print(f"{language}: the control page with known faults", flush=True)
    context = new_context(browser, services.main.url, language)
    try:
        page = context.new_page()
        page.goto(f"{services.main.url}/a11y/known-faults")
        control = checkers.check(page, CONTROL, language)
    finally:
        context.close()
    checkers.check_markup_with_nu([control])
    print(control_line(control), flush=True)
    asleep = [checker for checker, caught in control_is_caught([control]).items() if not caught]
    if asleep:
        raise ControlNotCaught(f"these checkers found nothing on the page with known faults: {', '.join(asleep)} "
                               f"({control_counts(control)}{'; ' + control.error if control.error else ''}); "
                               "they are not working, so no report is written")
    return control


# -- the services the walks need -------------------------------------------------------------

def invitation_links(outbox, reference, seconds=20.0) -> dict[str, str]:
    """Each invited person's join link about `reference`, by email address, from the sandbox's outbox."""
    deadline = time.monotonic() + seconds
    while True:
        links = {message["to"][0]: found.group(1) for message in outbox.messages()
                 if reference in message["subject"] and (found := JOIN_LINK.search(message["text"]))}
        if len(links) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(links) == 2, f"not two invitations about {reference} in the outbox: {links}"
    return links


def with_invitations(service, user, procedure, language):
    """A booking with a sign-language interpreter and a third person (Γιώργος), each invited
    with a join link of their own: (the booking, {"third_person": link, "interpreter": link})."""
    companion = f"companion.{procedure}@example.com"
    booking = book(service, user, procedure, language=language, needs=("sign_language", "third_person"),
                   third_person_email=companion)
    links = invitation_links(service.outbox, booking.reference)
    return booking, {"third_person": links.pop(companion), "interpreter": links.popitem()[1]}


def invited_and_withdrawn(service, procedures, language):
    """Maria's call whose interpreter has confirmed (the third person has not yet), and a
    cancelled one whose invitations are withdrawn."""
    api = service.frontend.extensions["scheduling"]
    invited, links = with_invitations(service, "maria", procedures[0], language)
    token, device = links["interpreter"].rsplit("/join/", 1)[1], secrets.token_urlsafe(32)
    api.invitations.open(token, device)
    api.invitations.confirm(token, device)
    withdrawn, _links = with_invitations(service, "maria", procedures[1], language)
    api.bookings.cancel(TAX_IDS["maria"], withdrawn.reference)
    return invited, withdrawn


def only_interpreter_elsewhere(service):
    """One interpreter left, free on one day only, when Psara's KEP is closed: no time with an
    interpreter at Psara in the next 30 days, one at other KEPs, and times with text chat."""
    roster = Roster(f"{service.url}/sandbox/scheduling/v1", ADMIN_TOKEN)
    interpreter = roster.keep_only_one("08:00", "14:00")
    today = today_in_athens()
    roster.close_every_day_but(interpreter, today - timedelta(days=1), today, days=2)  # a day not too close
    api = service.frontend.extensions["scheduling"]
    first = api.availability.first_free("information", NO_INTERPRETER_PROCEDURE, needs=["sign_language"],
                                        kep_id=PSARA).slot
    assert first is not None, "no time with an interpreter at Psara to begin with"
    day = first.start.astimezone(ATHENS).date()
    roster.close_every_day_but(interpreter, day, today + timedelta(days=2))
    roster.close_kep_on(PSARA, day)


class Services:
    """The embedded default four times: as it runs, with a scheduling API that does not
    answer (the 503 page), with 2-minute sessions (the idle warning), and with one
    sign-language interpreter, free only when Psara's KEP is closed."""

    def __init__(self, folder: Path):
        # The call's own: kepweb, the sandbox and Janus, with a call on (e2e/call/conftest.py).
        (folder / "janus").mkdir()
        self.janus = JanusProcess(folder / "janus", ice_interfaces=[os.environ["KEPWEB_CALL_ICE_INTERFACE"]]).start()
        self.call = CallService(folder / "call.sqlite3", self.janus)
        self.main = service_with_a_settable_clock(folder / "main.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
        self.clock = self.main.clock
        add_failing_route(self.main.frontend)
        self.main.frontend.add_url_rule("/a11y/known-faults", "known_faults", lambda: KNOWN_FAULTS)
        self.without_api = LiveService(folder / "down.sqlite3",
                                       {"SCHEDULING_API_URL": f"http://127.0.0.1:{free_port()}/v1"})
        self.short_sessions = service_with_short_sessions(folder / "short.sqlite3")
        self.no_interpreter = LiveService(folder / "no-interpreter.sqlite3", {"PROPAGATE_EXCEPTIONS": False},
                                          {"admin_token": ADMIN_TOKEN})
        only_interpreter_elsewhere(self.no_interpreter)
        # Maria's appointments in each language: one upcoming, one cancelled.
        self.bookings = {language: upcoming_and_cancelled(self.main, "maria", procedures)
                         for language, procedures in {"el": ("birth-allowance", "maternity-benefit"),
                                                      "en": ("child-benefit", "housing-allowance")}.items()}
        # Maria's calls with invitations; Nikos's, whose invited people open their links.
        self.invited = {language: invited_and_withdrawn(self.main, procedures, language)
                        for language, procedures in {"el": ("unemployment-benefit", "minimum-income"),
                                                     "en": ("social-electricity-tariff", "old-age-pension")}.items()}
        self.guests = {language: with_invitations(self.main, "nikos", procedure, language)
                       for language, procedure in {"el": "amka-assignment", "en": "ehic"}.items()}
        # Maria's calls at the Chania KEP, given to chania-employee: one served, one whose check fails.
        self.staff_document = minimal_pdf(folder, "medical-opinion.pdf").read_bytes()
        self.staff_calls = {
            language: tuple(call_for_the_employee(self.main, procedure, self.staff_document, language)
                            for procedure in procedures)
            for language, procedures in {"el": ("passport-information", "criminal-record-copy"),
                                         "en": ("tax-return-copy", "contact-registry")}.items()}
        # For the head's walk, a day at the Chania KEP in each language with two calls (Maria's with an
        # interpreter, and Giorgos's), for procedures nobody else here books.
        self.closed_days = closed_day_cases(self.main, {
            ("el", True): ("property-declaration-copy", "citizenship-certificate"),
            ("en", True): ("income-tax-assessment-copy", "military-status-certificate")})

    def all(self):
        return (self.main, self.without_api, self.short_sessions, self.no_interpreter, self.call)

    def stop(self):
        for service in self.all():
            service.stop()
        self.janus.stop()


# -- the report ------------------------------------------------------------------------------

def run(only: str | None) -> tuple[list[Result], dict]:
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        scratch = Path(scratch)
        (scratch / "markup").mkdir()
        services = Services(scratch)
        port = free_port()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_FLAGS, *CALL_CHROMIUM_FLAGS, f"--remote-debugging-port={port}"])
        checkers = Checkers(f"http://127.0.0.1:{port}", scratch / "markup")
        try:
            control = check_the_control_page(browser, services, checkers)
            for language in LANGUAGES:
                for walk in WALKS:
                    if only and only not in walk.__name__:
                        continue
                    print(f"{language}: {walk.__name__}", flush=True)
                    # A walk runs on the service it names (`walk.service`), the main one otherwise.
                    context = new_context(browser, getattr(services, getattr(walk, "service", "main")).url, language)
                    for other in services.all():
                        context.add_cookies([{"name": "kepweb_lang", "value": language, "url": other.url}])
                    try:
                        for page, state in walk(context, services, language):
                            checkers.check(page, state, language)
                    finally:
                        context.close()
            checkers.check_markup_with_nu([result for result in checkers.results if result is not control])
        finally:
            checkers.close()
            versions = {"Chromium": browser.version, "axe-core": checkers.axe_version, **checker_versions()}
            browser.close()
            services.stop()
    return checkers.results, versions


def checker_versions() -> dict:
    def version_of(package):
        return json.loads((CHECKERS / "node_modules" / package / "package.json").read_text())["version"]
    nu = subprocess.run(["java", "-jar", str(VNU_JAR), "--version"], capture_output=True, text=True).stdout.strip()
    return {"pa11y": version_of("pa11y"), "HTML_CodeSniffer": version_of("@pa11y/html_codesniffer"),
            "Nu HTML Checker": nu, "Lighthouse": version_of("lighthouse")}


def control_is_caught(results: list[Result]) -> dict[str, bool]:
    """Whether each checker found faults on the control page (in every language checked).
    No control page checked: no checker is known to work."""
    controls = [result for result in results if result.state == CONTROL]
    return {
        "axe": all(result.axe for result in controls), "pa11y": all(result.pa11y for result in controls),
        "Nu": all(result.nu for result in controls),
        # A Lighthouse that could not run has no score: that is not a catch.
        "Lighthouse": all(result.lighthouse_score is not None and result.lighthouse_score < 100
                          for result in controls),
    } if controls else {"axe": False, "pa11y": False, "Nu": False, "Lighthouse": False}


def control_counts(result: Result) -> str:
    return (f"axe {len(result.axe)}, pa11y {len(result.pa11y)}, Nu {len(result.nu)}, "
            f"Lighthouse {'could not run' if result.lighthouse_score is None else result.lighthouse_score}")


def control_line(result: Result) -> str:
    caught = control_is_caught([result])
    missed = [checker for checker, found in caught.items() if not found]
    return (f"Control: a page made with known faults (no language, an empty title, an image without "
            f"alternative text, a field without a label, a duplicated id, an empty link, an invalid "
            f"attribute), checked first in {result.language}: {control_counts(result)}. "
            + ("Every checker finds it, so its zeros above are not for want of looking." if not missed else
               f"{', '.join(missed)} found nothing there: "
               f"{'its' if len(missed) == 1 else 'their'} zeros prove nothing."))


def markdown(results: list[Result], versions: dict, seconds: float) -> str:
    control = [result for result in results if result.state == CONTROL]
    results = [result for result in results if result.state != CONTROL]
    states = list(dict.fromkeys(result.state for result in results))
    by_key = {(result.state, result.language): result for result in results}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    lines = [
        "# Accessibility report",
        "",
        f"Made by `bash scripts/accessibility-report` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"from commit `{commit or 'unknown'}`, in {seconds / 60:.0f} minutes.",
        "",
        "Every page and state of the service, reached in Chromium on a 360 × 740 CSS px screen with "
        "JavaScript on, in Greek (el) and English (en). Each number counts what a checker found there: "
        "**axe**: axe-core, WCAG 2.2 A and AA and best practice (one per element and rule); "
        "**pa11y**: pa11y with HTML_CodeSniffer, WCAG2AA errors; **Nu**: the Nu HTML Checker, errors and "
        "warnings; **Lighthouse**: its accessibility score (100 is the best). Target: zero everywhere, "
        "Lighthouse 100. Without JavaScript every page and state is checked with axe-core by the browser "
        "tests (`bash scripts/test`).",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
        "| Page or state | axe el | axe en | pa11y el | pa11y en | Nu el | Nu en | Lighthouse el | Lighthouse en |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(state, language, column):
        result = by_key.get((state, language))
        if result is None:
            return "–"
        if column == "lighthouse":
            return "error" if result.error else str(result.lighthouse_score)
        if column == "pa11y" and result.error:
            return "error"
        return str(len(getattr(result, column)))

    for state in states:
        row = [f"{state} (`{(by_key.get((state, 'en')) or by_key[(state, 'el')]).path.split('?')[0]}`)"]
        row += [cell(state, language, column) for column in ("axe", "pa11y", "nu") for language in LANGUAGES]
        row += [cell(state, language, "lighthouse") for language in LANGUAGES]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"{len(states)} states in each language, {len(results)} pages checked.", ""]
    for result in control:
        lines.append(control_line(result))
    lines.append("")
    lines += summary_lines(results) + [""] + findings_lines(results)
    return "\n".join(lines).rstrip() + "\n"


def summary_lines(results):
    scores = [result.lighthouse_score for result in results if result.lighthouse_score is not None]
    totals = {column: sum(len(getattr(result, column)) for result in results) for column in ("axe", "pa11y", "nu")}
    return [
        "## Totals",
        "",
        f"- axe-core: {totals['axe']}",
        f"- pa11y (HTML_CodeSniffer): {totals['pa11y']}",
        f"- Nu HTML Checker: {totals['nu']}",
        f"- Lighthouse accessibility: lowest {min(scores, default='–')}, "
        f"{sum(score == 100 for score in scores)} of {len(results)} pages at 100",
        f"- checks that could not run: {sum(result.error is not None for result in results)}",
    ]


def findings_lines(results):
    lines = ["## Findings", ""]
    found = False
    for result in results:
        problems = ([f"axe: {text}" for text in result.axe] + [f"pa11y: {text}" for text in result.pa11y]
                    + [f"Nu: {text}" for text in result.nu] + [f"Lighthouse: {text}" for text in result.lighthouse]
                    + ([f"could not check: {result.error}"] if result.error else []))
        if problems:
            found = True
            lines.append(f"### {result.state} ({result.language})")
            lines += [f"- {problem}" for problem in dict.fromkeys(problems)] + [""]
    if not found:
        lines.append("None: every checker found nothing on every page and state.")
    return lines


def main():
    # The services' request logs would drown the progress lines.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("kepweb").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "accessibility-report.md")
    parser.add_argument("--only", help="run only the walks whose name contains this (for a quick look)")
    arguments = parser.parse_args()
    started = time.monotonic()
    try:
        results, versions = run(arguments.only)
    except ControlNotCaught as asleep:
        sys.exit(str(asleep))
    asleep = [checker for checker, caught in control_is_caught(results).items() if not caught]
    if asleep:  # run() stops first; this is the last guard before writing
        sys.exit(f"these checkers found nothing on the page with known faults: {', '.join(asleep)}")
    report = markdown(results, versions, time.monotonic() - started)
    arguments.output.write_text(report, encoding="utf-8")
    raw = ROOT / "build" / "accessibility-report.json"
    raw.parent.mkdir(exist_ok=True)
    raw.write_text(json.dumps([result.__dict__ for result in results], ensure_ascii=False, indent=1), encoding="utf-8")
    checked = [result for result in results if result.state != CONTROL]
    print("\n".join(summary_lines(checked)))
    output = arguments.output.relative_to(ROOT) if arguments.output.is_relative_to(ROOT) else arguments.output
    print(f"written: {output} (details: {raw.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
