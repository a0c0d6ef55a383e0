"""The booking emails as `EmailMessage` objects, ready for SMTP.

multipart/mixed
    multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
    text/calendar; method=PUBLISH|CANCEL  (attachment "<reference>.ics")
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlsplit, urlunsplit

from sandbox.scheduling.mail import formatting, templates
from sandbox.scheduling.mail.ics import calendar_file
from sandbox.scheduling.mail.texts import TEXTS, language_of

KINDS = ("confirmed", "rescheduled", "cancelled", "reminder", "moved_by_kep", "cancelled_by_kep",
         "moved_by_kep_change", "cancelled_by_kep_change")
CANCELLING_KINDS = ("cancelled", "cancelled_by_kep", "cancelled_by_kep_change")
LINKS = ("view", "reschedule", "cancel", "join")
DEFAULT_MAIL_DOMAIN = "mykeplive.example"
DEFAULT_SUPPORT_EMAIL = "help@mykeplive.example"


def book_again_url(view_url: str) -> str:
    """The frontend's start page on the host of the booking's page."""
    parts = urlsplit(view_url)
    return urlunsplit((parts.scheme, parts.netloc, "/start", "", ""))


def mail_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2]
    return domain or DEFAULT_MAIL_DOMAIN


def questions(booking: dict, texts: dict, support_email: str) -> str:
    """Where to ask: the support address, and the KEP's phone only for those who use one."""
    if formatting.offers_phone(booking):
        return texts["questions"].format(email=support_email, phone=booking["kep"]["phone"])
    return texts["questions_written"].format(email=support_email)


def context(kind: str, booking: dict, links: dict, now: datetime,
            support_email: str = DEFAULT_SUPPORT_EMAIL) -> dict:
    language = language_of(booking)
    texts = TEXTS[language]
    reference = booking["reference"]
    kep = booking["kep"]
    cancelled = kind in CANCELLING_KINDS
    filename = f"{reference}.ics"
    relative = formatting.when_relative(booking, language, now)
    delivery = booking["delivery"]
    if delivery not in ("email", "post", "pickup"):
        raise ValueError(f"unknown delivery {delivery!r}")
    return {
        "language": language,
        "t": texts,
        "cancelled": cancelled,
        "subject": texts[f"subject_{kind}"].format(reference=reference, when=relative),
        "heading": texts[f"heading_{kind}"],
        "greeting": texts["greeting"].format(name=booking["contact"]["name"]),
        "intro": texts[f"intro_{kind}"].format(when=relative, when_full=formatting.when(booking, language)),
        "reference": reference,
        "when": formatting.when(booking, language),
        "kep_name": formatting.localised(kep["name"], language),
        "kep_address": formatting.kep_address(kep, language),
        "show_phone": formatting.offers_phone(booking),
        "kep_phone": kep["phone"],
        "kep_phone_uri": re.sub(r"[^\d+]", "", kep["phone"]),
        "procedure": formatting.localised(booking["procedure"]["title"], language),
        "category": formatting.localised(booking["category"]["name"], language),
        "needs": formatting.needs_in_words(booking.get("needs") or {}, language),
        "delivery": texts[f"delivery_{delivery}"].format(email=booking["contact"]["email"],
                                                         kep_address=formatting.kep_address(kep, language)),
        "links": {name: links[name] for name in LINKS},
        "book_again": book_again_url(links["view"]),
        "calendar_note": texts["calendar_note_cancelled" if cancelled else "calendar_note"].format(
            filename=filename
        ),
        "questions": questions(booking, texts, support_email),
        "filename": filename,
    }


def booking_email(
    kind: str, booking: dict, *, sender: str, links: dict, now: datetime | None = None,
    support_email: str = DEFAULT_SUPPORT_EMAIL,
) -> EmailMessage:
    """The email about a booking for its citizen, in the booking's language.

    kind: "confirmed", "rescheduled", "cancelled" or "reminder".
    links: absolute frontend URLs "view", "reschedule", "cancel" and "join".
    now: when the message is written (Date header, DTSTAMP, "today"/"tomorrow" in
    reminders); the current time if not given.
    support_email: where replies and questions go (the sender is a no-reply address).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    values = context(kind, booking, links, now, support_email)
    method = "CANCEL" if values["cancelled"] else "PUBLISH"

    message = EmailMessage()
    message["From"] = sender
    message["To"] = booking["contact"]["email"]
    message["Reply-To"] = support_email
    message["Subject"] = values["subject"]
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    message["Message-ID"] = make_msgid(domain=mail_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please

    message.set_content(templates.render_text(values), subtype="plain", charset="utf-8")
    message.add_alternative(templates.render_html(values), subtype="html", charset="utf-8")
    message.add_attachment(
        calendar_file(booking, method, now=now),
        maintype="text",
        subtype="calendar",
        filename=values["filename"],
        params={"method": method, "charset": "utf-8"},
    )
    # After the parts: set_content() and make_mixed() move Content-* headers down.
    message["Content-Language"] = values["language"]
    return message
