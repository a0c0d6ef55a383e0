"""Dates, times, addresses and needs in words, shared by the emails and the calendar file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from sandbox.scheduling.mail.texts import TEXTS

ATHENS = ZoneInfo("Europe/Athens")

# Day first in both languages; MMMM is the format-context month, which Babel gives
# in the genitive for Greek ("1 Δεκεμβρίου", not "1 Δεκέμβριος").
DATE_PATTERN = "EEEE d MMMM y"
# The Greek article before a weekday: «τη Δευτέρα» (the ν goes before δ), «την Τρίτη»
# (kept before τ, π, κ and vowels), «το Σάββατο». Monday is 0, as `weekday()` counts.
GREEK_ARTICLE_BEFORE_WEEKDAY = ("τη", "την", "την", "την", "την", "το", "την")
TIME_PATTERN = "HH:mm"


def in_athens(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("booking times must be timezone-aware")
    return moment.astimezone(ATHENS)


def day(moment: datetime, language: str) -> str:
    """"Τρίτη 1 Δεκεμβρίου 2026" / "Tuesday 1 December 2026", on the Athens calendar."""
    return format_date(in_athens(moment).date(), DATE_PATTERN, locale=language)


def clock(moment: datetime, language: str) -> str:
    """"09:30", Athens wall-clock time."""
    return format_time(moment, TIME_PATTERN, tzinfo=ATHENS, locale=language)


def when(booking: dict, language: str) -> str:
    """"Τρίτη 1 Δεκεμβρίου 2026, 09:30–09:50 (ώρα Ελλάδας)"."""
    return TEXTS[language]["when_value"].format(
        date=day(booking["start"], language),
        start=clock(booking["start"], language),
        end=clock(booking["end"], language),
    )


def when_relative(booking: dict, language: str, now: datetime) -> str:
    """"σήμερα στις 10:30", "αύριο στις 10:30" or "την Τρίτη 1 Δεκεμβρίου 2026 στις 10:30"."""
    texts = TEXTS[language]
    start = booking["start"]
    days_ahead = (in_athens(start).date() - in_athens(now).date()).days
    time = clock(start, language)
    if days_ahead == 0:
        return texts["when_today"].format(time=time)
    if days_ahead == 1:
        return texts["when_tomorrow"].format(time=time)
    return texts["when_other_day"].format(date=day(start, language), time=time,
                                          article=GREEK_ARTICLE_BEFORE_WEEKDAY[in_athens(start).weekday()])


def kep_address(kep: dict, language: str) -> str:
    """"Οδός 12, 73132 Χανιά"."""
    address = kep["address"]
    street = localised(address["street"], language)
    town = localised(address["town"], language)
    return f"{street}, {address['postcode']} {town}"


def needs_in_words(needs: dict, language: str) -> list[str]:
    """The communication needs the citizen declared, one phrase each; ["Καμία"] when none."""
    texts = TEXTS[language]
    words = [texts[f"need_{key}"] for key in ("sign_language", "lip_reading", "text_chat") if needs.get(key)]
    if needs.get("third_person"):
        name = (needs.get("third_person_name") or "").strip()
        words.append(texts["need_third_person_named"].format(name=name) if name else texts["need_third_person"])
    other = (needs.get("other") or "").strip()
    if other:
        words.append(texts["need_other"].format(text=other))
    return words or [texts["need_none"]]


HEARING_NEEDS = ("sign_language", "lip_reading", "text_chat")


def offers_phone(booking: dict) -> bool:
    """False for a citizen who declared a hearing need: no message asks them to phone."""
    needs = booking.get("needs") or {}
    return not any(needs.get(need) for need in HEARING_NEEDS)


def localised(value: dict, language: str) -> str:
    """A {"el": ..., "en": ...} text in the wanted language, falling back to the other."""
    return value.get(language) or next((text for text in value.values() if text), "")
