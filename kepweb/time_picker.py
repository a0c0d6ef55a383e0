"""The one day-and-time picker: booking a time, and changing the time of an appointment.

Days as links that say how many times are free, a week at a time; the times of
the chosen day as one radio group whose labels are full sentences. The template
is `components/time_picker.html`; `TimeForm` carries the choice and its errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from kepweb.forms import Form
from kepweb.i18n import parse_day, slot_label, today_in_athens
from kepweb.scheduling import clients
from kepweb.scheduling.models import Day, Slot

#: How far ahead the week navigation goes (the API's horizon is 30 days).
LAST_WEEK_START = timedelta(days=35)


class TimeForm(Form):
    slot = RadioField(_l("Choose a time"), validate_choice=False, validators=[InputRequired(_l("Choose a time"))])

    def chosen(self) -> tuple[str, datetime] | None:
        """(KEP, start) of the chosen time, or None (with an error on the field) if it is not one."""
        kep_id, _sep, start = (self.slot.data or "").partition("|")
        try:
            moment = datetime.fromisoformat(start)
        except ValueError:
            moment = None
        if not kep_id or moment is None or moment.tzinfo is None:
            self.slot.errors = [_l("Choose a time")]
            return None
        return kep_id, moment


def slot_value(slot: Slot) -> str:
    return f"{slot.kep_id}|{slot.start.isoformat()}"


@dataclass
class Query:
    """What the free times are asked for: the API's availability parameters."""

    category: str
    procedure: str
    needs: list[str] = field(default_factory=list)
    kep_id: str | None = None
    municipality_id: str | None = None

    def as_kwargs(self) -> dict:
        return {"needs": self.needs, "kep_id": self.kep_id, "municipality_id": self.municipality_id}


@dataclass
class Choice:
    """What the picker shows."""

    today: date
    week: date
    day: date | None
    days: list[Day]
    slots: list[Slot]

    @property
    def any_free(self) -> bool:
        return any(day.free_slots for day in self.days)

    @property
    def earlier_week(self) -> date | None:
        if self.week <= self.today:
            return None
        return max(self.today, self.week - timedelta(days=7))

    @property
    def later_week(self) -> date:
        return self.week + timedelta(days=7)


def choose(query: Query, week_raw: str | None, day_raw: str | None, form: TimeForm) -> Choice:
    """The week and day asked for in the URL, clamped to what can be booked; fills the form's choices."""
    availability = clients().availability
    today = today_in_athens()
    week = parse_day(week_raw, today)
    week = max(today, min(week, today + LAST_WEEK_START))
    day = parse_day(day_raw, None)
    if day and day < today:
        day = None
    slots = availability.slots(query.category, query.procedure, day=day, **query.as_kwargs()) if day else []
    form.slot.choices = [(slot_value(slot), slot_label(slot.start, slot.end)) for slot in slots]
    days = availability.days(query.category, query.procedure, first=week, last=week + timedelta(days=6),
                             **query.as_kwargs())
    return Choice(today=today, week=week, day=day, days=days, slots=slots)


def first_free(query: Query) -> Slot | None:
    return clients().availability.first_free(query.category, query.procedure, **query.as_kwargs())
