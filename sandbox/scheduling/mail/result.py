"""The email that hands the citizen the result of their call (article 7.3 of the decision).

By email the result document is attached; by post the email says it was posted, with the post
record; for pickup it says the result is ready at the KEP, with the KEP's address. Greek or
English, as the booking; a plain-text part and an HTML part.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sandbox.scheduling.mail import formatting
from sandbox.scheduling.mail.message import mail_domain, questions
from sandbox.scheduling.mail.templates import email_environment
from sandbox.scheduling.mail.texts import language_of

RESULT_TEXTS: dict[str, dict[str, str]] = {
    "el": {
        "subject": "Το αποτέλεσμα του ραντεβού σας {reference} – myKEPlive",
        "heading": "Το αποτέλεσμα του αιτήματός σας",
        "greeting": "Γεια σας, {name},",
        "served": "Ο υπάλληλος του ΚΕΠ ολοκλήρωσε το αίτημά σας: {procedure}. Αριθμός πρωτοκόλλου: {protocol}.",
        "email": "Το αποτέλεσμα είναι συνημμένο σε αυτό το email: {file}.",
        "post": "Το αποτέλεσμα σας στάλθηκε ταχυδρομικά ({record}).",
        "pickup": "Το αποτέλεσμα είναι έτοιμο. Παραλάβετέ το από το ΚΕΠ, στη διεύθυνση {kep_address}.",
        "view": "Δείτε το ραντεβού σας",
        "automatic": "Το μήνυμα αυτό στάλθηκε αυτόματα από το myKEPlive.",
    },
    "en": {
        "subject": "The result of your appointment {reference} – myKEPlive",
        "heading": "The result of your request",
        "greeting": "Hello {name},",
        "served": "The KEP employee has completed your request: {procedure}. Protocol number: {protocol}.",
        "email": "The result is attached to this email: {file}.",
        "post": "The result has been posted to you ({record}).",
        "pickup": "The result is ready. Collect it from the KEP, at {kep_address}.",
        "view": "View your appointment",
        "automatic": "This message was sent automatically by myKEPlive.",
    },
}

TEXT = """\
{{ heading }}

{{ greeting }}

{{ served }}
{{ delivered }}

{{ view_label }}: {{ view_url }}

{{ questions }}
{{ automatic }}
"""

HTML = """\
{% extends "email_page.html" %}
{% block language %}{{ language }}{% endblock %}
{% block content %}
<h1 style="font-size:24px; line-height:1.25;">{{ heading }}</h1>
<p>{{ greeting }}</p>
<p>{{ served }}</p>
<p>{{ delivered }}</p>
<p><a href="{{ view_url }}" style="color:#003476; font-weight:bold;">{{ view_label }}</a></p>
<p>{{ questions }}<br>{{ automatic }}</p>
{% endblock %}
"""

_text = email_environment({"result.txt": TEXT}, html=False)
_html = email_environment({"result.html": HTML}, html=True)


def result_email(booking: dict, result: dict, content: bytes | None, *, protocol: str, sender: str,
                 view_url: str, now, support_email: str) -> EmailMessage:
    """`booking` as `mailer.booking_for_mail` gives it; `result` as `call_records.result_view`."""
    language = language_of(booking)
    texts = RESULT_TEXTS[language]
    kep_address = formatting.kep_address(booking["kep"], language)
    values = {
        "language": language,
        "subject": texts["subject"].format(reference=booking["reference"]),
        "heading": texts["heading"],
        "greeting": texts["greeting"].format(name=booking["contact"]["name"]),
        "served": texts["served"].format(procedure=formatting.localised(booking["procedure"]["title"], language),
                                         protocol=protocol),
        "delivered": texts[result["delivery"]].format(file=result["name"], record=result["post_record"] or "",
                                                      kep_address=kep_address),
        "view_label": texts["view"],
        "view_url": view_url,
        "questions": questions(booking, _questions_texts(language), support_email),
        "automatic": texts["automatic"],
    }
    message = EmailMessage()
    message["From"] = sender
    message["To"] = booking["contact"]["email"]
    message["Reply-To"] = support_email
    message["Subject"] = values["subject"]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=mail_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text.get_template("result.txt").render(values), subtype="plain", charset="utf-8")
    message.add_alternative(_html.get_template("result.html").render(values), subtype="html", charset="utf-8")
    if result["delivery"] == "email" and content is not None:
        maintype, subtype = result["media_type"].split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=result["name"])
    message["Content-Language"] = language
    return message


def _questions_texts(language: str) -> dict:
    from sandbox.scheduling.mail.texts import TEXTS

    return TEXTS[language]
