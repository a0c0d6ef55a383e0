"""The one clock of the app.

Every "now" in kepweb comes from here, so that a test (or a demonstration) can
set the time with the `KEPWEB_CLOCK` setting, a function that returns an aware
datetime, instead of sleeping.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app


def now() -> datetime:
    """The time now, in UTC."""
    clock = current_app.config.get("KEPWEB_CLOCK")
    return clock() if clock else datetime.now(timezone.utc)
