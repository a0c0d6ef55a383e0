"""An appointment as an .ics file, in the Europe/Athens time zone."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone

from kepweb import clock

ATHENS = ZoneInfo("Europe/Athens")


def appointment_calendar(booking, language: str, join_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//myKEPlive//kepweb//EL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(Timezone.from_tzid("Europe/Athens", first_date=booking.start.date(),
                                              last_date=booking.end.date()))
    event = Event()
    event.add("uid", f"{booking.reference}@mykeplive.example")
    event.add("dtstamp", clock.now())
    event.add("dtstart", booking.start.astimezone(ATHENS))
    event.add("dtend", booking.end.astimezone(ATHENS))
    title = booking.procedure_title.in_language(language)
    kep = booking.kep.name.in_language(language)
    if language == "en":
        event.add("summary", f"Video call with a KEP: {title}")
        event.add("description", f"Reference {booking.reference}. {kep}. Join: {join_url}")
    else:
        event.add("summary", f"Βιντεοκλήση με ΚΕΠ: {title}")
        event.add("description", f"Κωδικός {booking.reference}. {kep}. Σύνδεση: {join_url}")
    event.add("location", join_url)
    event.add("url", join_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["summary"])
    alarm.add("trigger", timedelta(minutes=-15))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
