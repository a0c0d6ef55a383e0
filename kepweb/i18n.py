"""Greek first, English second.

The citizen's choice is kept in a cookie and wins over the browser's
Accept-Language; without a choice the browser decides, and Greek is the default.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, request
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from kepweb import clock
from kepweb.config import SUPPORTED_LOCALES
from kepweb.redirects import safe_next_url

LANGUAGE_COOKIE = "kepweb_lang"
ONE_YEAR = 365 * 24 * 3600

# Shown in the language switch in their own language, as GOV.UK and GOV.GR do.
LANGUAGE_NAMES = {"el": "Ελληνικά", "en": "English"}

GREEK_LETTERS = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")

language = Blueprint("language", __name__)
babel = Babel()


def select_locale():
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(
        SUPPORTED_LOCALES, default=current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@language.get("/language/<code>")
def switch(code):
    """Remember the language and go back to the page the citizen was on.

    A plain link (no form) so it works without JavaScript and is not a
    state-changing POST worth protecting: it only sets a preference.
    """
    target = safe_next_url(request.args.get("next"), fallback="/")
    response = redirect(target, code=303)
    if code in SUPPORTED_LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=ONE_YEAR,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


# Day-first, with the month's name, in both languages ("26 Νοεμβρίου 2026",
# "26 November 2026"); Babel's "long" English format would be American.
LONG_DATE = "d MMMM y"


def long_date(value) -> str:
    return format_date(value, LONG_DATE)


# Every time a citizen reads is Greek time: the KEPs are in Greece.
ATHENS = ZoneInfo("Europe/Athens")


def today_in_athens() -> date:
    return clock.now().astimezone(ATHENS).date()


def parse_day(raw, default):
    """A day from a query string (2026-12-01); anything else is the default."""
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def slot_label(start: datetime, end: datetime) -> str:
    """A full sentence, never "09:30" alone: "Τρίτη 1 Δεκεμβρίου, 09:30 έως 09:50"."""
    return _("%(day)s, %(start)s to %(end)s", day=format_datetime(start, "EEEE d MMMM"),
             start=format_datetime(start, "HH:mm"), end=format_datetime(end, "HH:mm"))


def current_language() -> str:
    return str(get_locale())


def other_languages():
    here = current_language()
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES if code != here]


def in_greek(value) -> Markup:
    """Greek words (a name, an address, a place typed by the citizen) on an English page, marked so a
    screen reader reads them with a Greek voice, not letter by letter with an English one. On a Greek
    page, or with no Greek letter in them, they are left as they are."""
    text = "" if value is None else str(value)
    if current_language() == "el" or not GREEK_LETTERS.search(text):
        return escape(text)
    return Markup('<span lang="el">%s</span>') % text


def init_app(app):
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.config["BABEL_TRANSLATION_DIRECTORIES"]),
    )
    app.register_blueprint(language)
    app.jinja_env.globals.update(
        current_language=current_language,
        other_languages=other_languages,
        format_datetime=format_datetime,
        format_date=format_date,
        long_date=long_date,
        slot_label=slot_label,
    )
    app.jinja_env.filters["in_greek"] = in_greek
