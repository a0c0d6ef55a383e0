"""The video call's timing and what the join pages may use: one rule for the
citizen's join page and the invited people's."""

from __future__ import annotations

from datetime import datetime, timedelta

# A join page opens this long before the start, and closes at the end.
JOIN_OPENS_BEFORE = timedelta(minutes=15)

# Only the join pages may use the camera and microphone (for the device check).
JOIN_PERMISSIONS = {"camera": "(self)", "microphone": "(self)", "geolocation": "()", "payment": "()", "usb": "()"}


def opens_at(start: datetime) -> datetime:
    return start - JOIN_OPENS_BEFORE


def phase(start: datetime, end: datetime, moment: datetime) -> str:
    """early (before the join page opens), open, or over."""
    if moment >= end:
        return "over"
    if moment < opens_at(start):
        return "early"
    return "open"
