"""Statistics per KEP and category, for a KEP's head (their KEP) and the Ministry's administrators (every KEP).

The page (`/staff/statistics`) asks for a period with a plain GET form (the last 30 days unless asked), and
shows the numbers the scheduling API counts (api/scheduling.openapi.yaml, `StatisticsMeasures`, defines
each one) three ways: the tables, which are the source of truth; a bar chart drawn on the server as inline
SVG, an image whose text alternative points to the table it is drawn from; and a CSV file
(`/staff/statistics.csv`) for a spreadsheet. An employee meets "page not found", as the API answers them.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Response, redirect, request, url_for
from flask_babel import format_datetime, format_decimal, get_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from kepweb.forms import Form
from kepweb.htmx import render_page
from kepweb.i18n import long_date, today_in_athens
from kepweb.scheduling import SchedulingProblem, clients
from kepweb.scheduling.staff_statistics import COUNTS, Statistics
from kepweb.staff.access import current_staff, staff_required
from kepweb.staff.views import PAGES, StaffPage, staff

ROLES = ("head", "admin")
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST, LATEST = date(2020, 1, 1), date(2099, 12, 31)

PAGES.append(StaffPage("staff.statistics", _l("Statistics per KEP and category"), ROLES))

#: The measures, in the order the tables and the CSV show them.
MEASURES = (*COUNTS, "average_days_to_appointment")


def measure_names() -> dict[str, str]:
    """What each number is called, in the tables, the chart and the CSV's header: counts of appointments, so
    in the plural (the same English words name one call's status elsewhere, hence the context)."""
    return {
        "bookings": pgettext("statistics", "Appointments"),
        "cancelled": pgettext("statistics", "Cancelled"),
        "awaiting_outcome": pgettext("statistics", "Outcome pending"),
        "served": pgettext("statistics", "Served"),
        "not_served": pgettext("statistics", "Not served"),
        "no_show": pgettext("statistics", "Did not join"),
        "follow_up": pgettext("statistics", "Need a follow-up"),
        "average_days_to_appointment": pgettext("statistics", "Average days from booking to appointment"),
    }


#: What each number counts, said on the page under the tables (the contract's definitions, shortened).
MEASURE_DEFINITIONS = {
    "bookings": _l("Every appointment whose day is in the period, whatever became of it, cancelled ones included. "
                   "It is the sum of the six numbers after it."),
    "cancelled": _l("Cancelled before the appointment, by the citizen or by the KEP when it closed the day. "
                    "An appointment moved to another time is not cancelled: it counts on its new day."),
    "awaiting_outcome": _l("Still booked: the call is still to come, or it has happened and its outcome is not "
                           "recorded yet."),
    "served": _l("The employee recorded that the request was completed."),
    "not_served": _l("The employee recorded that the request could not be handled."),
    "no_show": _l("The employee recorded that the citizen did not join the call."),
    "follow_up": _l("The employee recorded that the request needs more."),
    "average_days_to_appointment": _l("For the appointments not cancelled: the average time from the moment the "
                                      "citizen booked to the appointment, in days of 24 hours, to one decimal."),
}
#: The bars of the chart, for each category: how many were booked, served, and did not join.
CHART_MEASURES = ("bookings", "served", "no_show")

ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
DAY_FIRST_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")


def parse_date(raw: str) -> date | None:
    """A date as people write it in Greece (1/11/2026, 1.11.2026, 01-11-2026) or as 2026-11-01."""
    text = "".join((raw or "").split())
    found = ISO_DATE.match(text)
    try:
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
        found = DAY_FIRST_DATE.match(text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


def written(day: date) -> str:
    """A date as the form shows it: day/month/year."""
    return f"{day.day}/{day.month}/{day.year}"


class PeriodForm(Form):
    """The period of the statistics: read from the query string (a GET form, no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    first = StringField(_l("Start date"), name="from", id="period-from")
    last = StringField(_l("End date"), name="to", id="period-to")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.period = None
        today = today_in_athens()
        days = {}
        for field, wrong in ((self.first, _l("Enter the start date as day/month/year, for example 1/11/2026")),
                             (self.last, _l("Enter the end date as day/month/year, for example 30/11/2026"))):
            if field.errors or not (field.data or "").strip():
                continue
            day = parse_date(field.data)
            if day is None:
                field.errors = [wrong]
            elif not EARLIEST <= day <= LATEST:
                field.errors = [_l("Enter a date from 2020 to 2099")]
            else:
                days[field.name] = day
        if self.first.errors or self.last.errors:
            return False
        last = days.get("to") or max(days.get("from", today), today)
        first = days.get("from") or last - timedelta(days=DEFAULT_DAYS - 1)
        if last < first:
            self.last.errors = [_l("The end date must be the same as or after the start date")]
            return False
        if (last - first).days + 1 > MAX_DAYS:
            self.last.errors = [ngettext("Choose a period of %(num)d day or fewer",
                                         "Choose a period of %(num)d days or fewer", MAX_DAYS)]
            return False
        self.period = (first, last)
        # What the form shows: the period counted, the defaults included.
        self.first.data, self.last.data = written(first), written(last)
        return valid


def _period_form() -> PeriodForm:
    form = PeriodForm(formdata=request.args)
    form.validate()
    return form


def _statistics(form: PeriodForm) -> Statistics | None:
    """The API's numbers for the form's period; None (with the API's refusal at its field) when it refused it."""
    if form.period is None:
        return None
    try:
        return clients().staff_statistics.statistics(current_staff().subject, *form.period)
    except SchedulingProblem as problem:
        if problem.code != "validation":
            raise
        language = str(get_locale())
        for name, messages in problem.field_errors.items():
            field = {"from": form.first, "to": form.last}.get(name, form.last)
            field.errors = [messages.get(language) or messages.get("el")]
        return None


# -- the chart --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    measure: str
    y: int
    width: int


@dataclass(frozen=True)
class BarGroup:
    name_lines: tuple[tuple[int, str], ...]  # (baseline, words): the category's name, wrapped
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart in SVG user units; the SVG scales to its column (viewBox)."""

    width: int
    height: int
    bar_x: int
    bar_height: int
    groups: tuple[BarGroup, ...]


CHART_WIDTH, LABEL_WIDTH, BAR_SPACE, BAR_HEIGHT, BAR_STEP, LINE_STEP, GROUP_GAP = 320, 128, 150, 16, 24, 18, 14
NAME_CHARACTERS = 34  # a category's name wraps at about this many characters, in 14-unit type


def bar_chart(statistics: Statistics, category_name) -> Chart:
    """Three bars per category (appointments, served, did not join), each with its name and its number written
    beside it: nothing is told by colour, and the bars are as long as their numbers, on one scale."""
    largest = max([row.measures.count(name) for row in statistics.by_category for name in CHART_MEASURES] + [1])
    names = measure_names()
    groups, y = [], 0
    for row in statistics.by_category:
        lines = []
        for words in textwrap.wrap(str(category_name(row.category)), NAME_CHARACTERS):
            y += LINE_STEP
            lines.append((y, words))
        y += 6
        bars = []
        for name in CHART_MEASURES:
            value = row.measures.count(name)
            bars.append(Bar(label=names[name], value=value, measure=name, y=y,
                            width=round(BAR_SPACE * value / largest)))
            y += BAR_STEP
        groups.append(BarGroup(name_lines=tuple(lines), bars=tuple(bars)))
        y += GROUP_GAP
    return Chart(width=CHART_WIDTH, height=y, bar_x=LABEL_WIDTH, bar_height=BAR_HEIGHT, groups=tuple(groups))


# -- the page -----------------------------------------------------------------------------------------------------


def days_text(value: float | None) -> str:
    return "" if value is None else format_decimal(value, format="0.0")


def count_text(value: int) -> str:
    return format_decimal(value, format="#,##0")


def none_within(days: int) -> str:
    return ngettext("None in the next %(num)d day", "None in the next %(num)d days", days)


def _category_name(category_id: str) -> str:
    category = clients().categories.category(category_id)
    return str(category.name) if category else category_id


@staff.get("/statistics")
@staff_required(*ROLES)
def statistics():
    form = _period_form()
    numbers = _statistics(form)
    member = current_staff()
    context = {"form": form if form.errors else None, "period_form": form, "numbers": numbers,
               "member": member, "measures": MEASURES, "measure_names": measure_names(),
               "measure_definitions": MEASURE_DEFINITIONS, "days_text": days_text, "count_text": count_text,
               "none_within": none_within, "counts": COUNTS}
    if numbers is not None:
        context.update(
            chart=bar_chart(numbers, _category_name),
            keps_with_bookings=[kep for kep in numbers.keps if kep.total.bookings],
            csv_url=url_for("staff.statistics_csv", **{"from": numbers.first.isoformat(),
                                                        "to": numbers.last.isoformat()}),
            period_text=_("From %(first)s to %(last)s", first=long_date(numbers.first), last=long_date(numbers.last)),
        )
    return render_page("staff/statistics.html", status=422 if form.errors else 200,
                       page_title=_("Statistics per KEP and category"), **context)


# -- the CSV file ---------------------------------------------------------------------------------------------------

#: A cell a spreadsheet would read as a formula (or that hides one behind a tab or a line break) when it starts so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """CSV injection (OWASP): a text starting like a formula gets an apostrophe before it, so that a spreadsheet
    shows it as text and never runs it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(numbers: Statistics) -> str:
    """Every KEP listed: a row per category with appointments, then the KEP's row for every category together,
    which also says the wait now to the first free time. The header is in the page's language; in Greek the
    columns are separated by semicolons and decimals take a comma, as Excel expects with Greek settings."""
    greek = str(get_locale()) == "el"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if greek else ",", lineterminator="\r\n")
    writer.writerow([safe_cell(text) for text in (
        _("KEP"), _("Category"), *measure_names().values(),
        _("First free time for a %(minutes)s-minute call now", minutes=numbers.standard_call_minutes),
        _("Days to the first free time"))])

    def row(kep, category, measures, wait=("", "")):
        writer.writerow([safe_cell(value) for value in (
            str(kep.kep_name), category, *(measures.count(name) for name in COUNTS),
            days_text(measures.average_days_to_appointment), *wait)])

    for kep in numbers.keps:
        for category_row in kep.rows:
            row(kep, _category_name(category_row.category), category_row.measures)
        free = kep.first_free
        wait = ((format_datetime(free.start, "yyyy-MM-dd HH:mm"), days_text(free.wait_days)) if free else
                (none_within(numbers.horizon_days), ""))
        row(kep, _("All categories"), kep.total, wait)
    return out.getvalue()


@staff.get("/statistics.csv")
@staff_required(*ROLES)
def statistics_csv():
    form = _period_form()
    numbers = _statistics(form)
    if numbers is None:
        # A period the page would refuse: the page, with the error at its field.
        return redirect(url_for("staff.statistics", **request.args.to_dict()), code=303)
    name = f"kep-statistics-{numbers.first.isoformat()}-{numbers.last.isoformat()}.csv"
    # The byte order mark tells Excel the file is UTF-8, so that Greek shows as Greek.
    body = "\ufeff" + csv_text(numbers)
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })
