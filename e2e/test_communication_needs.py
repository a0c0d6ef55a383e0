"""Deaf and hard-of-hearing citizens, end to end in a browser (issue 12): the needs
come before the time, the times offered have a free interpreter, the service
itself invites the interpreter and the companion (their own links, no Taxisnet,
one device each), texts the citizen, and withdraws the invitations on cancel. When
the only interpreter is taken, the time step says so and offers what exists.

Each test module of this file has a service of its own with a roster cut down to
one interpreter, so what is free is known exactly.
"""

from __future__ import annotations

import base64
import re
import time

import pytest
from playwright.sync_api import expect

from e2e.a11y import collect_console_errors, page_problems
from e2e.conftest import new_context
from e2e.wizard import CONTACT, STEP_TITLES, Wizard, sign_in, step_heading, wait_for_outbox
from tests.interpreters import Roster, take_the_only_interpreter_time
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

ADMIN_TOKEN = "sandbox-admin-token"
GIORGOS_MOBILE = "+306912345678"  # CONTACT's phone, as the API keeps it
JOIN_LINK = re.compile(r"https?://[^\s\"<>]+(/join/[A-Za-z0-9_.\-]+)")

SAYS = {
    "en": {
        "guest_title": "Your invitation to a myKEPlive video call",
        "interpreter_role": "you are invited as the Greek Sign Language interpreter",
        "confirmed": "The citizen and the KEP can now see that you will take part",
        "other_device": "already been opened on another device",
        "withdrawn": "This invitation has been withdrawn",
        "sent": "Invitation sent by email on",
        "they_confirmed": "that they will take part",
        "interpreter_row": "Greek Sign Language interpreter",
        "no_interpreter": "No Greek Sign Language interpreter is free in the next 30 days",
        "text_chat_now": "text chat instead of a Greek Sign Language interpreter",
        "take_part": "I will take part",
        "text_chat_button": "Use text chat instead",
        "cancel_button": "Yes, cancel it",
    },
    "el": {
        "guest_title": "Η πρόσκλησή σας σε βιντεοκλήση του myKEPlive",
        "interpreter_role": "σας προσκαλούμε ως διερμηνέα Ελληνικής Νοηματικής Γλώσσας",
        "confirmed": "Ο πολίτης και το ΚΕΠ βλέπουν πλέον ότι θα συμμετάσχετε",
        "other_device": "έχει ήδη ανοίξει σε άλλη συσκευή",
        "withdrawn": "Η πρόσκληση ανακλήθηκε",
        "sent": "Η πρόσκληση στάλθηκε με email στις",
        "they_confirmed": "ότι θα συμμετάσχει",
        "interpreter_row": "Διερμηνέας Ελληνικής Νοηματικής Γλώσσας",
        "no_interpreter": "Δεν υπάρχει διαθέσιμος διερμηνέας Ελληνικής Νοηματικής Γλώσσας τις επόμενες 30 ημέρες",
        "text_chat_now": "γραπτή συνομιλία αντί για διερμηνέα Ελληνικής Νοηματικής Γλώσσας",
        "take_part": "Θα συμμετάσχω",
        "text_chat_button": "Γραπτή συνομιλία αντί για διερμηνέα",
        "cancel_button": "Ναι, να ακυρωθεί",
    },
}


