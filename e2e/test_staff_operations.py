"""The operators' pages of the KEP staff area in a real browser (issue 14): the head of the Chania KEP signs in
through the public servants' sign-in stand-in and closes a day on which two citizens have video calls (one with a
sign-language interpreter): the form (and its errors), the preview that lists both calls and says what will
happen, the confirmation, and the result that says what happened to each; then each citizen has an email with a
link to choose another time, and the API has no call left booked on that day. The head also opens their KEP's
hours, an employee's availability and absences, and the statistics (a table, a chart, the CSV file); the
Ministry's administrator opens every KEP's pages and the interpreters. Another role meets "page not found".

Every page and state is checked with axe-core (`page_problems`) in Greek and English, with our scripts and
without them: one walk per role, parametrised over language × scripts, as e2e/test_staff.py does. The walks are
reused by scripts/accessibility_report.py.

Each run of the head's walk closes a day of its own, two working days apart from the others, so that the calls one
closure moves are not on the day the next one closes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.test_appointments import TAX_IDS
from e2e.test_staff import say, staff_sign_in
from e2e.wizard import today_in_athens, wait_for_outbox
from kepweb.i18n import ATHENS
from sandbox.staff_idp.accounts import ACCOUNTS_BY_NAME
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

KEP = "kep-chania-1"
OTHER_KEP = "kep-rhodes-1"
REASON = "Απεργία του προσωπικού"
# Each run's two citizens book procedures of their own: one active booking per citizen and procedure.
PROCEDURES = {("el", True): ("housing-allowance", "child-benefit"),
              ("el", False): ("birth-allowance", "maternity-benefit"),
              ("en", True): ("unemployment-benefit", "minimum-income"),
              ("en", False): ("social-electricity-tariff", "old-age-pension")}


@dataclass(frozen=True)
class ClosedDayCase:
    """A day at the Chania KEP with two calls: Maria's with a sign-language interpreter, and Giorgos's."""

    day: date
    bookings: tuple  # (user, Booking)


def typed(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def book_on(service, user, procedure, day, language, needs=()):
    """A confirmed booking for `user` at the Chania KEP on `day`, through the frontend's own scheduling client."""
    api = service.frontend.extensions["scheduling"]
    slots = api.availability.slots("information", procedure, needs=needs, kep_id=KEP, day=day)
    assert slots, f"no free time for {procedure} at {KEP} on {day}"
    hold = api.holds.hold(TAX_IDS[user], category="information", procedure=procedure, kep_id=KEP,
                          start=slots[0].start, needs=needs)
    return api.bookings.book(TAX_IDS[user], {
        "hold_id": hold.id,
        "contact": {"name": user.capitalize(), "email": f"{user}.{procedure}@example.com", "phone": "6912345678",
                    "address": {"street": "Ερμού 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "identity_card", "needs": list(needs), "contact_preference": "sms",
        "delivery": {"method": "email"}, "language": language,
    }, idempotency_key=hold.id)


def days_with_room(service, count, spacing=2) -> list[date]:
    """`count` days after today on which the Chania KEP has free time for a call with an interpreter and no call
    booked yet (another walk's calls stay where they are), `spacing` such days apart: a closure moves its calls to
    a day between."""
    api = service.frontend.extensions["scheduling"]
    head = ACCOUNTS_BY_NAME["chania-head"].sub
    today = today_in_athens()
    days = [day.date for day in api.availability.days("information", "housing-allowance", needs=("sign_language",),
                                                      kep_id=KEP, first=today + timedelta(days=1),
                                                      last=today + timedelta(days=45))
            if day.free_slots >= 2 and not api.staff_calls.day(head, day.date, kep_id=KEP)]
    chosen = days[::spacing][:count]
    assert len(chosen) == count, f"too few days with room at {KEP}: {days}"
    return chosen


def closed_day_cases(service, procedures=PROCEDURES) -> dict:
    """For each run (language, scripts), a day of its own with two calls at the Chania KEP, for Maria and Giorgos
    with procedures of the run's own (`procedures`)."""
    cases = {}
    for run, day in zip(procedures, days_with_room(service, len(procedures)), strict=True):
        language = run[0]
        first, second = procedures[run]
        cases[run] = ClosedDayCase(day, (
            ("maria", book_on(service, "maria", first, day, language, needs=("sign_language",))),
            ("giorgos", book_on(service, "giorgos", second, day, language))))
    return cases


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("operations") / "scheduling.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def cases(service):
    """Every call this module needs, booked before any day is closed."""
    return closed_day_cases(service)


def submit(page, form="#main-content form[method=post]"):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def expect_errors(page, service, language, *messages):
    """The error summary above the form, with each message, and the title that starts with "Error:"."""
    summary = page.locator("#main-content [data-error-summary]")
    expect(summary).to_be_visible()
    for message in messages:
        expect(summary).to_contain_text(say(service, language, message))
    expect(page).to_have_title(re.compile("^" + re.escape(say(service, language, "Error")) + ": "))


def appointment_card(page, reference):
    return page.locator("#main-content .kepweb-call", has_text=reference)


def statistics_period() -> tuple[date, date]:
    """A period from today through the days with calls (and where they were moved): the statistics count them."""
    return today_in_athens(), today_in_athens() + timedelta(days=60)


def statistics_states(page, service, language, first: date, last: date):
    """The statistics page for a period (its tables and chart), then the period form with an error."""
    main = page.locator("#main-content")
    page.goto(f"/staff/statistics?from={typed(first)}&to={typed(last)}")
    expect(main.locator("h1")).to_have_text(say(service, language, "Statistics per KEP and category"))
    expect(main.locator("svg[role=img] title")).to_have_count(1)
    expect(main.locator("table#by-category tbody tr").first).to_be_visible()
    yield "statistics"

    page.fill("#period-from", "31/02/2026")
    click(page, main.locator("form[method=get] button[type=submit]"))
    expect_errors(page, service, language, "Enter the start date as day/month/year, for example 1/11/2026")
    yield "statistics-period-with-errors"


def kep_states(page, service, language, kep_id):
    """A KEP's page, its opening hours form (and that form with an error), and its first employee's page."""
    main = page.locator("#main-content")
    expect(page).to_have_url(re.compile(rf"/staff/keps/{kep_id}$"))
    expect(main.locator("h2").first).to_have_text(say(service, language, "Opening hours"))
    yield "kep"

    click(page, main.get_by_role("link", name=say(service, language, "Change the opening hours")))
    expect(page).to_have_url(re.compile(rf"/staff/keps/{kep_id}/hours$"))
    yield "kep-hours"

    page.fill("#opens_0", "8 το πρωί")
    submit(page)
    expect_errors(page, service, language, "Enter a time like 08:00")
    yield "kep-hours-with-errors"

    page.goto(f"/staff/keps/{kep_id}")
    click(page, main.locator(".kepweb-call h3 a").first)
    expect(page).to_have_url(re.compile(rf"/staff/keps/{kep_id}/employees/[^/]+$"))
    expect(main.locator("h2").first).to_have_text(say(service, language, "Availability"))
    yield "employee"


def head_states(page, service, language, case: ClosedDayCase, said: dict | None = None):
    """The head of the Chania KEP: closes the day of `case` (the form, its errors, the preview that lists both
    calls, the confirmation, the result), opens the page to open it again, then their KEP's pages and the
    statistics; yields each state's name. Signed in as chania-head. `said` gets what the result page says happened
    to each call (by reference): "moved" (it shows a new time) or "cancelled"."""
    main = page.locator("#main-content")
    page.goto("/staff/closed-days")
    expect(main.locator("h1")).to_have_text(say(service, language, "Closed days"))
    yield "closed-days"

    click(page, main.get_by_role("link", name=say(service, language, "Close a day")))
    expect(main.locator("h1")).to_have_text(say(service, language, "Close a day"))
    expect(main.locator("select")).to_have_count(0)  # a head closes their own KEP's day
    yield "close-day"

    submit(page)  # nothing filled in
    expect_errors(page, service, language, "Enter the day", "Enter the reason")
    yield "close-day-with-errors"

    page.fill("#day", typed(case.day))
    page.fill("#reason", REASON)
    submit(page)
    expect(page).to_have_url(re.compile(r"/staff/changes/check$"))
    for _user, booking in case.bookings:
        expect(appointment_card(page, booking.reference)).to_be_visible()
    expect(main).to_contain_text(say(service, language, "If there is no such time in the days open for booking, "
                                                        "it is cancelled."))
    expect(main.get_by_role("button", name=say(service, language, "Close the day"))).to_be_visible()
    yield "close-day-check"

    submit(page)
    expect(page).to_have_url(re.compile(r"/staff/changes/result$"))
    expect(main.locator("h1")).to_contain_text(str(case.day.year))
    for _user, booking in case.bookings:
        card = appointment_card(page, booking.reference)
        expect(card).to_be_visible()
        if said is not None:
            said[booking.reference] = "moved" if card.get_by_text(say(service, language, "New time")).count() \
                else "cancelled"
    yield "close-day-result"

    click(page, main.get_by_role("link", name=say(service, language, "Closed days")).last)
    reopen = main.locator(f"a[href*='/staff/closed-days/{case.day.isoformat()}/reopen']")
    expect(reopen).to_have_count(1)
    click(page, reopen)
    expect(main.get_by_role("button", name=say(service, language, "Open the day again"))).to_be_visible()
    yield "reopen-day"

    page.goto("/staff/keps")  # a head's KEP at once
    yield from kep_states(page, service, language, KEP)

    yield from statistics_states(page, service, language, *statistics_period())


def admin_states(page, service, language):
    """The Ministry's administrator: the closed days and the form (with a choice of KEP, and its errors), the
    choice of a KEP (and its error), the Rhodes KEP's pages, the interpreters, the statistics of every KEP.
    Signed in as ministry-admin."""
    main = page.locator("#main-content")
    page.goto("/staff/closed-days")
    expect(main.locator("h1")).to_have_text(say(service, language, "Closed days"))
    yield "closed-days"

    page.goto("/staff/closed-days/new")
    expect(main.locator("select[name=kep_id]")).to_have_count(1)
    yield "close-day"

    page.fill("#day", "31/02/2030")
    submit(page)
    expect_errors(page, service, language, "Enter a date like 24/12/2026", "Enter the reason")
    yield "close-day-with-errors"

    page.goto("/staff/keps")
    expect(main.locator("h1")).to_have_text(say(service, language, "Choose a KEP"))
    yield "keps"

    click(page, main.locator("form[method=get] button[type=submit]"))  # no KEP chosen
    expect(page.locator("#main-content [data-error-summary]")).to_be_visible()
    expect(page).to_have_title(re.compile("^" + re.escape(say(service, language, "Error")) + ": "))
    yield "keps-with-errors"

    page.select_option("select[name=kep]", OTHER_KEP)
    click(page, main.locator("form[method=get] button[type=submit]"))
    yield from kep_states(page, service, language, OTHER_KEP)

    page.goto("/staff/interpreters")
    expect(main.locator("h1")).to_have_text(say(service, language, "Greek Sign Language interpreters"))
    yield "interpreters"

    click(page, main.locator(".kepweb-call h2 a").first)
    expect(page).to_have_url(re.compile(r"/staff/interpreters/[^/]+$"))
    yield "interpreter"

    yield from statistics_states(page, service, language, *statistics_period())


def problems_of_walk(browser, service, language, scripts, username, states) -> dict:
    """Sign in as `username` in a new context, then walk (`states(page)` yields each state's name), checking
    each state with `page_problems`. The sign-in pages are e2e/test_staff.py's to check."""
    problems = {}
    context = new_context(browser, service.url, language, block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    try:
        staff_sign_in(page, username)
        errors.clear()
        for state in states(page):
            found = page_problems(page, language, scripts, errors)
            if found:
                problems[state] = found
            errors.clear()
        check_the_csv(page, language)
    finally:
        context.close()
    return problems


def check_the_csv(page, language):
    """The statistics as a CSV file: UTF-8 with a byte order mark (so Excel shows Greek), a header in the page's
    language, semicolons in Greek."""
    link = page.locator("#main-content a[href*='/staff/statistics.csv']")
    page.goto("/staff/statistics")
    expect(link).to_have_count(1)
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="kep-statistics-')
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    header = body[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("ΚΕΠ;" if language == "el" else "KEP,"), header


# -- 1: a KEP's head closes a day; each citizen is told --------------------------------------------------------

def booking_email(user, booking) -> str:
    return f"{user}.{booking.procedure_id}@example.com"  # as book_on gives it


def wait_for(found, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not (answer := found()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return answer


def moved_or_cancelled(service, user, booking):
    """The booking as the API has it now: cancelled, or moved to a later day."""
    now = service.frontend.extensions["scheduling"].bookings.get_booking(TAX_IDS[user], booking.reference)
    if now.status == "cancelled":
        return "cancelled"
    assert now.status == "confirmed", now.status
    assert now.start.astimezone(ATHENS).date() > booking.start.astimezone(ATHENS).date(), (booking.start, now.start)
    return "moved"


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_a_kep_head_closes_a_day_and_each_citizen_is_told(browser, service, cases, language, scripts):
    case = cases[(language, scripts)]
    said = {}
    problems = problems_of_walk(browser, service, language, scripts, "chania-head",
                                lambda page: head_states(page, service, language, case, said))

    # Nothing is left booked at the KEP on that day, as the API says to the head.
    api = service.frontend.extensions["scheduling"]
    head = ACCOUNTS_BY_NAME["chania-head"].sub
    left = [call.reference for call in api.staff_calls.day(head, case.day, kep_id=KEP) if call.status == "confirmed"]
    assert not left, f"still booked on the closed day {case.day}: {left}"
    # The day is listed as closed, for the Chania KEP, with its reason.
    closed = [item for item in api.operations.closed_days(head) if item.day == case.day]
    assert [(item.kep_id, item.reason) for item in closed] == [(KEP, REASON)]

    # Each citizen's call was moved to a later day or cancelled, and they were emailed a link to choose another time.
    for user, booking in case.bookings:
        outcome = moved_or_cancelled(service, user, booking)
        assert said[booking.reference] == outcome, (booking.reference, said, outcome)  # the result page said so
        subject = re.compile(rf"(KEP|ΚΕΠ) .*{booking.reference}")  # "The KEP moved/cancelled your appointment"
        email = booking_email(user, booking)
        sent = wait_for_outbox(service.outbox, lambda message, subject=subject, email=email:
                               email in message["to"] and bool(subject.search(message["subject"])))
        assert sent, f"no email to {email} about {booking.reference} ({outcome})"
        [message] = sent
        link = rf"/appointments/{booking.reference}/reschedule" if outcome == "moved" else r"/book"
        assert re.search(rf"^https?://\S+{link}\S*\r?$", message["text"], re.MULTILINE), message["text"]
        # They chose texts too.
        assert wait_for(lambda booking=booking: [sms for sms in service.outbox.sms_messages()
                                                 if booking.reference in sms["text"]]), booking.reference
    assert not problems, problems


# -- 2: who may open what --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("username", "paths"), [
    ("rhodes-employee", ("/staff/closed-days", "/staff/statistics")),
    ("chania-head", ("/staff/interpreters", f"/staff/keps/{OTHER_KEP}")),
])
def test_pages_of_another_role_or_kep_are_not_found(browser, service, username, paths):
    context = new_context(browser, service.url, "en")
    page = context.new_page()
    errors = collect_console_errors(page)
    staff_sign_in(page, username)
    errors.clear()
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("#main-content h1")).to_have_text("Page not found")
        found = page_problems(page, "en", True, errors)
        if found:
            problems[path] = found
        errors.clear()
    context.close()
    assert not problems, problems


# -- 3: the administrator's pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_administrators_operations_pages_are_accessible(browser, service, cases, language, scripts):
    problems = problems_of_walk(browser, service, language, scripts, "ministry-admin",
                                lambda page: admin_states(page, service, language))
    assert not problems, problems
