"""Driving the booking wizard in a browser, for the browser tests and the accessibility report.

`Wizard` answers steps with clicks and fills (JavaScript on or off, or with our
scripts blocked) and checks, at every step change, the h1, the <title>
("Step 3 of 9: Choose the procedure – myKEPlive") and, when our scripts run,
that htmx swapped <main> (a marker on `window` survives) and that focus moved
to the new h1.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from sandbox.gsis import PASSWORD

# The step titles (the h1 and the end of the <title>). The Greek ones are in
# translations/el/LC_MESSAGES/messages.po; no other Greek wording is asserted,
# because the wizard's other messages are still being translated.
STEP_TITLES = {
    "en": {
        "category": "What do you need help with?",
        "business": "Which business are you acting for?",
        "procedure": "Choose the procedure",
        "municipality": "Where would you like to be served?",
        "kep": "Choose the KEP",
        "time": "Choose a day and time",
        "details": "Your contact details",
        "document": "Your identity document",
        "needs": "Communication needs",
        "delivery": "How do you want to receive the result?",
        "check": "Check your answers",
    },
    "el": {
        "category": "Σε τι χρειάζεστε βοήθεια;",
        "business": "Για ποια επιχείρηση ενεργείτε;",
        "procedure": "Επιλέξτε τη διαδικασία",
        "municipality": "Πού θέλετε να εξυπηρετηθείτε;",
        "kep": "Επιλέξτε το ΚΕΠ",
        "time": "Επιλέξτε ημέρα και ώρα",
        "details": "Τα στοιχεία επικοινωνίας σας",
        "document": "Το έγγραφο ταυτοποίησής σας",
        "needs": "Ανάγκες επικοινωνίας",
        "delivery": "Πώς θέλετε να παραλάβετε το αποτέλεσμα;",
        "check": "Ελέγξτε τις απαντήσεις σας",
    },
}
CONFIRMED_EN = "Your appointment is booked"
REFERENCE = re.compile(r"KEP-[2-9A-Z]{4}-[2-9A-Z]{4}")
ATHENS = ZoneInfo("Europe/Athens")

# The step's own submit button ("Continue", "Book the appointment"): a direct
# child of the step's form. The hold warning's button is hidden until it shows.
SUBMIT = "#main-content form > button.govgr-btn-primary"
MARKER = "kepwebE2eMarker"
CONTACT = {"phone": "691 234 5678", "street": "Ermou 10", "postcode": "105 63", "town": "Athens"}


def step_heading(title: str) -> re.Pattern:
    """A step's h1: its number ("Step 3 of 9", "Βήμα 3 από 9"), then its title."""
    return re.compile(rf"^\S+ \d+ \S+ \d+\s+{re.escape(title)}$")


def today_in_athens() -> date:
    return datetime.now(ATHENS).date()


def next_saturday() -> date:
    today = today_in_athens()
    return today + timedelta(days=(5 - today.weekday()) % 7)


def minimal_pdf(directory, name="supporting-document.pdf"):
    """A small, well-formed PDF (one empty page) in a file to upload."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = directory / name
    path.write_bytes(body)
    return path


def sign_in(page: Page, username: str, next_path: str = "/book"):
    """Sign in at the GSIS stand-in and come back to `next_path`."""
    page.goto(f"/sign-in?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/oauth2server/" not in page.url, f"sign-in as {username} did not come back: {page.url}"


def start_afresh(page: Page):
    """Forget earlier answers of this citizen (they are kept per ΑΦΜ on the server)
    through the wizard's own "book again" form, then open step 1."""
    token = json.loads(page.locator("body").get_attribute("data-hx-headers"))["X-CSRFToken"]
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    # The Referer a browser's own request would carry: over https, Flask-WTF's CSRF check asks for it.
    response = page.request.post(f"{origin}/book/again", headers={"X-CSRFToken": token, "Referer": page.url},
                                 max_redirects=0)
    assert response.status == 303, response.status
    page.goto("/book")


