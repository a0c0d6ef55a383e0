"""The booking as an iCalendar (.ics) file: attached to every email and offered as
the frontend's "add to calendar" download."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event, Timezone

from sandbox.scheduling.mail import formatting
from sandbox.scheduling.mail.texts import TEXTS, language_of

PRODID = "-//myKEPlive//kepweb//EL"
UID_DOMAIN = "mykeplive.example"
METHODS = ("PUBLISH", "CANCEL")
ALARM_BEFORE = timedelta(minutes=15)


def uid(booking: dict) -> str:
    return f"{booking['reference']}@{UID_DOMAIN}"


def athens_timezone(around: datetime) -> Timezone:
    """A VTIMEZONE for Europe/Athens from the tz database, covering the year of the
    appointment and the next one (not the default 1970-2038, which is 2.5 kB)."""
    year = formatting.in_athens(around).year
    return Timezone.from_tzid("Europe/Athens", first_date=date(year, 1, 1), last_date=date(year + 2, 1, 1))


def description(booking: dict, language: str, cancelled: bool) -> str:
    texts = TEXTS[language]
    kep = booking["kep"]
    lines = [texts["ics_cancelled"]] if cancelled else []
    lines.append(f"{texts['label_reference']}: {booking['reference']}")
    if not cancelled:
        lines += [f"{texts['join_link']}: {booking['meeting_url']}", texts["join_early"]]
    lines.append(f"{texts['label_kep']}: {formatting.localised(kep['name'], language)}, "
                 f"{formatting.kep_address(kep, language)}")
    if formatting.offers_phone(booking):
        lines.append(f"{texts['label_phone']}: {kep['phone']}")
    return "\n".join(lines)


def calendar_file(booking: dict, method: str = "PUBLISH", *, now: datetime | None = None) -> bytes:
    """The booking as a VCALENDAR with one VEVENT, in the booking's language.

    method "PUBLISH" (confirmed, rescheduled, reminder, download) or "CANCEL"
    (STATUS:CANCELLED, no alarm, no meeting link). Clients match updates by the UID
    and take the highest SEQUENCE, which the caller keeps in booking["sequence"].
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    cancelled = method == "CANCEL"
    language = language_of(booking)
    texts = TEXTS[language]
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    start = formatting.in_athens(booking["start"])
    end = formatting.in_athens(booking["end"])

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(athens_timezone(start))

    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", int(booking.get("sequence", 0)))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    procedure = formatting.localised(booking["procedure"]["title"], language)
    event.add("summary", texts["ics_summary"].format(procedure=procedure), parameters={"LANGUAGE": language})
    if not cancelled:
        event.add("location", booking["meeting_url"])
        event.add("url", booking["meeting_url"])
    event.add("description", description(booking, language, cancelled), parameters={"LANGUAGE": language})

    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", texts["ics_alarm"])
        event.add_component(alarm)

    calendar.add_component(event)
    return calendar.to_ical()
