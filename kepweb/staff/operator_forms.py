"""The forms of the operators' pages: a closed day, a week's hours, an availability period, an absence, an
interpreter's day off. Days and times are typed (a text field with an example), as GOV.UK and GOV.GR ask, and read
leniently: 24/12/2026, 24-12-2026, 24.12.2026 or 2026-12-24; 8:00, 08:00 or 08.00."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from kepweb.forms import Form
from kepweb.i18n import today_in_athens

WEEKDAY_NAMES = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                 _l("Sunday")]
#: Video calls are served Monday to Friday: the weekdays a form asks about.
WORKING_WEEKDAYS = range(5)
DAY_FIRST = re.compile(r"^\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})\s*\Z")
ISO_DAY = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*\Z")
CLOCK = re.compile(r"^\s*([0-9]{1,2})\s*[:.]\s*([0-9]{2})\s*\Z")  # [0-9]: \d would take any script's digits


def typed_day(text: str | None) -> date | None:
    """The day a person typed, or None."""
    text = text or ""
    match = DAY_FIRST.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := ISO_DAY.match(text)):
        parts = match.groups()
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def typed_time(text: str | None) -> str | None:
    """A clock time a person typed, as HH:MM, or None."""
    match = CLOCK.match(text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def day_field(label, required_message):
    """A day, checked and kept as `field.day`: today or later."""
    def check(_form, field):
        field.day = typed_day(field.data)
        if field.day is None:
            raise ValidationError(_l("Enter a date like 24/12/2026"))
        if field.day < today_in_athens():
            raise ValidationError(_l("Choose today or a later date"))

    return StringField(label, validators=[InputRequired(required_message), check])


def time_field(label):
    def check(_form, field):
        if (field.data or "").strip() and typed_time(field.data) is None:
            raise ValidationError(_l("Enter a time like 08:00"))

    return StringField(label, validators=[Optional(), check])


REASON_LENGTH = Length(max=200, message=_l("Write 200 characters or fewer"))


class ClosureForm(Form):
    """A closed day. A head closes their own KEP's: the view takes `scope` and `kep_id` away from their form."""

    scope = RadioField(_l("Which KEPs close?"), choices=[("kep", _l("One KEP")), ("every", _l("Every KEP"))],
                       default="kep", validators=[InputRequired(_l("Choose one KEP or every KEP"))])
    kep_id = StringField(_l("KEP"))
    day = day_field(_l("Day"), _l("Enter the day"))
    reason = StringField(_l("Reason"), validators=[InputRequired(_l("Enter the reason")), REASON_LENGTH])

    #: The KEPs that may be chosen (set by the view for an administrator).
    known_keps: frozenset[str] = frozenset()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if "scope" in self and self.scope.data == "kep" and self.kep_id.data not in self.known_keps:
            self.kep_id.errors = [*self.kep_id.errors, _l("Choose the KEP that closes")]
            valid = False
        return valid


