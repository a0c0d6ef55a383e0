"""Configuration from environment variables.

Every setting has a `KEPWEB_` environment variable (listed in the README).
With none set, the app expects the embedded sandbox stand-ins that `app.py`
starts beside it. With `KEPWEB_ENV=production` it refuses to start unless the
secret key and every external URL are given, because a silent fallback to the
sandbox in production would be far worse than a failed start.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from kepweb.scheduling.resilience import DEFAULT_QUEUE_SECONDS, DEFAULT_SERVER_THREADS, default_concurrency


class ConfigError(RuntimeError):
    """The environment does not describe a runnable service."""


SUPPORTED_LOCALES = ("el", "en")

# The settings a production deployment must give explicitly.
REQUIRED_IN_PRODUCTION = (
    "KEPWEB_SECRET_KEY",
    "KEPWEB_SCHEDULING_API_URL",
    "KEPWEB_SCHEDULING_API_TOKEN",
    # Signs the assertions of the citizen the API believes (HS256, shared with the API), never the sandbox's.
    "KEPWEB_CITIZEN_ASSERTION_KEY",
    "KEPWEB_GSIS_CLIENT_ID",
    "KEPWEB_GSIS_CLIENT_SECRET",
    "KEPWEB_GSIS_AUTHORIZE_URL",
    "KEPWEB_GSIS_TOKEN_URL",
    "KEPWEB_GSIS_USERINFO_URL",
    "KEPWEB_GSIS_LOGOUT_URL",
    "KEPWEB_SMTP_HOST",
    # The KEP staff's own sign-in (OpenID Connect for public servants), never the sandbox's.
    "KEPWEB_STAFF_OIDC_ISSUER",
    "KEPWEB_STAFF_OIDC_CLIENT_ID",
    "KEPWEB_STAFF_OIDC_CLIENT_SECRET",
    # The privacy notice names them: a live service must give the real ones, never the sandbox's.
    "KEPWEB_DPO_EMAIL",
    "KEPWEB_DPO_POSTAL_ADDRESS",
)


def _whole_number(env, name, default, *, least=1, unit=""):
    """A whole number setting of at least `least` (`unit`, e.g. " of minutes", only for the message)."""
    raw = env.get(name, str(default))
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number{unit}, not {raw!r}.") from error
    if value < least:
        raise ConfigError(f"{name} must be {'0 or more' if least == 0 else f'more than {least - 1}'}.")
    return value


def _minutes(env, name, default):
    return _whole_number(env, name, default, unit=" of minutes")


def _count(env, name, default, least=1):
    return _whole_number(env, name, default, least=least)


def _seconds(env, name, default):
    raw = env.get(name, str(default))
    try:
        value = float(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}.") from error
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0 seconds.")
    return value


LOG_FORMATS = ("json", "text")


def log_format(env=None) -> str:
    """KEPWEB_LOG_FORMAT: `json` (one JSON object per line, for a log collector; the default in production)
    or `text` (a line a person reads; the default on a laptop)."""
    env = os.environ if env is None else env
    production = env.get("KEPWEB_ENV", "development") == "production"
    chosen = env.get("KEPWEB_LOG_FORMAT") or ("json" if production else "text")
    if chosen not in LOG_FORMATS:
        raise ConfigError(f"KEPWEB_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}.")
    return chosen


def from_environment(env=None) -> dict:
    """Build the Flask config mapping from `env` (default: os.environ)."""
    env = os.environ if env is None else env
    production = env.get("KEPWEB_ENV", "development") == "production"
    if production:
        missing = [name for name in REQUIRED_IN_PRODUCTION if not env.get(name)]
        if missing:
            raise ConfigError(
                "KEPWEB_ENV=production needs these environment variables, which are not set: "
                + ", ".join(missing)
                + ". See the configuration table in README.md."
            )

    if env.get("KEPWEB_CITIZEN_ASSERTION_KEY") and len(env["KEPWEB_CITIZEN_ASSERTION_KEY"]) < 32:
        raise ConfigError("KEPWEB_CITIZEN_ASSERTION_KEY must be at least 32 characters.")

    default_locale = env.get("KEPWEB_DEFAULT_LOCALE", "el")
    if default_locale not in SUPPORTED_LOCALES:
        raise ConfigError(f"KEPWEB_DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}.")

    session_minutes = _minutes(env, "KEPWEB_SESSION_MINUTES", 30)
    return {
        "KEPWEB_PRODUCTION": production,
        # Without a configured key every start gets a fresh random one: sessions
        # then end at a restart, which is right for a laptop and never used in
        # production (refused above).
        "SECRET_KEY": env.get("KEPWEB_SECRET_KEY") or secrets.token_hex(32),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=session_minutes),
        # Three 5 MB documents and the form around them; anything larger is refused unread.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "__Host-kepweb" if production else "kepweb_session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # For a proxy that ends TLS and says nothing of it; a proxy that sends X-Forwarded-Proto is
        # named by KEPWEB_TRUSTED_PROXIES instead, which keeps the redirect and earns HSTS.
        "KEPWEB_FORCE_HTTPS": production and env.get("KEPWEB_FORCE_HTTPS", "1") != "0",
        # How many proxies are in front (1 behind nginx): only their X-Forwarded-* headers are believed
        # (kepweb/proxy.py); 0, the default, believes none, since anyone can send them.
        "TRUSTED_PROXIES": _count(env, "KEPWEB_TRUSTED_PROXIES", 0, least=0),
        # How log lines are written (kepweb/logs.py): JSON lines in production, text on a laptop.
        "LOG_FORMAT": log_format(env),
        # The store every instance shares (kepweb/shared_store.py): sessions, wizard answers, uploads and,
        # unless RATELIMIT_STORAGE_URI names another, the fair-use counters. Empty: files and process memory,
        # for one process on a laptop (refused in production).
        "REDIS_URL": env.get("KEPWEB_REDIS_URL", ""),
        # Where the fair-use counters live (kepweb/limits.py); empty: KEPWEB_REDIS_URL, or memory:// without it.
        "RATELIMIT_STORAGE_URI": env.get("KEPWEB_RATELIMIT_STORAGE_URI", ""),
        "BABEL_DEFAULT_LOCALE": default_locale,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Athens",
        "SCHEDULING_API_URL": env.get("KEPWEB_SCHEDULING_API_URL", ""),
        "SCHEDULING_API_TOKEN": env.get("KEPWEB_SCHEDULING_API_TOKEN", ""),
        # The key shared with the API that signs each request's assertion of its citizen (X-Citizen-Assertion);
        # empty: the sandbox's public key (kepweb/scheduling/assertion.py), for a laptop only.
        "CITIZEN_ASSERTION_KEY": env.get("KEPWEB_CITIZEN_ASSERTION_KEY", ""),
        "SCHEDULING_API_TIMEOUT": _seconds(env, "KEPWEB_SCHEDULING_API_TIMEOUT", 8),
        # All the API calls of one citizen request, retries included, end within this: well inside
        # a proxy's 30-60 s, so that a hung API gives the "service unavailable" page, not a gateway timeout.
        "SCHEDULING_API_DEADLINE": _seconds(env, "KEPWEB_SCHEDULING_API_DEADLINE", 10),
        # After this many failures in a row (timeouts, no connection, 5xx), the API is not called for
        # BREAKER_SECONDS: citizens get the "service unavailable" page at once; then one call tries again.
        "SCHEDULING_API_BREAKER_FAILURES": _count(env, "KEPWEB_SCHEDULING_API_BREAKER_FAILURES", 5),
        "SCHEDULING_API_BREAKER_SECONDS": _seconds(env, "KEPWEB_SCHEDULING_API_BREAKER_SECONDS", 30),
        # At most this many API calls in flight at once in one process (the bulkhead): while the API hangs,
        # the other threads stay free for pages that need none. Unless told, three quarters of the server's
        # threads (gunicorn's KEPWEB_THREADS; app.py's waitress has 8, the same default).
        "SCHEDULING_API_CONCURRENCY": _count(env, "KEPWEB_SCHEDULING_API_CONCURRENCY", default_concurrency(
            _count(env, "KEPWEB_THREADS", DEFAULT_SERVER_THREADS))),
        # How long a call waits for a free slot (never longer than what is left of the deadline) before the
        # citizen gets the "service unavailable" page.
        "SCHEDULING_API_QUEUE_SECONDS": _seconds(env, "KEPWEB_SCHEDULING_API_QUEUE_SECONDS", DEFAULT_QUEUE_SECONDS),
        "GSIS_CLIENT_ID": env.get("KEPWEB_GSIS_CLIENT_ID", ""),
        "GSIS_CLIENT_SECRET": env.get("KEPWEB_GSIS_CLIENT_SECRET", ""),
        "GSIS_AUTHORIZE_URL": env.get("KEPWEB_GSIS_AUTHORIZE_URL", ""),
        "GSIS_TOKEN_URL": env.get("KEPWEB_GSIS_TOKEN_URL", ""),
        "GSIS_USERINFO_URL": env.get("KEPWEB_GSIS_USERINFO_URL", ""),
        "GSIS_LOGOUT_URL": env.get("KEPWEB_GSIS_LOGOUT_URL", ""),
        # GSIS asks for "read"; some clients send an empty scope.
        "GSIS_SCOPE": env.get("KEPWEB_GSIS_SCOPE", "read"),
        # GSIS does not document PKCE: off unless the provider is known to support it.
        "GSIS_PKCE": env.get("KEPWEB_GSIS_PKCE", "0") == "1",
        "GSIS_TIMEOUT": _seconds(env, "KEPWEB_GSIS_TIMEOUT", 8),
        # The KEP staff's sign-in, OpenID Connect: the issuer's discovery document names every endpoint.
        "STAFF_OIDC_ISSUER": env.get("KEPWEB_STAFF_OIDC_ISSUER", "").rstrip("/"),
        "STAFF_OIDC_CLIENT_ID": env.get("KEPWEB_STAFF_OIDC_CLIENT_ID", ""),
        "STAFF_OIDC_CLIENT_SECRET": env.get("KEPWEB_STAFF_OIDC_CLIENT_SECRET", ""),
        "STAFF_OIDC_TIMEOUT": _seconds(env, "KEPWEB_STAFF_OIDC_TIMEOUT", 8),
        # The call servers (Janus, WebSocket addresses) a call page may connect to, space-separated
        # origins such as `wss://call1.mykeplive.example`: the API names the one of each room, and a
        # page connects only if it is listed here (the page's Content-Security-Policy says the same).
        "CALL_SERVER_ORIGINS": tuple(env.get("KEPWEB_CALL_SERVER_ORIGINS", "").split()),
        # Where the call page's two scripts from Debian's packages are (libjs-janus-gateway, libjs-webrtc-adapter).
        "CALL_SCRIPTS_DIR": env.get("KEPWEB_CALL_SCRIPTS_DIR", "/usr/share/javascript"),
        # Server-side sessions: the cookie holds only a random id.
        "SESSION_DIRECTORY": env.get("KEPWEB_SESSION_DIRECTORY", ".sandbox/sessions"),
        "SMTP_HOST": env.get("KEPWEB_SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(env.get("KEPWEB_SMTP_PORT", "8025")),
        "SMTP_TIMEOUT": _seconds(env, "KEPWEB_SMTP_TIMEOUT", 8),
        "MAIL_SENDER": env.get("KEPWEB_MAIL_SENDER", "myKEPlive <no-reply@mykeplive.example>"),
        "ACCESSIBILITY_FEEDBACK_TO": env.get(
            "KEPWEB_ACCESSIBILITY_FEEDBACK_TO", "accessibility@mykeplive.example"
        ),
        # Where people who do not use the phone write to us (shown wherever we say "contact us").
        "SUPPORT_EMAIL": env.get("KEPWEB_SUPPORT_EMAIL", "help@mykeplive.example"),
        # The controller's data protection officer, for the privacy notice (GDPR art. 13(1)(b)).
        "DPO_EMAIL": env.get("KEPWEB_DPO_EMAIL", "dpo@mykeplive.example"),
        "DPO_POSTAL_ADDRESS": env.get(
            "KEPWEB_DPO_POSTAL_ADDRESS",
            "Υπεύθυνος Προστασίας Δεδομένων, Υπουργείο Ψηφιακής Διακυβέρνησης, Φραγκούδη 11 & Αλ. Πάντου, "
            "101 63 Καλλιθέα"),
    }
