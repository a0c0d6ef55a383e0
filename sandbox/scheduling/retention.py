"""Keeping personal data only as long as the privacy notice says.

The notice promises: an appointment and every detail given for it (contact, needs,
invitations, documents, messages queued about it) deleted 12 months after the
appointment; access records deleted after 6 months. `purge` does that at a moment
it is given, so tests move the settable clock instead of waiting a year; the
background loop calls it with the service's clock. Needs that a citizen asked us
to remember are kept until they delete them (their own consent, not a schedule),
so they are not touched here.

Deleted, not anonymised: nothing about a past appointment is needed after the
period (statistics are counted from bookings still kept), and a deleted row cannot
be re-identified.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

DAY = 24 * 3600

# The tables that hang off a booking, deleted before it (their rows name `booking_id`).
# `documents` exists once documents reach the KEP; a table that does not exist is skipped.
BOOKING_CHILDREN = ("invitations", "mail_queue", "documents", "identity_checks", "call_results", "call_participants",
                    "call_rooms")


@dataclass(frozen=True)
class Purged:
    bookings: int
    access_records: int
    stale_holds: int
    stale_idempotency_keys: int


def _tables(connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def purge(database, settings, now: int) -> Purged:
    """Delete what has outlived its period at `now` (seconds since the epoch), in one transaction."""
    bookings_before = now - settings.booking_retention_days * DAY
    access_before = now - settings.access_log_retention_days * DAY
    with database.write() as connection:
        tables = _tables(connection)
        expired = [row[0] for row in connection.execute("SELECT id FROM bookings WHERE ends < ?", (bookings_before,))]
        for table in BOOKING_CHILDREN:
            if table in tables and expired:
                connection.executemany(f"DELETE FROM {table} WHERE booking_id=?", [(booking,) for booking in expired])
        connection.executemany("DELETE FROM bookings WHERE id=?", [(booking,) for booking in expired])
        access = connection.execute("DELETE FROM access_log WHERE at < ?", (access_before,)).rowcount
        # A hold or an idempotency key is a moment's working state, not a record: gone a day later.
        holds = connection.execute("DELETE FROM holds WHERE expires < ?", (now - DAY,)).rowcount
        keys = connection.execute("DELETE FROM idempotency_keys WHERE created < ?", (now - DAY,)).rowcount
    purged = Purged(len(expired), access, holds, keys)
    if any((purged.bookings, purged.access_records)):
        # Counts only: the log itself must not become a record of who booked what.
        log.info("retention: deleted %d bookings and %d access records", purged.bookings, purged.access_records)
    return purged


def start_background_loop(scheduling) -> threading.Event:
    """Purge once at start and then every `retention_loop_seconds`; returns an event that stops it."""
    stop = threading.Event()

    def loop():
        while True:
            try:
                purge(scheduling.database, scheduling.settings, scheduling.now())
            except Exception:  # noqa: BLE001 - the loop must outlive one bad round
                log.exception("retention round failed")
            if stop.wait(scheduling.settings.retention_loop_seconds):
                return

    threading.Thread(target=loop, name="sandbox-retention", daemon=True).start()
    return stop