class HoursForm(Form):
    """A week's hours, Monday to Friday, one opening a day: `opens_0`/`closes_0` for Monday and so on."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for weekday in WORKING_WEEKDAYS:
            opens, closes = self[f"opens_{weekday}"], self[f"closes_{weekday}"]
            if not opens.errors and not closes.errors:
                start, end = typed_time(opens.data), typed_time(closes.data)
                if bool(start) != bool(end):
                    missing = closes if start else opens
                    missing.errors = [_l("Enter both times, or leave both empty if closed that day")]
                    valid = False
                elif start and start >= end:
                    closes.errors = [_l("Enter a time after the first one")]
                    valid = False
            # The error summary lists the messages alone: each says its day.
            for field in (opens, closes):
                field.errors = [_("%(day)s: %(message)s", day=WEEKDAY_NAMES[weekday], message=message)
                                for message in field.errors]
        return valid

    def week(self) -> list[tuple[int, str, str]]:
        """Each open weekday as (weekday, from, until)."""
        return [(weekday, typed_time(self[f"opens_{weekday}"].data), typed_time(self[f"closes_{weekday}"].data))
                for weekday in WORKING_WEEKDAYS if typed_time(self[f"opens_{weekday}"].data)]

    @classmethod
    def filled(cls, hours) -> HoursForm:
        """The form showing `hours` (each with weekday, opens, closes), the first opening of each weekday."""
        data = {}
        for item in sorted(hours, key=lambda item: (item.weekday, item.opens)):
            data.setdefault(f"opens_{item.weekday}", item.opens)
            data.setdefault(f"closes_{item.weekday}", item.closes)
        return cls(formdata=None, data=data)


for _weekday in WORKING_WEEKDAYS:
    setattr(HoursForm, f"opens_{_weekday}", time_field(_l("From")))
    setattr(HoursForm, f"closes_{_weekday}", time_field(_l("Until")))


class PeriodForm(Form):
    valid_from = day_field(_l("First day"), _l("Enter the first day"))
    valid_to = day_field(_l("Last day"), _l("Enter the last day"))
    weekday = RadioField(_l("Which days?"), default="every",
                         choices=[("every", _l("Every working day"))]
                         + [(str(weekday), WEEKDAY_NAMES[weekday]) for weekday in WORKING_WEEKDAYS],
                         validators=[InputRequired(_l("Choose the days"))])
    starts = StringField(_l("From"), validators=[InputRequired(_l("Enter the time they start"))])
    ends = StringField(_l("Until"), validators=[InputRequired(_l("Enter the time they stop"))])
    workstation = StringField(_l("Workstation (optional)"), validators=[
        Optional(), Length(max=100, message=_l("Write 100 characters or fewer"))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        start, end = typed_time(self.starts.data), typed_time(self.ends.data)
        for field, value in ((self.starts, start), (self.ends, end)):
            if not field.errors and value is None:
                field.errors = [_l("Enter a time like 08:00")]
                valid = False
        if start and end and start >= end and not self.ends.errors:
            self.ends.errors = [_l("Enter a time after the first one")]
            valid = False
        if getattr(self.valid_from, "day", None) and getattr(self.valid_to, "day", None) and not self.valid_to.errors \
                and self.valid_to.day < self.valid_from.day:
            self.valid_to.errors = [_l("The last day cannot be before the first")]
            valid = False
        return valid

    def as_request(self) -> dict:
        return {"valid_from": self.valid_from.day.isoformat(), "valid_to": self.valid_to.day.isoformat(),
                "weekday": None if self.weekday.data == "every" else int(self.weekday.data),
                "starts": typed_time(self.starts.data), "ends": typed_time(self.ends.data),
                "workstation": (self.workstation.data or "").strip() or None}


class AbsenceForm(Form):
    first_day = day_field(_l("First day away"), _l("Enter the first day away"))
    last_day = day_field(_l("Last day away"), _l("Enter the last day away"))
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), REASON_LENGTH])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if getattr(self.first_day, "day", None) and getattr(self.last_day, "day", None) and not self.last_day.errors:
            if self.last_day.day < self.first_day.day:
                self.last_day.errors = [_l("The last day cannot be before the first")]
                valid = False
            elif (self.last_day.day - self.first_day.day).days >= 366:
                self.last_day.errors = [_l("Record at most a year at a time")]
                valid = False
        return valid

    def as_request(self) -> dict:
        return {"first_day": self.first_day.day.isoformat(), "last_day": self.last_day.day.isoformat(),
                "reason": (self.reason.data or "").strip()}


class KepChoiceForm(Form):
    """An administrator's choice of KEP: a plain GET form (it changes nothing, so it needs no CSRF token)."""

    class Meta:
        csrf = False

    kep = StringField(_l("KEP"), validators=[InputRequired(_l("Choose a KEP"))])
    known_keps: frozenset[str] = frozenset()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.kep.errors and self.kep.data not in self.known_keps:
            self.kep.errors = [_l("Choose a KEP")]
            valid = False
        return valid


class DayOffForm(Form):
    day = day_field(_l("Day"), _l("Enter the day"))
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), REASON_LENGTH])
