"""Errors mapped in one place, each to a page in the citizen's language.

A scheduling API that is down, slow or talking nonsense becomes the "service
unavailable" page (503) with a way to try again, whatever view was running.
"""

from __future__ import annotations

import logging

from flask import request
from flask_wtf.csrf import CSRFError

from kepweb import refusals
from kepweb.htmx import render_page
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


def refused_elsewhere(problem):
    """A refusal in a view outside the wizard and my appointments (which map their own): the fallback."""
    return refusals.unforeseen(refusals.current_action(default="other"), problem, back_url="/")


def csrf_failed(_error):
    # Usually a form left open past the session lifetime: say so, offer a way back.
    return render_page("errors/csrf.html", status=400)


def init_app(app):
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)
    app.register_error_handler(SchedulingUnavailable, service_unavailable)
    # Somebody else's booking and no booking look the same: "page not found".
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(SchedulingProblem, refused_elsewhere)
    app.register_error_handler(CSRFError, csrf_failed)
