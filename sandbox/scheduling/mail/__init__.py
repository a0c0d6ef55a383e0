"""The emails the sandbox scheduling service sends to citizens about their bookings.

    booking_email(kind, booking, *, sender, links, now=None) -> EmailMessage
    calendar_file(booking, method="PUBLISH", *, now=None) -> bytes

Greek or English (booking["language"]), each with a plain-text part, an HTML part
and the appointment as an attached .ics file. Building only: sending is the mail
queue's job. All sentences live in `texts.TEXTS`.
"""

from sandbox.scheduling.mail.ics import calendar_file
from sandbox.scheduling.mail.message import KINDS, booking_email

__all__ = ["KINDS", "booking_email", "calendar_file"]
