"""kepweb: the citizen frontend of myKEPlive."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kepweb import (
    auth,
    caching,
    compression,
    errors,
    health,
    htmx,
    i18n,
    limits,
    logs,
    proxy,
    request_ids,
    scheduling,
    security,
    shared_store,
    staff,
    static_files,
)
from kepweb import config as config_module
from kepweb.appointments import appointments
from kepweb.booking import booking
from kepweb.call import call
from kepweb.guests import guests
from kepweb.pages import pages
from kepweb.profile import profile

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory: config, extensions, blueprints, error handlers, in that order."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config_module.from_environment())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    app.config.update(overrides or {})
    if not app.config["SCHEDULING_API_URL"]:
        raise config_module.ConfigError(
            "No scheduling API: set KEPWEB_SCHEDULING_API_URL, or start the embedded default "
            "with `python app.py`, which runs the sandbox API beside the frontend."
        )

    # Log lines in the configured format, unless the server already set logging up (kepweb/logs.py).
    logs.configure_logging(app.config["LOG_FORMAT"])
    request_ids.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    htmx.init_app(app)
    scheduling.init_app(app)
    shared_store.init_app(app)
    auth.init_app(app)
    limits.init_app(app)
    compression.init_app(app)
    caching.init_app(app)
    app.register_blueprint(pages)
    app.register_blueprint(appointments)
    app.register_blueprint(booking)
    app.register_blueprint(guests)
    app.register_blueprint(profile)
    app.register_blueprint(call)
    staff.init_app(app)
    health.init_app(app)
    errors.init_app(app)
    static_files.init_app(app, PROJECT_ROOT / "static")
    # Around the app itself, not in app.py, so that every server that runs it (waitress, gunicorn) and the
    # tests' client get the same rule for what a proxy may claim.
    app.wsgi_app = proxy.trust_proxies(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    return app
