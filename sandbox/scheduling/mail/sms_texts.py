"""The text messages (SMS) about a booking: one short, plain sentence in the
booking's language, with the reference, the day and time and the appointment's page.

Greek needs the UCS-2 alphabet, 67 characters a part of a long message: three
parts at most with an ordinary link. No message asks the citizen to phone.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.scheduling.mail import formatting
from sandbox.scheduling.mail.texts import language_of

SMS_TEXTS: dict[str, dict[str, str]] = {
    "el": {
        "confirmed": "Το ραντεβού σας {reference} επιβεβαιώθηκε: βιντεοκλήση με το ΚΕΠ {when}. {link}",
        "rescheduled": "Το ραντεβού σας {reference} άλλαξε: βιντεοκλήση με το ΚΕΠ {when}. {link}",
        "cancelled": "Το ραντεβού σας {reference} {when} ακυρώθηκε. {link}",
        "reminder": "Υπενθύμιση: βιντεοκλήση με το ΚΕΠ {when}, ραντεβού {reference}. {link}",
        "result": "Το αποτέλεσμα του ραντεβού σας {reference} είναι έτοιμο: δείτε πώς θα το λάβετε. {link}",
        "moved_by_kep": "Το ΚΕΠ είναι κλειστό: το ραντεβού σας {reference} μεταφέρθηκε {when}. Αλλαγή: {link}",
        "cancelled_by_kep": "Το ΚΕΠ είναι κλειστό: το ραντεβού σας {reference} ακυρώθηκε. Νέα ώρα: {link}",
        "moved_by_kep_change": "Το ΚΕΠ μετέφερε το ραντεβού σας {reference}: βιντεοκλήση {when}. Αλλαγή: {link}",
        "cancelled_by_kep_change": (
            "Το ΚΕΠ δεν μπορεί να σας εξυπηρετήσει: το ραντεβού {reference} ακυρώθηκε. Νέα ώρα: {link}"),
    },
    "en": {
        "confirmed": "Appointment {reference} confirmed: video call with the KEP {when}. {link}",
        "rescheduled": "Appointment {reference} changed: video call with the KEP {when}. {link}",
        "cancelled": "Appointment {reference} {when} has been cancelled. {link}",
        "reminder": "Reminder: video call with the KEP {when}, appointment {reference}. {link}",
        "result": "The result of appointment {reference} is ready: see how you will get it. {link}",
        "moved_by_kep": "The KEP is closed: appointment {reference} is now {when}. To change it: {link}",
        "cancelled_by_kep": "The KEP is closed: appointment {reference} is cancelled. New time: {link}",
        "moved_by_kep_change": "The KEP moved appointment {reference}: video call {when}. To change it: {link}",
        "cancelled_by_kep_change": "The KEP cannot serve appointment {reference}: it is cancelled. New time: {link}",
    },
}


def sms_text(kind: str, booking: dict, link: str, now: datetime) -> str:
    """The message for `kind`; `link` is the appointment's page, `now` the time it is sent
    ("today at 09:00", "tomorrow at 09:00", or the date)."""
    language = language_of(booking)
    return SMS_TEXTS[language][kind].format(
        reference=booking["reference"], when=formatting.when_relative(booking, language, now), link=link)
