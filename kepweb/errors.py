"""Errors mapped in one place, each to a page in the citizen's language.

A scheduling API that is down, slow or talking nonsense becomes the "service
unavailable" page (503) with a way to try again, whatever view was running.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime, timedelta

from flask import current_app, request
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as NoSuchPage

from kepweb import limits, refusals
from kepweb.htmx import render_page
from kepweb.i18n import ATHENS
from kepweb.redirects import safe_next_url
from kepweb.scheduling import NotFound, SchedulingProblem, SchedulingUnavailable

log = logging.getLogger(__name__)


def not_found(_error):
    return refusals.not_found()


def server_error(_error):
    return render_page("errors/500.html", status=500)


def service_unavailable(error):
    log.warning("showing service-unavailable page: %s", error)
    # Try the same page again; after a failed form, its page (the answers given
    # before the failure are kept on the server).
    again = request.full_path.rstrip("?") if request.method == "GET" else request.path
    retry_url = safe_next_url(again, fallback="/")
    return render_page("errors/503.html", status=503, retry_url=retry_url)


def too_large(_error):
    # Werkzeug's own 413 page is bare and English. Back to the page the form was on.
    return render_page("errors/413.html", status=413, back_url=safe_next_url(request.path, fallback="/"),
                       from_appointment=request.path.startswith("/appointments/"))


def too_many_requests(_error):
    """Over a fair-use budget (kepweb/limits.py): nothing was done, nothing is lost; say when to try again."""
    now = time.time()
    seconds = limits.seconds_until_allowed(now)
    log.info("fair-use limit reached on %s; allowed again in %d s", request.endpoint, seconds)
    return_url = request.full_path.rstrip("?") if request.method == "GET" else page_of_form()
    # Only the wizard keeps what was typed on the server; a refused feedback form's text is not kept.
    response = render_page("errors/429.html", status=429, when=when_to_try_again(now, seconds),
                           retry_url=safe_next_url(return_url, fallback="/"),
                           answers_kept=request.path == "/book" or request.path.startswith("/book/"))
    response.headers["Retry-After"] = str(seconds)
    return response


def page_of_form() -> str:
    """Where a refused form was: its own address when it has a page, else the home page."""
    try:
        current_app.url_map.bind("localhost").match(request.path, method="GET")
    except (MethodNotAllowed, NoSuchPage):
        return "/"
    return request.path


def when_to_try_again(now: float, seconds: int) -> str:
    if seconds <= 60 * 60:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext("You can try again in %(num)d minute.", "You can try again in %(num)d minutes.", minutes)
    allowed = datetime.fromtimestamp(now, ATHENS) + timedelta(seconds=seconds)
    if allowed.date() == datetime.fromtimestamp(now, ATHENS).date():
        return _("You can try again after %(time)s.", time=format_datetime(allowed, "HH:mm"))
    return _("You can try again on %(day)s after %(time)s.", day=format_datetime(allowed, "d MMMM"),
             time=format_datetime(allowed, "HH:mm"))


def refused_elsewhere(problem):
    """A refusal in a view outside the wizard and my appointments (which map their own): the fallback."""
    return refusals.unforeseen(refusals.current_action(default="other"), problem, back_url="/")


def csrf_failed(_error):
    # Usually a form left open past the session lifetime: say so, offer a way back.
    return render_page("errors/csrf.html", status=400)


def init_app(app):
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, server_error)
    app.register_error_handler(SchedulingUnavailable, service_unavailable)
    # Somebody else's booking and no booking look the same: "page not found".
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(SchedulingProblem, refused_elsewhere)
    app.register_error_handler(CSRFError, csrf_failed)
