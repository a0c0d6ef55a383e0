"""Every information page, in both languages, through the page-checking client."""

import re
from pathlib import Path

import pytest

from kepweb.pages.views import ACCESSIBILITY_REPORT_STATES, ACCESSIBILITY_STATEMENT_PREPARED
from tests.page_checks import text_of

PAGES = {
    "/": ("Κλείστε ραντεβού για βιντεοκλήση με ΚΕΠ", "Book a video call with a KEP"),
    "/start": ("Πριν ξεκινήσετε", "Before you start"),
    "/manual": ("Εγχειρίδιο χρήσης", "User manual"),
    "/municipalities": ("Συμμετέχοντες δήμοι και τα ΚΕΠ τους", "Participating municipalities and their KEPs"),
    "/accessibility": ("Δήλωση προσβασιμότητας", "Accessibility statement"),
    "/feedback": ("Αναφέρετε ένα πρόβλημα", "Report a problem"),
    "/feedback/sent": ("Ευχαριστούμε για το μήνυμά σας", "Thank you for your message"),
    "/privacy": ("Ενημέρωση για τα προσωπικά δεδομένα", "Privacy notice"),
}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_page_in_both_languages(client_request, url, language):
    client_request.use_language(language)
    page = client_request.get(url)
    assert page.html["lang"] == language
    expected_heading = PAGES[url][0 if language == "el" else 1]
    assert text_of(page.h1) == expected_heading
    assert page.title.get_text().strip() == f"{expected_heading} – myKEPlive"
    assert page.find("a", class_="govgr--skip-link")["href"] == "#main-content"
    assert page.find(id="main-content").name == "main"
    assert page.find(id="announcer")["aria-live"] == "polite"
    assert text_of(page.find(id="announcer")) == ""


def test_home_page_says_what_you_need_and_when(client_request):
    client_request.use_language("el")
    page = client_request.get("/")
    text = text_of(page)
    for expected in ["Taxisnet", "κάμερα", "μικρόφωνο", "έγγραφο ταυτοποίησ", "08:00", "14:30"]:
        assert expected in text
    categories = [text_of(term) for term in page.select(".kepweb-categories dt")]
    assert categories == [
        "Διοικητική Πληροφόρηση – Διεκπεραίωση αίτησης",
        "Υπηρεσίες προς επιχειρήσεις",
        "Εξυπηρέτηση πολιτών με αναπηρία",
        "Εξυπηρέτηση από το Δήμο σας",
    ]
    assert page.find("a", string=lambda s: s and "Ξεκινήστε" in s)["href"] == "/start"


def test_manual_covers_the_call_the_identity_check_and_sound_only(client_request):
    client_request.use_language("en")
    page = client_request.get("/manual")
    sections = [text_of(heading) for heading in page.find_all("h2")]
    assert "Joining the video call" in sections
    assert "The identity check" in sections
    assert "After the identity check: video or sound only" in sections
    assert "never recorded" in text_of(page)


def test_privacy_notice_says_calls_are_never_recorded(client_request):
    client_request.use_language("el")
    page = client_request.get("/privacy")
    assert "δεν καταγράφονται ούτε αποθηκεύονται ποτέ" in text_of(page)


@pytest.mark.parametrize("language", ["el", "en"])
def test_privacy_notice_says_how_to_reach_the_data_protection_officer(client_request, language):
    """By email and by post (GDPR art. 13(1)(b)): the deployment's own, not words alone."""
    client_request.use_language(language)
    config = client_request.client.application.config
    page = client_request.get("/privacy")
    assert page.find("a", href=f"mailto:{config['DPO_EMAIL']}")
    assert config["DPO_POSTAL_ADDRESS"] in text_of(page)


def test_accessibility_statement_follows_the_eu_model(client_request):
    client_request.use_language("en")
    page = client_request.get("/accessibility")
    sections = [text_of(heading) for heading in page.main.find_all("h2")]
    assert sections == [
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ]
    assert "27 November 2026" in text_of(page)
    assert page.find("a", href=lambda href: href and href.startswith("/feedback"))


def test_the_statement_date_is_formatted_by_babel_in_greek(client_request):
    client_request.use_language("el")
    page = client_request.get("/accessibility")
    assert "27 Νοεμβρίου 2026" in text_of(page)


def test_the_statement_says_what_the_accessibility_report_found(client_request):
    """The statement claims what docs/accessibility-report.md shows: the same day,
    the same number of pages and states, and nothing found by any checker."""
    report = (Path(__file__).resolve().parent.parent / "docs" / "accessibility-report.md").read_text()
    assert re.search(r"^Made by .* on (\d{4}-\d{2}-\d{2})", report, re.MULTILINE).group(1) \
        == ACCESSIBILITY_STATEMENT_PREPARED.isoformat()
    states = int(re.search(r"^(\d+) states in each language", report, re.MULTILINE).group(1))
    assert states == ACCESSIBILITY_REPORT_STATES
    for total in ("axe-core: 0", "pa11y (HTML_CodeSniffer): 0", "Nu HTML Checker: 0", "lowest 100",
                  "checks that could not run: 0"):
        assert total in report, f"the statement says no problems were found, the report does not: {total}"
    client_request.use_language("en")
    assert f"we checked {states} pages and states" in text_of(client_request.get("/accessibility"))


def test_the_statement_says_the_held_time_can_be_extended_ten_times_and_the_service_does(client_request):
    """WCAG 2.2.1: the statement claims at least ten extensions and lists no non-compliance for
    time limits; the reference service's rule gives them (tests/sandbox/test_rules.py proves it)."""
    from sandbox.scheduling.settings import Settings

    client_request.use_language("en")
    page = client_request.get("/accessibility")
    claim = page.find(id="time-limits").get_text(" ", strip=True)
    assert "at least ten times" in claim and "2.2.1" in claim
    non_compliances = page.find("h3", string="Non-compliance with the accessibility legislation").find_next("ul")
    assert "2.2.1" not in non_compliances.get_text()
    settings = Settings()
    assert settings.hold_extensions >= 10
    assert settings.hold_ceiling_seconds >= (1 + 10) * settings.hold_minutes * 60
