"""Text messages (SMS): the provider they are sent through, and their rows in the queue.

A citizen who chose contact preference `sms` gets a text beside each email about
their booking (confirmed, rescheduled, cancelled, reminder): a `mail_queue` row
with channel 'sms', written in the same transaction as the change, so a text is
never lost with a crash nor sent for a change that was rolled back. The mail loop
(`mailer.deliver_pending_sms`) sends the rows through an `SmsProvider`.
"""

from __future__ import annotations

from typing import Protocol

import requests

SMS_KINDS = ("confirmed", "rescheduled", "cancelled", "reminder", "result", "moved_by_kep", "cancelled_by_kep",
             "moved_by_kep_change", "cancelled_by_kep_change")


class SmsNotSent(Exception):
    """The gateway did not take the message; the loop tries again on its next round.

    Its text never holds the phone number or the message: it is logged.
    """


class SmsGatewayUnreachable(SmsNotSent):
    """No answer from the gateway (down, or slower than the timeout): the other
    queued messages would only wait for the timeout too."""


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> str:
        """Hand one message to the gateway; returns the gateway's id for it.

        Raises SmsNotSent when the gateway refused it, failed or did not answer in time.
        """


class HttpSmsProvider:
    """A gateway that takes `{"to", "text", "sender"}` as JSON with a bearer token:
    the generic shape most Greek and EU SMS gateways accept."""

    def __init__(self, url: str, token: str, sender: str, timeout: float):
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, text: str) -> str:
        try:
            # The timeout bounds connecting and each wait for the answer, so a gateway
            # that hangs delays the loop by seconds, never for ever.
            response = requests.post(
                self.url, json={"to": to, "text": text, "sender": self.sender},
                headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout,
                allow_redirects=False,  # a redirect is not an accepted message
            )
        except requests.RequestException as error:
            raise SmsGatewayUnreachable(type(error).__name__) from None
        if not 200 <= response.status_code < 300:
            raise SmsNotSent(f"HTTP {response.status_code}")
        return message_id(response)


def message_id(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("id", "")) if isinstance(body, dict) else ""


def provider_for(settings) -> SmsProvider:
    return HttpSmsProvider(settings.sms_gateway_url, settings.sms_token, settings.sms_sender, settings.sms_timeout)


def queue_sms(connection, booking_id: int, kind: str, now: int) -> None:
    """Queue the text that goes with this email, when the booking's citizen asked for texts."""
    if kind not in SMS_KINDS:
        raise ValueError(f"no text message for {kind!r}")
    connection.execute(
        "INSERT INTO mail_queue (booking_id, kind, created, channel) SELECT id, ?, ?, 'sms' FROM bookings"
        " WHERE id=? AND json_extract(details, '$.contact_preference') = 'sms'",
        (kind, now, booking_id),
    )