def service_with_one_interpreter(folder, starts, ends):
    service = LiveService(folder / "scheduling.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
    roster = Roster(f"{service.url}/sandbox/scheduling/v1", ADMIN_TOKEN)
    service.interpreter = roster.keep_only_one(starts, ends)
    service.roster = roster
    everyone = roster._send("GET", "/interpreters").json()["interpreters"]
    service.interpreter_email = next(i["email"] for i in everyone if i["id"] == service.interpreter)
    return service


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One interpreter, at work 10:00–10:50 each weekday: one call of 50 minutes (a sign-language
    call with a companion) fits, at 10:00, and nothing else."""
    service = service_with_one_interpreter(tmp_path_factory.mktemp("needs"), "10:00", "10:50")
    yield service
    service.stop()


def checked(page, language, errors, where):
    problems = page_problems(page, language, True, errors)
    assert not problems, f"{where}: {problems}"
    errors.clear()


def giorgos_at_the_needs(browser, service, language, javascript):
    """The deaf test user signed in and on the needs step: (context, page, wizard, console errors)."""
    context = new_context(browser, service.url, language, javascript=javascript)
    page = context.new_page()
    errors = collect_console_errors(page)
    sign_in(page, "giorgos")
    errors.clear()  # the sign-in provider's own pages are not ours
    wizard = Wizard(page, language, scripts=javascript)
    wizard.to_the_needs_step()
    return context, page, wizard, errors


def wait_for_text(outbox, predicate, seconds=20.0):
    """The sandbox sends text messages from its loop, after the emails of the same round."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(predicate(message) for message in outbox.sms_messages()):
            return True
        time.sleep(0.2)
    return False


def is_a_cancelled_event(attachment) -> bool:
    return attachment["content_type"] == "text/calendar" and \
        b"METHOD:CANCEL" in base64.b64decode(attachment["content_base64"])


def cancel_saying_yes(page, reference, language):
    page.goto(f"/appointments/{reference}/cancel")
    page.get_by_role("button", name=SAYS[language]["cancel_button"]).click()
    expect(page).to_have_url(re.compile(rf"/appointments/{reference}$"))


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_the_deaf_citizen_books_with_an_interpreter_and_a_companion(browser, service, language, javascript):
    says = SAYS[language]
    companion = f"eleni.{language}.{'js' if javascript else 'nojs'}@example.com"
    # The needs before the time.
    context, page, wizard, errors = giorgos_at_the_needs(browser, service, language, javascript)
    wizard.choose("needs", "sign_language")
    wizard.choose("needs", "third_person")
    wizard.fill({"third_person_name": "Ελένη Αντωνίου", "third_person_email": companion})
    if javascript:
        checked(page, language, errors, "the needs step")
    wizard.continue_to("time")

    # Only the times the one interpreter can take: 10:00, the one 50-minute call in their hours.
    wizard.first_day()
    times = page.locator("#main-content input[name=slot]")
    labels = [page.locator(f"label[for='{times.nth(i).get_attribute('id')}']").inner_text()
              for i in range(times.count())]
    assert labels and all("10:00" in label for label in labels), labels
    wizard.choose_first("slot")
    wizard.continue_to("details")
    wizard.fill({"full_name": "Γεώργιος Αντωνίου", "email": f"giorgos.{language}@example.com", **CONTACT})
    wizard.choose("contact_preference", "sms")
    wizard.continue_to("document")
    wizard.choose("id_document", "identity_card")
    wizard.continue_to("delivery")
    wizard.choose("method", "email")
    wizard.continue_to("check")
    wizard.submit()
    reference = wizard.expect_confirmation()
    expect(page.locator("#main-content")).to_contain_text(says["interpreter_row"])
    if javascript:
        checked(page, language, errors, "the confirmation")

    # The service itself invites both, and texts the citizen.
    outbox = service.outbox
    for invitee in (service.interpreter_email, companion):
        assert wait_for_outbox(outbox, lambda m, to=invitee: m["to"] == [to] and reference in m["subject"]), \
            f"no invitation to {invitee}"
    assert wait_for_text(outbox, lambda m: m["to"] == GIORGOS_MOBILE and reference in m["text"]), \
        "no text message to the citizen who asked for them"

    def link_for(invitee):
        [invitation] = [m for m in outbox.messages() if m["to"] == [invitee] and reference in m["subject"]][:1]
        return JOIN_LINK.search(invitation["text"]).group(1)

    # The companion opens their link without Taxisnet, and confirms.
    guest_context = new_context(browser, service.url, language, javascript=javascript)
    guest = guest_context.new_page()
    guest_errors = collect_console_errors(guest)
    guest.goto(link_for(companion))
    expect(guest).to_have_url(re.compile(r"/join$"))  # the token leaves the address bar
    expect(guest.locator("h1")).to_have_text(says["guest_title"])
    if javascript:
        checked(guest, language, guest_errors, "the companion's join page")
    guest.get_by_role("button", name=says["take_part"]).click()
    expect(guest.locator("main")).to_contain_text(says["confirmed"])
    if javascript:
        checked(guest, language, guest_errors, "the companion's join page, confirmed")

    # The interpreter's link opens their page; on a second device it does not.
    interpreter_context = new_context(browser, service.url, language, javascript=javascript)
    interpreter = interpreter_context.new_page()
    interpreter.goto(link_for(service.interpreter_email))
    expect(interpreter.locator("main")).to_contain_text(says["interpreter_role"])
    elsewhere_context = new_context(browser, service.url, language, javascript=javascript)
    elsewhere = elsewhere_context.new_page()
    elsewhere_errors = collect_console_errors(elsewhere)
    elsewhere.goto(link_for(service.interpreter_email))
    expect(elsewhere.locator("main")).to_contain_text(says["other_device"])
    if javascript:
        checked(elsewhere, language, elsewhere_errors, "a link opened on a second device")

    # The citizen's appointment page says what really happened to each invitation.
    page.goto(f"/appointments/{reference}")
    appointment = page.locator("main")
    expect(appointment).to_contain_text(says["they_confirmed"])
    expect(appointment).to_contain_text(says["interpreter_row"])
    if javascript:
        checked(page, language, errors, "the appointment with its invitations")

    # Cancelled: both invitations are withdrawn, by email, and the links say so.
    cancel_saying_yes(page, reference, language)
    for invitee in (service.interpreter_email, companion):
        withdrawn = wait_for_outbox(outbox, lambda m, to=invitee: m["to"] == [to] and reference in m["subject"]
                                    and any(is_a_cancelled_event(a) for a in m["attachments"]))
        assert withdrawn, f"no withdrawal to {invitee}"
    guest.goto("/join")
    expect(guest.locator("main")).to_contain_text(says["withdrawn"])
    if javascript:
        checked(guest, language, guest_errors, "the companion's join page, withdrawn")
    for opened in (context, guest_context, interpreter_context, elsewhere_context):
        opened.close()


@pytest.fixture(scope="module")
def taken_service(tmp_path_factory):
    """One interpreter, free for one 40-minute call a day, on one day only, and another citizen has it."""
    service = service_with_one_interpreter(tmp_path_factory.mktemp("taken"), "10:00", "10:40")
    take_the_only_interpreter_time(service.frontend, service.roster, service.interpreter, "child-benefit")
    yield service
    service.stop()


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_when_the_only_interpreter_is_taken_the_time_step_says_so(browser, taken_service, language, javascript):
    says = SAYS[language]
    context, page, wizard, errors = giorgos_at_the_needs(browser, taken_service, language, javascript)
    wizard.choose("needs", "sign_language")
    wizard.continue_to("time")
    banner = page.locator("#no-times-heading")
    expect(banner).to_have_text(says["no_interpreter"])
    expect(page.locator("#main-content .kepweb-days a")).to_have_count(0)
    if javascript:
        checked(page, language, errors, "no interpreter free")
    page.get_by_role("button", name=says["text_chat_button"]).click()
    wizard.expect_step("time")
    expect(page.locator("[role=alert]").first).to_contain_text(says["text_chat_now"])
    expect(page.locator("#main-content .kepweb-days a").first).to_be_visible()
    page.goto("/book/needs")
    expect(page.locator("#main-content h1")).to_have_text(step_heading(STEP_TITLES[language]["needs"]))
    expect(page.locator("#main-content input[name=needs][value=text_chat]")).to_be_checked()
    expect(page.locator("#main-content input[name=needs][value=sign_language]")).not_to_be_checked()
    context.close()


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("scripts", [True, False], ids=["js-on", "js-off"])
def test_the_needs_pages_and_a_broken_invitation_link_are_accessible(browser, service, language, scripts):
    """axe on "Your communication needs" in each state and on the page for a link that does not work,
    with our scripts and without them (blocked: what a browser without JavaScript renders)."""
    context = new_context(browser, service.url, language, block_scripts=not scripts)
    page = context.new_page()
    errors = collect_console_errors(page)
    sign_in(page, "giorgos")
    errors.clear()

    def no_problems(where):
        problems = page_problems(page, language, scripts, errors)
        assert not problems, f"{where}: {problems}"
        errors.clear()

    page.goto("/needs-profile/change")
    page.locator("main input[name=needs][value=third_person]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    no_problems("changing the needs, with errors")
    page.locator("main input[name=needs][value=third_person]").uncheck()
    page.locator("main input[name=needs][value=lip_reading]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/needs-profile$"))
    expect(page.locator("main a[href$='/needs-profile/delete']")).to_be_visible()
    no_problems("the kept needs")
    page.goto("/needs-profile/delete")
    no_problems("delete the needs?")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/needs-profile$"))
    expect(page.locator("main a[href$='/needs-profile/delete']")).to_have_count(0)
    no_problems("no needs kept")

    guest = new_context(browser, service.url, language, block_scripts=not scripts).new_page()
    guest_errors = collect_console_errors(guest)
    guest.goto("/join/not-a-real-token")
    expect(guest).to_have_url(re.compile(r"/join$"))
    problems = page_problems(guest, language, scripts, [e for e in guest_errors if "404" not in e[0]])
    assert not problems, f"a link that does not work: {problems}"
    guest.context.close()
    context.close()
