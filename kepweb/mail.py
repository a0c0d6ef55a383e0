"""Email the service sends itself (the scheduling API sends the booking emails).

Plain SMTP with a timeout; on a laptop the sandbox outbox listens on the port.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import get_locale

log = logging.getLogger(__name__)


class MailUnavailable(Exception):
    """The mail server could not take the message."""


def send(message: EmailMessage) -> None:
    config = current_app.config
    message["From"] = config["MAIL_SENDER"]
    message["Message-ID"] = make_msgid(domain="mykeplive.example")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # Never the message or its addresses: they may identify a citizen.
        log.warning("mail not sent: %s", type(error).__name__)
        raise MailUnavailable() from error


def send_accessibility_feedback(answers: dict) -> None:
    message = EmailMessage()
    message["To"] = current_app.config["ACCESSIBILITY_FEEDBACK_TO"]
    message["Subject"] = "myKEPlive: accessibility feedback"
    if answers.get("email"):
        message["Reply-To"] = answers["email"]
    message.set_content(
        "\n".join(
            [
                f"Problem:\n{answers['problem']}",
                "",
                f"Page or step: {answers.get('page') or '-'}",
                f"Name: {answers.get('name') or '-'}",
                f"Email: {answers.get('email') or '-'}",
                f"Language of the page: {get_locale()}",
                "",
                "The accessibility statement promises an answer within 30 days.",
            ]
        )
    )
    send(message)