def wait_for_outbox(outbox, predicate, seconds=20.0):
    """The sandbox sends mail from a loop: wait for a message that fits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [message for message in outbox.messages() if predicate(message)]
        if found:
            return found
        time.sleep(0.2)
    return []


class Wizard:
    """One citizen going through the wizard in one page.

    `scripts`: our JavaScript runs (htmx swaps <main>); False for a browser with
    JavaScript off and for a page whose scripts are blocked.
    `strict`: check the <title>, the swap and the focus at every step change.
    """

    def __init__(self, page: Page, language="en", scripts=True, strict=True):
        self.page, self.language, self.scripts, self.strict = page, language, scripts, strict
        self.titles = STEP_TITLES[language]
        self.numbers: list[tuple[str, int, int]] = []
        self.problems: list[str] = []

    # -- checks at each step ------------------------------------------------------------

    def begin(self):
        start_afresh(self.page)
        expect(self.page.locator("#main-content h1")).to_have_text(step_heading(self.titles["category"]))
        if self.scripts:  # a full page load would lose it; htmx swaps keep it
            self.page.evaluate(f"window.{MARKER} = 'still the first page load'")
            self.page.locator("#main-content h1").focus()  # the state a step change leaves
        self.expect_step("category")

    def expect_step(self, name, error=False):
        """Wait for step `name` and check what every step promises."""
        page, title = self.page, self.titles[name]
        h1 = page.locator("#main-content h1")
        expect(h1).to_have_text(step_heading(title))
        if error:
            expect(page.locator("[data-error-summary]")).to_be_visible()
        if not self.strict:
            return
        if self.language == "en":
            pattern = rf"^{'Error: ' if error else ''}Step (\d+) of (\d+): {re.escape(title)} – myKEPlive$"
        else:  # only the step title's wording is asserted in Greek
            pattern = rf"^(?:[^:]+: )?\S+ (\d+) \S+ (\d+): {re.escape(title)} – myKEPlive$"
        expect(page).to_have_title(re.compile(pattern))
        number, total = map(int, re.match(pattern, page.title()).groups())
        if not error:
            if self.numbers and self.numbers[-1][0] != name:
                previous = self.numbers[-1][1]
                assert number == previous + 1, f"{name}: step {number} after step {previous} ({self.numbers})"
            assert 1 <= number <= total, (name, number, total)
            self.numbers.append((name, number, total))
        if self.scripts:
            self.expect_swapped_and_focused("[data-error-summary]" if error else "#main-content h1")

    def expect_swapped_and_focused(self, focused_selector):
        page = self.page
        assert page.evaluate(f"window.{MARKER}") == "still the first page load", \
            f"a full page load happened on the way to {page.url}"
        expect(page.locator(focused_selector)).to_be_focused()

    def expect_confirmation(self) -> str:
        page = self.page
        expect(page).to_have_url(re.compile(r"/book/confirmation$"))
        expect(page.locator("#main-content"), "after booking the page has no <main> any more").to_have_count(1)
        reference = page.locator(".kepweb-reference")
        expect(reference).to_have_text(REFERENCE)
        if self.language == "en":
            expect(page.locator("#main-content h1")).to_have_text(CONFIRMED_EN)
            expect(page).to_have_title(f"{CONFIRMED_EN} – myKEPlive")
        if self.scripts and self.strict:
            self.expect_swapped_and_focused("#main-content h1")
        return reference.inner_text().strip()

    # -- answering --------------------------------------------------------------------

    def submit(self):
        self.page.locator(f"{SUBMIT}:visible").click()

    def continue_to(self, name):
        self.submit()
        self.expect_step(name)

    def submit_expecting_errors(self, name):
        """Send the step's form as it is (empty, or wrong): the same step, with errors."""
        self.submit()
        self.expect_step(name, error=True)

    def choose(self, field, value):
        self.page.locator(f"#main-content input[name='{field}'][value='{value}']").check()

    def choose_first(self, field) -> str:
        """Tick the first option of a radio group; returns its label."""
        option = self.page.locator(f"#main-content input[name='{field}']").first
        option.check()
        return self.page.locator(f"label[for='{option.get_attribute('id')}']").inner_text().strip()

    def search(self, text, field):
        """Filter a step's options: live with htmx, with the Search button without it."""
        page = self.page
        box = page.locator("#q")
        if self.scripts:
            box.fill("")
            box.press_sequentially(text, delay=20)
            # htmx replaces the results and the URL after a pause in typing.
            expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(text) + r"(&|$)"))
            legend = page.locator("#search-results legend, #search-results p#" + field)
            expect(legend.first).to_be_visible()
            if self.strict:
                expect(box).to_be_focused()  # typing goes on in the box
        else:
            box.fill(text)
            page.locator("form[role=search] button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(text) + r"(&|$)"))
        expect(page.locator("#search-results form")).to_have_attribute("action", re.compile(r"q=" + re.escape(text)))

    def first_day(self):
        """Open the first day with free times."""
        page = self.page
        page.locator("#main-content .kepweb-days a").first.click()
        expect(page).to_have_url(re.compile(r"[?&]day=\d{4}-\d{2}-\d{2}"))
        expect(page.locator("#main-content input[name=slot]").first).to_be_visible()
        self.expect_step("time")

    def to_the_needs_step(self, last_procedure=False) -> str:
        """From the start: an information booking at any KEP, up to the communication needs.
        Returns the procedure chosen: the first of the list, or the last."""
        self.begin()
        self.choose("category", "information")
        self.continue_to("procedure")
        options = self.page.locator("#main-content input[name=procedure]")
        procedure = (options.last if last_procedure else options.first).get_attribute("value")
        self.choose("procedure", procedure)
        self.continue_to("municipality")
        self.choose("municipality", "anywhere")
        self.continue_to("needs")
        return procedure

    def to_the_time_step(self, last_procedure=False) -> str:
        """As `to_the_needs_step`, with no needs, up to the day and time."""
        procedure = self.to_the_needs_step(last_procedure)
        self.continue_to("time")
        return procedure

    def fill(self, values: dict):
        for field_id, value in values.items():
            self.page.locator(f"#main-content #{field_id}").fill(value)


# -- keyboard only ------------------------------------------------------------------------

def every_step(wizard, query, tmp_path):
    """Reach every step and state of a business booking; yield each state's name."""
    page = wizard.page
    wizard.begin()
    yield "category"
    wizard.submit_expecting_errors("category")
    yield "category-error"
    wizard.choose("category", "business")
    wizard.continue_to("business")
    yield "business"
    wizard.submit_expecting_errors("business")
    yield "business-error"
    wizard.choose("representative", "yes")
    wizard.fill({"tax_id": "094014201", "name": "Test Business S.A."})
    wizard.continue_to("procedure")
    yield "procedure"
    wizard.submit_expecting_errors("procedure")
    yield "procedure-error"
    wizard.search("xyzzy", "procedure")
    expect(page.locator("#main-content input[name=procedure]")).to_have_count(0)
    yield "procedure-nothing-found"
    wizard.search(query, "procedure")
    yield "procedure-found"
    wizard.choose_first("procedure")
    wizard.continue_to("municipality")
    yield "municipality"
    wizard.submit_expecting_errors("municipality")
    yield "municipality-error"
    wizard.search("kalamata", "municipality")
    yield "municipality-found"
    wizard.choose("municipality", "kalamata")
    wizard.continue_to("kep")
    yield "kep"
    wizard.submit_expecting_errors("kep")
    yield "kep-error"
    wizard.choose("kep", "any")
    wizard.continue_to("needs")
    yield "needs"
    wizard.choose("needs", "third_person")
    wizard.submit_expecting_errors("needs")  # a third person without a name or an email address
    yield "needs-third-person-error"
    # The third person stays: the check and the confirmation show their invitation.
    wizard.fill({"third_person_name": "Eleni Companion", "third_person_email": "companion@example.com"})
    wizard.choose("needs", "lip_reading")
    wizard.continue_to("time")
    yield "time"
    page.goto(f"/book/time?week={(today_in_athens() + timedelta(days=40)).isoformat()}")
    wizard.expect_step("time")
    expect(page.locator("#no-times-heading")).to_be_visible()
    expect(page.locator("#main-content .kepweb-days a")).to_have_count(0)
    yield "time-no-free-times-these-days"
    page.goto(f"/book/time?day={next_saturday().isoformat()}")
    wizard.expect_step("time")
    expect(page.locator("#main-content p#slot")).to_be_visible()
    yield "time-a-day-without-free-times"
    page.goto("/book/time")
    wizard.expect_step("time")
    wizard.first_day()
    yield "time-a-day"
    wizard.submit_expecting_errors("time")
    yield "time-error"
    wizard.choose_first("slot")
    wizard.continue_to("details")
    expect(page.locator(".kepweb-hold")).to_be_visible()
    yield "details-with-the-held-time"
    page.locator("#main-content #full_name").fill("")
    wizard.submit_expecting_errors("details")
    yield "details-error"
    wizard.fill({"full_name": "Test Citizen", "email": "a11y@example.com", **CONTACT, "phone": "210 123 4567"})
    wizard.choose("contact_preference", "sms")
    wizard.submit_expecting_errors("details")  # text messages cannot reach a landline
    yield "details-sms-to-a-landline-error"
    # Every field again: a walk that checks a state may have loaded the page afresh.
    wizard.fill({"full_name": "Test Citizen", "email": "a11y@example.com", **CONTACT})
    wizard.choose("contact_preference", "sms")
    wizard.continue_to("document")
    yield "document"
    wizard.submit_expecting_errors("document")
    yield "document-error"
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_bytes(b"just some text, not a PDF at all\n")
    wizard.choose("id_document", "identity_card")
    page.locator("#files").set_input_files(not_a_pdf)
    wizard.submit_expecting_errors("document")
    yield "document-upload-refused"
    page.locator("#files").set_input_files(minimal_pdf(tmp_path))
    wizard.continue_to("delivery")
    page.goto("/book/document")
    wizard.expect_step("document")
    expect(page.locator(".kepweb-files li")).to_have_count(1)
    yield "document-with-a-file-sent"
    wizard.continue_to("delivery")
    yield "delivery"
    wizard.submit_expecting_errors("delivery")
    yield "delivery-error"
    wizard.choose("method", "post")
    wizard.choose("post_to", "other")
    wizard.submit_expecting_errors("delivery")  # another address, left empty
    yield "delivery-address-error"
    wizard.choose("method", "email")
    wizard.continue_to("check")
    yield "check"
    wizard.submit()
    wizard.expect_confirmation()
    yield "confirmation"
