"""My appointments in a real browser: the email links (reschedule, cancel, view)
followed by a citizen, JavaScript on and off; another citizen's appointment;
the join page with a fake camera and a controllable clock; and every page of
the area checked with axe-core in both languages, JavaScript on and off.

Bookings are made through the frontend's own scheduling client (not the
wizard, which e2e/test_booking.py drives), in a LiveService of this module's
own, so that the sandbox's rule of one active booking per citizen and
procedure never meets the other browser tests' bookings. Each test books as a
citizen, or a procedure, of its own.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.a11y import axe_violations
from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, new_context
from kepweb.i18n import ATHENS
from sandbox.gsis import PASSWORD
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

# ΑΦΜ of the sandbox's GSIS test users (sandbox/gsis/README.md).
TAX_IDS = {"maria": "094014201", "giorgos": "135792468", "nikos": "123456783"}
REFERENCE = r"KEP-[2-9A-Z]{4}-[2-9A-Z]{4}"

# Email subjects (sandbox/scheduling/mail/texts.py), by kind and language.
SUBJECT_WORDS = {
    "confirmed": {"el": "Επιβεβαίωση", "en": "confirmed"},
    "rescheduled": {"el": "Αλλαγή", "en": "New time"},
    "cancelled": {"el": "Ακύρωση", "en": "cancelled"},
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("appointments") / "scheduling.sqlite3",
                          {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


def book(service, user, procedure, *, municipality="hydra", language="en", email=None, needs=(),
         third_person_email="g@example.com"):
    """A confirmed booking for `user`, through the frontend's own scheduling client."""
    api = service.frontend.extensions["scheduling"]
    tax_id = TAX_IDS[user]
    # A time that fits the needs: a longer call, and an interpreter free for it.
    slot = api.availability.first_free("information", procedure, needs=needs, municipality_id=municipality).slot
    assert slot, f"no free time for {procedure} in {municipality}"
    hold = api.holds.hold(tax_id, category="information", procedure=procedure, kep_id=slot.kep_id,
                          start=slot.start, needs=needs)
    answers = {
        "hold_id": hold.id,
        "contact": {"name": user.capitalize(), "email": email or f"{user}.{procedure}@example.com",
                    "phone": "6912345678", "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "passport", "needs": list(needs), "contact_preference": "email",
        "delivery": {"method": "email"}, "language": language,
    }
    if "third_person" in needs:
        answers["third_person"] = {"name": "Γιώργος", "email": third_person_email}
    return api.bookings.book(tax_id, answers, idempotency_key=hold.id)


def fetch_booking(service, user, reference):
    return service.frontend.extensions["scheduling"].bookings.get_booking(TAX_IDS[user], reference)


def cancel_quietly(service, user, reference):
    """Leave no active booking behind (one per citizen and procedure)."""
    api = service.frontend.extensions["scheduling"]
    if api.bookings.get_booking(TAX_IDS[user], reference).status == "confirmed":
        api.bookings.cancel(TAX_IDS[user], reference)


def wait_for_email(service, recipient, reference, kind, language, timeout=10.0):
    """The email of `kind` about `reference`, polled from the outbox (the mail loop runs every 0.2 s)."""
    word = SUBJECT_WORDS[kind][language]
    deadline = time.monotonic() + timeout
    while True:
        for message in service.outbox.messages():
            if recipient in message["to"] and reference in message["subject"] and word in message["subject"]:
                return message
        if time.monotonic() > deadline:
            seen = [(m["to"], m["subject"]) for m in service.outbox.messages()]
            raise AssertionError(f"no {kind!r} email about {reference} to {recipient} in {timeout} s; outbox: {seen}")
        time.sleep(0.1)


def link_in(message, reference, action):
    """The absolute link on a line of its own in the text part: view, reschedule, cancel or join."""
    path = f"/appointments/{reference}" + ("" if action == "view" else f"/{action}")
    match = re.search(rf"^(https?://\S+{re.escape(path)})\r?$", message["text"], re.MULTILINE)
    assert match, f"no {action} link in the email:\n{message['text']}"
    return match.group(1)


def sign_in_at_provider(page, username):
    expect(page.locator("#username")).to_be_visible()
    assert "/oauth2server/oauth/authorize" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def sign_in(page, username, next_path="/appointments"):
    page.goto(f"/sign-in?next={next_path}")
    sign_in_at_provider(page, username)


@contextmanager
def clock_at(service, moment):
    """The frontend's controllable clock (KEPWEB_CLOCK), reset afterwards."""
    service.frontend.config["KEPWEB_CLOCK"] = lambda: moment
    try:
        yield
    finally:
        service.frontend.config.pop("KEPWEB_CLOCK", None)


# 1. Reschedule, then cancel, with the links in the emails ------------------------------------

@pytest.mark.parametrize(("javascript", "procedure", "booking_language"), [
    pytest.param(True, "housing-allowance", "el", id="js-on"),
    pytest.param(False, "child-benefit", "en", id="js-off"),
])
def test_reschedule_then_cancel_with_the_links_in_the_emails(browser, service, javascript, procedure,
                                                             booking_language):
    email = f"maria.{procedure}.{booking_language}@example.com"
    booking = book(service, "maria", procedure, language=booking_language, email=email)
    reference = booking.reference
    context = new_context(browser, service.url, "en", javascript=javascript)
    page = context.new_page()
    try:
        sign_in(page, "maria")
        expect(page.locator("h1")).to_have_text("My appointments")
        expect(page.locator("#main-content")).to_contain_text(reference)

        confirmation = wait_for_email(service, email, reference, "confirmed", booking_language)
        page.goto(link_in(confirmation, reference, "reschedule"))
        expect(page.locator("h1")).to_have_text("Choose a new time")
        expect(page.locator("#main-content")).to_contain_text("It stays booked until you choose a new time")

        other_times = [value for value in page.locator("input[name=slot]").evaluate_all(
            "inputs => inputs.map(input => input.value)") if not value.endswith(booking.start.isoformat())]
        if not other_times:  # the booked day has no other free time: the next day that has
            booked_day = booking.start.astimezone(ATHENS).date().isoformat()
            page.locator(f".kepweb-days a:not([href*='day={booked_day}'])").first.click()
            page.wait_for_load_state()
            other_times = page.locator("input[name=slot]").evaluate_all("inputs => inputs.map(input => input.value)")
        chosen = other_times[0]
        radio = page.locator(f"input[name=slot][value='{chosen}']")
        label = page.locator(f"label[for='{radio.get_attribute('id')}']").inner_text().strip()
        radio.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Move my appointment to this time").click()

        expect(page.locator("h1")).to_have_text(f"Appointment {reference}")
        expect(page.get_by_role("alert")).to_contain_text(f"Your appointment is now on {label}")
        moved = fetch_booking(service, "maria", reference)
        assert moved.start.isoformat() == chosen.partition("|")[2] and moved.start != booking.start
        # The "Day and time" row shows the new time: "Tuesday 1 December 2026, 09:30–09:50".
        day_and_time = page.locator(".govgr-summary-list__row", has_text="Day and time")
        start_time = re.search(r"(\d\d:\d\d) to (\d\d:\d\d)", label).groups()
        expect(day_and_time).to_contain_text(f"{start_time[0]}–{start_time[1]}")
        expect(day_and_time).to_contain_text(label.split(",")[0])  # the day of the week and date
        expect(page.locator(".kepweb-status")).to_have_text("Booked")

        rescheduled = wait_for_email(service, email, reference, "rescheduled", booking_language)
        page.goto(link_in(rescheduled, reference, "cancel"))
        expect(page.locator("h1")).to_have_text("Cancel this appointment?")
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, cancel it").click()
        expect(page.locator("h1")).to_have_text(f"Appointment {reference}")
        expect(page.locator(".kepweb-status")).to_have_text("Cancelled")
        expect(page.get_by_role("alert")).to_contain_text("Your appointment is cancelled")
        expect(page.get_by_role("link", name="Cancel the appointment")).to_have_count(0)
        assert fetch_booking(service, "maria", reference).status == "cancelled"
        wait_for_email(service, email, reference, "cancelled", booking_language)
    finally:
        context.close()
        cancel_quietly(service, "maria", reference)


# 2 and 3. The email links go through sign-in; another citizen's appointment is not found --------

@pytest.fixture(scope="module")
def giorgos_booking(service):
    booking = book(service, "giorgos", "housing-allowance", language="el")
    yield booking
    cancel_quietly(service, "giorgos", booking.reference)


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_an_email_link_goes_through_sign_in_and_back(browser, service, giorgos_booking, javascript):
    reference = giorgos_booking.reference
    message = wait_for_email(service, "giorgos.housing-allowance@example.com", reference, "confirmed", "el")
    view = link_in(message, reference, "view")
    assert view == f"{service.url}/appointments/{reference}"
    context = new_context(browser, service.url, "en", javascript=javascript)
    page = context.new_page()
    page.goto(view)
    sign_in_at_provider(page, "giorgos")
    assert page.url == view
    expect(page.locator("h1")).to_have_text(f"Appointment {reference}")
    expect(page.locator(".kepweb-status")).to_have_text("Booked")
    context.close()


def test_another_citizens_appointment_is_page_not_found(browser, service, giorgos_booking):
    context = new_context(browser, service.url, "en")
    page = context.new_page()
    sign_in(page, "nikos")
    expect(page.locator(".kepweb-account__name")).to_contain_text("ΝΙΚΟΛΑΟΥ")
    expect(page.locator("#main-content")).not_to_contain_text(giorgos_booking.reference)
    for suffix in ["", "/reschedule", "/cancel", "/join"]:
        response = page.goto(f"/appointments/{giorgos_booking.reference}{suffix}")
        assert response.status == 404, suffix
        expect(page.locator("h1")).to_have_text("Page not found")
        expect(page.locator("#main-content")).not_to_contain_text("ΑΝΤΩΝΙΟΥ")
    context.close()
    assert fetch_booking(service, "giorgos", giorgos_booking.reference).status == "confirmed"


# 4. The join page: a fake camera, and the clock before and after the opening time ------------

@pytest.fixture(scope="module")
def camera_browser(browser_type):
    """Chromium with a fake camera and microphone, and no permission prompt."""
    browser = browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def nikos_booking(service):
    booking = book(service, "nikos", "housing-allowance", municipality="psara", needs=("third_person",))
    yield booking
    cancel_quietly(service, "nikos", booking.reference)


def test_the_join_page_checks_the_camera_and_opens_15_minutes_before(camera_browser, service, nikos_booking):
    booking = nikos_booking
    url = f"/appointments/{booking.reference}/join"
    context = new_context(camera_browser, service.url, "en")
    context.grant_permissions(["camera", "microphone"], origin=service.url)
    page = context.new_page()
    sign_in(page, "nikos")

    with clock_at(service, booking.start - timedelta(minutes=10)):
        response = page.goto(url)
        policy = response.headers["permissions-policy"]
        assert "camera=(self)" in policy and "microphone=(self)" in policy
        expect(page.locator("h1")).to_have_text("Join your video call")
        join = page.get_by_role("link", name="Join the call now")
        expect(join).to_have_attribute("href", f"/appointments/{booking.reference}/call")
        # Who else is invited, as the API says it happened (sent by its mail loop), never a promise.
        expect(page.locator("#main-content")).to_contain_text(
            re.compile(r"Third person: Γιώργος\. (Invitation sent by email on .+; not confirmed yet|"
                       r"The invitation is being sent by email)\."))

        preview = page.locator("video[data-preview]")
        expect(preview).to_be_hidden()
        page.get_by_role("button", name="Start the check").click()
        expect(preview).to_be_visible()
        page.wait_for_function("() => { const v = document.querySelector('video[data-preview]');"
                               " return v.videoWidth > 0 && !v.paused && v.readyState >= 2; }", timeout=10_000)
        expect(page.locator("[data-check-status]")).to_have_text(
            "Your camera and microphone work: the picture from your camera is shown on this page.")
        expect(page.locator("#announcer")).to_have_text(
            "Your camera and microphone work: the picture from your camera is shown on this page.")

    with clock_at(service, booking.start - timedelta(minutes=30)):
        page.goto(url)
        opens = page.locator("#join-opens")
        expect(opens).to_contain_text("You can join from")
        expect(opens).to_contain_text("15 minutes before the start")
        expect(page.get_by_role("link", name="Join the call now")).to_have_count(0)
        expect(page.locator(f"a[href='/appointments/{booking.reference}/call']")).to_have_count(0)
        # With JavaScript, the countdown: 15 minutes left until it opens.
        countdown = page.locator("[data-countdown]")
        expect(countdown).to_be_visible()
        expect(countdown).to_have_text("You can join in 15 minutes.")
    # Only the join page may use them.
    other = page.goto(f"/appointments/{booking.reference}")
    assert "camera=()" in other.headers["permissions-policy"]
    context.close()


@pytest.mark.parametrize(("language", "before_it_opens", "says"), [
    ("en", timedelta(seconds=30), "You can join in 1 minute."),
    ("el", timedelta(seconds=30), "Μπορείτε να συνδεθείτε σε 1 λεπτό."),
    ("en", timedelta(hours=5), "You can join in 5 hours."),
    ("el", timedelta(days=3), "Μπορείτε να συνδεθείτε σε 3 ημέρες."),
])
def test_the_countdown_says_the_time_left_in_words_that_agree(browser, service, nikos_booking, language,
                                                                before_it_opens, says):
    """Never "1 minutes", «σε 1 λεπτά», or a call days away in thousands of minutes."""
    booking = nikos_booking
    context = new_context(browser, service.url, language)
    page = context.new_page()
    sign_in(page, "nikos")
    with clock_at(service, booking.start - timedelta(minutes=15) - before_it_opens):
        page.goto(f"/appointments/{booking.reference}/join")
        expect(page.locator("[data-countdown]")).to_have_text(says)
    context.close()


def test_the_join_page_before_the_opening_time_without_javascript(browser, service, nikos_booking):
    booking = nikos_booking
    context = new_context(browser, service.url, "en", javascript=False)
    page = context.new_page()
    sign_in(page, "nikos")
    with clock_at(service, booking.start - timedelta(minutes=30)):
        page.goto(f"/appointments/{booking.reference}/join")
        expect(page.locator("#join-opens")).to_contain_text("You can join from")
        expect(page.get_by_role("link", name="Join the call now")).to_have_count(0)
        expect(page.locator("[data-countdown]")).to_be_hidden()
        # The device check needs JavaScript: without it, it stays out of the way.
        expect(page.locator("[data-device-check]")).to_be_hidden()
    context.close()


# 5. Every page of the area with axe-core -----------------------------------------------------

def upcoming_and_cancelled(service, user="maria", procedures=("birth-allowance", "maternity-benefit")):
    """An upcoming booking, and a cancelled one, so both lists and both statuses show."""
    upcoming = book(service, user, procedures[0], municipality="psara")
    cancelled = book(service, user, procedures[1], municipality="psara")
    service.frontend.extensions["scheduling"].bookings.cancel(TAX_IDS[user], cancelled.reference)
    return upcoming, cancelled


@pytest.fixture(scope="module")
def maria_bookings(service):
    upcoming, cancelled = upcoming_and_cancelled(service)
    yield upcoming, cancelled
    cancel_quietly(service, "maria", upcoming.reference)


def area_states(page, service, upcoming, cancelled):
    base = f"/appointments/{upcoming.reference}"
    sign_in(page, "maria")
    yield "list"
    page.goto(base)
    yield "appointment"
    page.goto(f"/appointments/{cancelled.reference}")
    yield "appointment-cancelled"
    page.goto(f"{base}/cancel")
    yield "cancel-confirmation"
    page.goto(f"{base}/reschedule")
    yield "reschedule"
    submit = page.locator("#main-content form button[type=submit]")
    if not submit.count():  # the appointment's own day has no other time: a day that has
        page.locator(".kepweb-days a").first.click()
        page.wait_for_load_state()
    submit.click()  # no time chosen: the picker's error, tied to its radio group
    page.wait_for_load_state()
    expect(page.locator("#main-content [data-error-summary]")).to_be_visible()
    yield "reschedule-error"
    for state, moment in [("join-early", upcoming.start - timedelta(minutes=30)),
                          ("join-open", upcoming.start - timedelta(minutes=10)),
                          ("join-over", upcoming.end + timedelta(minutes=1))]:
        with clock_at(service, moment):
            page.goto(f"{base}/join")
            yield state
    page.goto(f"/appointments/{cancelled.reference}/join")
    yield "join-cancelled"


def wider_than_the_screen(page):
    """The innermost elements that stick out on the right, to say what scrolls sideways."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.body.querySelectorAll("*")]
            .filter(e => e.getBoundingClientRect().right > width + 0.5);
        return wide.filter(e => !wide.some(other => other !== e && e.contains(other)))
                   .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`
                             + ` "${e.textContent.trim().slice(0, 60)}"`);
    }""")


@pytest.mark.parametrize("javascript", ["js-on", "js-off"])
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_page_of_my_appointments_is_accessible(browser, service, maria_bookings, language, javascript):
    upcoming, cancelled = maria_bookings
    context = new_context(browser, service.url, language, block_scripts=(javascript == "js-off"))
    page = context.new_page()
    problems = {}
    for state in area_states(page, service, upcoming, cancelled):
        # The clock is read at request time: check before leaving the state's `with`.
        page.wait_for_load_state()
        found = axe_violations(page)
        if page.locator("h1").count() != 1:
            found.append("not exactly one h1")
        if page.evaluate("document.documentElement.lang") != language:
            found.append("wrong <html lang>")
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            found.append(f"scrolls sideways: {wider_than_the_screen(page)}")
        if found:
            problems[state] = found
    context.close()
    assert not problems, problems
