"""The booking emails of the sandbox scheduling service: parts, texts, times and the .ics file."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from sandbox.scheduling.mail import KINDS, booking_email, calendar_file, formatting
from sandbox.scheduling.mail.message import CANCELLING_KINDS
from sandbox.scheduling.mail.texts import TEXTS

UTC = timezone.utc
ATHENS = ZoneInfo("Europe/Athens")
SENDER = "myKEPlive <no-reply@mykeplive.example>"
REFERENCE = "KEP-7Q4M-2XK9"
LINKS = {
    "view": f"https://kep.example/booking/{REFERENCE}?token=v1",
    "reschedule": f"https://kep.example/booking/{REFERENCE}/reschedule?token=v1",
    "cancel": f"https://kep.example/booking/{REFERENCE}/cancel?token=v1",
    "join": f"https://kep.example/booking/{REFERENCE}/join?token=v1",
}
WINTER = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # Tuesday, 09:30 in Athens (UTC+2)
SUMMER = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # Wednesday, 12:30 in Athens (UTC+3)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def make_booking(language="el", start=WINTER, **changes):
    booking = {
        "reference": REFERENCE,
        "language": language,
        "status": "confirmed",
        "start": start,
        "end": start + timedelta(minutes=20),
        "kep": {
            "name": {"el": "ΚΕΠ Δήμου Χανίων", "en": "KEP of the Municipality of Chania"},
            "address": {
                "street": {"el": "Κυδωνίας 29", "en": "29 Kydonias Street"},
                "postcode": "73132",
                "town": {"el": "Χανιά", "en": "Chania"},
            },
            "phone": "+30 282 105 5886",
        },
        "procedure": {"title": {"el": "Πιστοποιητικό οικογενειακής κατάστασης", "en": "Family status certificate"}},
        "category": {"name": {"el": "Δημοτολόγιο", "en": "Civil register"}},
        "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "+306912345678"},
        "needs": {
            "sign_language": True,
            "lip_reading": True,
            "text_chat": True,
            "third_person": True,
            "third_person_name": "Γιώργος Παπαδόπουλος",
            "other": "",
        },
        "delivery": "email",
        "meeting_url": "https://meet.mykeplive.example/r/7Q4M2XK9",
    }
    booking.update(changes)
    return booking


def no_needs():
    return {
        "sign_language": False,
        "lip_reading": False,
        "text_chat": False,
        "third_person": False,
        "third_person_name": None,
        "other": "",
    }


class Parts:
    """The message as a mail client sees it: serialised, parsed back and taken apart."""

    def __init__(self, message):
        self.raw = message.as_bytes()
        self.message = message_from_bytes(self.raw, policy=policy.default)
        self.text = self.message.get_body(("plain",)).get_content()
        self.html = self.message.get_body(("html",)).get_content()
        self.soup = BeautifulSoup(self.html, "html.parser")
        attachments = list(self.message.iter_attachments())
        assert len(attachments) == 1
        self.attachment = attachments[0]
        self.ics = self.attachment.get_payload(decode=True)
        self.calendar = Calendar.from_ical(self.ics)
        self.event = self.calendar.walk("VEVENT")[0]

    @property
    def html_text(self):
        return " ".join(self.soup.get_text(" ").split())


def email(kind="confirmed", booking=None, now=NOW, **booking_changes):
    booking = booking or make_booking(**booking_changes)
    return Parts(booking_email(kind, booking, sender=SENDER, links=LINKS, now=now))


# Structure ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_email_has_text_html_and_a_calendar_file(kind, language):
    parts = email(kind, language=language)
    message = parts.message
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert parts.text.strip() and parts.html.strip()

    attachment = parts.attachment
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{REFERENCE}.ics"
    assert attachment.get_param("method") == ("CANCEL" if kind in CANCELLING_KINDS else "PUBLISH")

    assert REFERENCE in message["Subject"]
    assert message["Subject"].endswith("– myKEPlive")
    assert message["To"] == "maria@example.com"
    assert message["From"] == SENDER
    assert message["Message-ID"].endswith("@mykeplive.example>")
    assert message["Date"] == "Fri, 20 Nov 2026 10:00:00 +0000"
    assert message["Content-Language"] == language
    assert REFERENCE in parts.text and REFERENCE in parts.html_text


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        booking_email("moved", make_booking(), sender=SENDER, links=LINKS, now=NOW)


def test_naive_times_are_refused():
    naive = make_booking(start=datetime(2026, 12, 1, 7, 30))
    with pytest.raises(ValueError):
        booking_email("confirmed", naive, sender=SENDER, links=LINKS, now=NOW)


def test_both_languages_have_the_same_texts():
    assert set(TEXTS["el"]) == set(TEXTS["en"])


def test_an_unknown_language_falls_back_to_greek():
    parts = email(language="fr")
    assert parts.message["Subject"].startswith("Επιβεβαίωση ραντεβού")
    assert parts.soup.html["lang"] == "el"


# Subjects -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, language, subject",
    [
        ("confirmed", "el", "Επιβεβαίωση ραντεβού KEP-7Q4M-2XK9 – myKEPlive"),
        ("rescheduled", "el", "Αλλαγή ώρας ραντεβού KEP-7Q4M-2XK9 – myKEPlive"),
        ("cancelled", "el", "Ακύρωση ραντεβού KEP-7Q4M-2XK9 – myKEPlive"),
        ("confirmed", "en", "Appointment KEP-7Q4M-2XK9 confirmed – myKEPlive"),
        ("cancelled", "en", "Appointment KEP-7Q4M-2XK9 cancelled – myKEPlive"),
    ],
)
def test_subjects(kind, language, subject):
    assert email(kind, language=language).message["Subject"] == subject


@pytest.mark.parametrize(
    "language, now, words",
    [
        ("el", datetime(2026, 12, 1, 6, 30, tzinfo=UTC), "σήμερα στις 09:30"),
        ("en", datetime(2026, 12, 1, 6, 30, tzinfo=UTC), "today at 09:30"),
        # 23:30 on 30 November in UTC is already 1 December in Athens.
        ("el", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "σήμερα στις 09:30"),
        ("el", datetime(2026, 11, 30, 18, 0, tzinfo=UTC), "αύριο στις 09:30"),
        ("en", datetime(2026, 11, 30, 18, 0, tzinfo=UTC), "tomorrow at 09:30"),
        ("el", datetime(2026, 11, 27, 18, 0, tzinfo=UTC), "την Τρίτη 1 Δεκεμβρίου 2026 στις 09:30"),
        ("en", datetime(2026, 11, 27, 18, 0, tzinfo=UTC), "on Tuesday 1 December 2026 at 09:30"),
    ],
)
def test_reminders_say_when_in_words(language, now, words):
    parts = email("reminder", language=language, now=now)
    subject = parts.message["Subject"]
    assert words in subject
    assert words in parts.text and words in parts.html_text
    if language == "el":
        assert subject == f"Υπενθύμιση: το ραντεβού σας KEP-7Q4M-2XK9 είναι {words} – myKEPlive"


# Dates and times ------------------------------------------------------------


@pytest.mark.parametrize("start, words", [
    (datetime(2026, 11, 30, 7, 30, tzinfo=UTC), "τη Δευτέρα 30 Νοεμβρίου 2026 στις 09:30"),
    (datetime(2026, 12, 1, 7, 30, tzinfo=UTC), "την Τρίτη 1 Δεκεμβρίου 2026 στις 09:30"),
    (datetime(2026, 12, 4, 7, 30, tzinfo=UTC), "την Παρασκευή 4 Δεκεμβρίου 2026 στις 09:30"),
])
def test_a_greek_weekday_gets_the_article_it_takes(start, words):
    """«τη Δευτέρα», never «την Δευτέρα»: the ν stays only before τ, π, κ and vowels."""
    booking = {"start": start, "end": start}
    assert formatting.when_relative(booking, "el", datetime(2026, 11, 20, 9, 0, tzinfo=UTC)) == words


@pytest.mark.parametrize("kind", KINDS)
def test_greek_date_reads_with_the_month_in_the_genitive(kind):
    parts = email(kind, language="el", start=WINTER)
    expected = "Τρίτη 1 Δεκεμβρίου 2026, 09:30–09:50"
    assert expected in parts.text
    assert expected in parts.html_text


def test_english_date_is_day_first():
    parts = email(language="en", start=WINTER)
    assert "Tuesday 1 December 2026, 09:30–09:50" in parts.text
    assert "Tuesday 1 December 2026, 09:30–09:50" in parts.html_text


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize(
    "start, day, times",
    [
        (SUMMER, {"el": "Τετάρτη 1 Ιουλίου 2026", "en": "Wednesday 1 July 2026"}, "12:30–12:50"),
        (WINTER, {"el": "Τρίτη 1 Δεκεμβρίου 2026", "en": "Tuesday 1 December 2026"}, "09:30–09:50"),
    ],
)
def test_times_are_athens_time_across_daylight_saving(language, start, day, times):
    parts = email(language=language, start=start)
    assert f"{day[language]}, {times}" in parts.text
    assert f"{day[language]}, {times}" in parts.html_text
    assert ("ώρα Ελλάδας" if language == "el" else "Greek time") in parts.text


def test_a_late_utc_time_is_the_next_day_in_athens():
    parts = email(language="en", start=datetime(2026, 12, 1, 22, 30, tzinfo=UTC))
    assert "Wednesday 2 December 2026, 00:30–00:50" in parts.text


# Contents ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["confirmed", "rescheduled", "reminder"])
def test_greek_email_says_everything_the_citizen_needs(kind):
    parts = email(kind, language="el")
    for content in (parts.text, parts.html_text):
        assert "Γεια σας, Μαρία Παπαδοπούλου," in content
        assert "ΚΕΠ Δήμου Χανίων" in content
        assert "Κυδωνίας 29, 73132 Χανιά" in content
        # A citizen with a hearing need is offered email, never the KEP's phone (tests/sandbox/test_sms.py).
        assert "γράψτε μας στο help@mykeplive.example" in content
        assert "+30 282 105 5886" not in content
        assert "Πιστοποιητικό οικογενειακής κατάστασης" in content
        assert "Διερμηνέας Ελληνικής Νοηματικής Γλώσσας" in content
        assert "Χειλεανάγνωση" in content
        assert "Γραπτή συνομιλία ή υπότιτλοι" in content
        assert "Τρίτο πρόσωπο: Γιώργος Παπαδόπουλος" in content
        assert "Θα λάβετε το αποτέλεσμα με email, στη διεύθυνση maria@example.com." in content
        assert "15 λεπτά πριν από την έναρξη" in content
        assert "για να το δείξετε στην κάμερα" in content
        assert "δεν καταγράφεται ποτέ" in content
    for link in LINKS.values():
        assert link in parts.text


def test_english_email_says_everything_the_citizen_needs():
    parts = email(language="en")
    for content in (parts.text, parts.html_text):
        assert "Hello Μαρία Παπαδοπούλου," in content
        assert "KEP of the Municipality of Chania" in content
        assert "29 Kydonias Street, 73132 Chania" in content
        assert "Family status certificate" in content
        assert "Greek Sign Language interpreter" in content
        assert "Lip-reading" in content
        assert "Text chat or captions" in content
        assert "A third person: Γιώργος Παπαδόπουλος" in content
        assert "You can join from 15 minutes before the start." in content
        assert "identity document you chose when booking (identity card, passport, residence permit" in content
        assert "The call is never recorded." in content


def test_no_needs_reads_none():
    assert "Καμία" in email(language="el", needs=no_needs()).text
    parts = email(language="en", needs=no_needs())
    needs = parts.soup.find("dt", string="Communication needs you told us about").find_next("dd")
    assert [li.get_text() for li in needs.find_all("li")] == ["None"]


def test_other_needs_and_an_unnamed_third_person():
    needs = no_needs() | {"third_person": True, "other": "Μεγάλα γράμματα στην οθόνη"}
    parts = email(language="el", needs=needs)
    assert "Τρίτο πρόσωπο\n" in parts.text
    assert "Άλλο: Μεγάλα γράμματα στην οθόνη" in parts.text
    assert "Καμία" not in parts.text


@pytest.mark.parametrize(
    "delivery, words",
    [
        ("post", "Θα λάβετε το αποτέλεσμα ταχυδρομικά."),
        ("pickup", "Θα παραλάβετε το αποτέλεσμα από το ΚΕΠ"),
    ],
)
def test_delivery_in_words(delivery, words):
    parts = email(language="el", delivery=delivery)
    assert words in parts.text and words in parts.html_text


@pytest.mark.parametrize("language", ["el", "en"])
def test_cancelled_email_has_no_join_link_and_offers_to_book_again(language):
    parts = email("cancelled", language=language)
    hrefs = [a["href"] for a in parts.soup.find_all("a")]
    for link in (LINKS["join"], LINKS["reschedule"], LINKS["cancel"]):
        assert link not in parts.text and link not in hrefs
    meeting = make_booking()["meeting_url"]
    for content in (parts.text, parts.html, parts.ics.decode()):
        assert "/join" not in content and meeting not in content
    assert "https://kep.example/start" in parts.text
    assert "https://kep.example/start" in hrefs
    assert parts.event["STATUS"] == "CANCELLED"
    assert "LOCATION" not in parts.event


def test_html_is_a_simple_accessible_page():
    parts = email(language="el")
    soup = parts.soup
    assert soup.html["lang"] == "el"
    assert soup.title.get_text() == parts.message["Subject"]
    assert len(soup.find_all("h1")) == 1
    assert [h.get_text() for h in soup.find_all("h2")] == [
        "Στοιχεία ραντεβού", "Πώς θα συνδεθείτε", "Διαχείριση ραντεβού"]
    assert not soup.find_all(["img", "script", "table"])
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links["Σύνδεση στη βιντεοκλήση"] == LINKS["join"]
    assert links["Δείτε το ραντεβού σας"] == LINKS["view"]
    assert links["Αλλάξτε την ημέρα ή την ώρα"] == LINKS["reschedule"]
    assert links["Ακυρώστε το ραντεβού"] == LINKS["cancel"]
    assert not any(href.startswith("tel:") for href in links.values())  # a hearing need: no phone
    no_hearing_need = {a.get_text(): a["href"] for a in email(language="el", needs=no_needs()).soup.find_all("a")}
    assert no_hearing_need["+30 282 105 5886"] == "tel:+302821055886"


def test_html_escapes_everything_interpolated():
    booking = make_booking(language="en")
    booking["contact"]["name"] = '<script>alert("x")</script>'
    booking["needs"]["other"] = "<b>big</b> & bold"
    booking["kep"]["name"]["en"] = 'KEP "Tom & Jerry"'
    parts = email(booking=booking)
    assert "<script>" not in parts.html
    assert "&lt;script&gt;" in parts.html
    assert "<b>" not in parts.html and "&lt;b&gt;big&lt;/b&gt; &amp; bold" in parts.html
    assert not parts.soup.find_all(["script", "b"])
    assert 'Hello <script>alert("x")</script>,' in parts.html_text
    # The plain text is not HTML: it keeps the characters as they are.
    assert 'Hello <script>alert("x")</script>,' in parts.text


def test_links_are_escaped_in_attributes():
    links = LINKS | {"join": 'https://kep.example/join?a=1&b="2"'}
    message = booking_email("confirmed", make_booking(), sender=SENDER, links=links, now=NOW)
    parts = Parts(message)
    assert 'href="https://kep.example/join?a=1&amp;b=&#34;2&#34;"' in parts.html
    assert parts.soup.find("a", string="Σύνδεση στη βιντεοκλήση")["href"] == links["join"]


def test_plain_text_has_no_drawn_rules_or_markup():
    text = email(language="el").text
    for art in ("===", "---", "***", "___", "<", ">", "|"):
        assert art not in text
    assert all(len(line) < 200 for line in text.splitlines())


# The calendar file ------------------------------------------------------------


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_attached_calendar_file_parses_back(kind, language):
    parts = email(kind, language=language, start=SUMMER)
    calendar, event = parts.calendar, parts.event
    assert str(calendar["PRODID"]) == "-//myKEPlive//kepweb//EL"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == ("CANCEL" if kind in CANCELLING_KINDS else "PUBLISH")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Athens"]
    assert len(calendar.walk("VEVENT")) == 1

    assert event["UID"] == "KEP-7Q4M-2XK9@mykeplive.example"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Athens"
    assert event["DTEND"].params["TZID"] == "Europe/Athens"
    assert b"DTSTART;TZID=Europe/Athens:20260701T123000" in parts.ics
    assert b"DTEND;TZID=Europe/Athens:20260701T125000" in parts.ics
    start = event.decoded("DTSTART")
    assert start == SUMMER and start.utcoffset() == timedelta(hours=3)
    assert event.decoded("DTEND") == SUMMER + timedelta(minutes=20)
    assert event.decoded("DTSTAMP") == NOW
    assert REFERENCE in str(event["DESCRIPTION"])

    alarms = event.walk("VALARM")
    if kind in CANCELLING_KINDS:
        assert alarms == []
        assert event["STATUS"] == "CANCELLED"
    else:
        assert len(alarms) == 1
        assert alarms[0]["ACTION"] == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(minutes=-15)
        assert event["STATUS"] == "CONFIRMED"
        assert event["LOCATION"] == "https://meet.mykeplive.example/r/7Q4M2XK9"
        assert event["URL"] == "https://meet.mykeplive.example/r/7Q4M2XK9"
        assert "https://meet.mykeplive.example/r/7Q4M2XK9" in str(event["DESCRIPTION"])


def test_calendar_file_in_winter_and_its_summary():
    ics = calendar_file(make_booking(language="el", start=WINTER), now=NOW)
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert b"METHOD:PUBLISH" in ics
    assert event.decoded("DTSTART") == WINTER
    assert event.decoded("DTSTART").astimezone(ATHENS).hour == 9
    assert str(event["SUMMARY"]) == "Βιντεοκλήση με ΚΕΠ: Πιστοποιητικό οικογενειακής κατάστασης"
    english = Calendar.from_ical(calendar_file(make_booking(language="en"), now=NOW)).walk("VEVENT")[0]
    assert str(english["SUMMARY"]) == "Video call with KEP: Family status certificate"


def test_calendar_file_sequence_and_cancel():
    booking = make_booking(sequence=3)
    cancelled = Calendar.from_ical(calendar_file(booking, "CANCEL"))
    event = cancelled.walk("VEVENT")[0]
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CANCELLED"
    assert event.walk("VALARM") == []


def test_calendar_file_refuses_other_methods():
    with pytest.raises(ValueError):
        calendar_file(make_booking(), "REQUEST")


def test_the_booking_is_not_changed():
    booking = make_booking()
    before = copy.deepcopy(booking)
    email(booking=booking)
    calendar_file(booking)
    assert booking == before


@pytest.mark.parametrize(("language", "words"), [("el", "Η νέα ημέρα και ώρα: Τρίτη 1 Δεκεμβρίου 2026, 09:30"),
                                                  ("en", "The new date and time: Tuesday 1 December 2026, 09:30")])
def test_a_moved_appointment_says_its_new_time_in_the_opening_words(language, words):
    """Not "below": a screen reader or a phone's preview reads the opening first."""
    parts = email("rescheduled", language=language)
    assert words in parts.text and words in parts.html_text


@pytest.mark.parametrize("language", ["el", "en"])
def test_collecting_at_the_kep_names_its_address_in_the_sentence(language):
    parts = email(language=language, delivery="pickup")
    address = "Κυδωνίας 29, 73132 Χανιά" if language == "el" else "29 Kydonias Street, 73132 Chania"
    sentence = next(line for line in parts.text.splitlines() if "collect" in line or "παραλάβετε" in line)
    assert address in sentence
