"""Which days and hours can be booked: weekdays, Greek public holidays, closed
days, the service's hours (08:00–14:30 by default) and each KEP's own hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import EASTER_ORTHODOX, easter

ATHENS = ZoneInfo("Europe/Athens")

FIXED_HOLIDAYS = {
    (1, 1),    # Πρωτοχρονιά
    (1, 6),    # Θεοφάνεια
    (3, 25),   # 25η Μαρτίου
    (5, 1),    # Πρωτομαγιά
    (8, 15),   # Κοίμηση της Θεοτόκου
    (10, 28),  # 28η Οκτωβρίου
    (12, 25),  # Χριστούγεννα
    (12, 26),  # Σύναξη της Θεοτόκου
}

# Days counted from Orthodox Easter Sunday; computed each year, never listed.
MOVABLE_HOLIDAYS = {
    -48: "Καθαρά Δευτέρα",
    -2: "Μεγάλη Παρασκευή",
    1: "Δευτέρα του Πάσχα",
    50: "Αγίου Πνεύματος",
}


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    orthodox_easter = easter(year, EASTER_ORTHODOX)
    movable = {orthodox_easter + timedelta(days=offset) for offset in MOVABLE_HOLIDAYS}
    return frozenset({date(year, month, day) for month, day in FIXED_HOLIDAYS} | movable)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def at_athens(day: date, moment: time) -> int:
    """UTC epoch seconds of a wall-clock time in Athens on `day`."""
    return int(datetime.combine(day, moment, tzinfo=ATHENS).timestamp())


def athens_day(epoch_seconds: int) -> date:
    return datetime.fromtimestamp(epoch_seconds, ATHENS).date()


def intersect(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return sorted(result)
