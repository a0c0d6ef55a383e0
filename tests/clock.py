"""A settable clock for the sandbox scheduling service (its `clock` setting)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class SandboxClock:
    """The sandbox scheduling service's clock, `behind` real time (ahead of it when negative).

    The frontend counts down to the `expires_at` the API gives a hold. With the
    API's clock 8 minutes 20 seconds behind, a 10-minute hold it makes now ends
    100 seconds from now: the warning (due 2 minutes before the end) is due at
    once, and nothing is faked in the frontend. Set back to 0, the API extends
    a hold by a real 10 minutes. Set ahead (negative), the API finds a hold
    expired that the frontend still counts down.
    """

    def __init__(self):
        self.behind = timedelta(0)

    def __call__(self):
        return datetime.now(timezone.utc) - self.behind
