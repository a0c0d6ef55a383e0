"""Fair use without a CAPTCHA: how often a citizen, and an address, may do each thing.

Each protected action has two budgets (Flask-Limiter): the signed-in citizen's own, keyed by a keyed
hash of their ΑΦΜ (HMAC with the app's secret key: the raw ΑΦΜ never reaches the limiter's storage),
and the address's, keyed by `request.remote_addr` (which kepweb/proxy.py has already corrected behind a
trusted proxy). A citizen who is not signed in (the sign-in itself, feedback) has only the address's.
Addresses are shared (a household, a KEP's own network, a mobile operator's NAT), so the address's
budget is the larger.

The budgets are the table below; `RATELIMITS` in the app's config replaces any of its rows (the tests
use small ones). Counters live where kepweb/shared_store.py says (RATELIMIT_STORAGE_URI): `memory://` on one
process, Redis (KEPWEB_REDIS_URL) when there are several instances; production refuses memory.
Over a budget, the view is not run: the citizen gets the 429 page
(kepweb/errors.py), which says when to try again.

Only actions are limited: a GET of an ordinary page never is; a GET of a search only when it searches.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request, session
from flask_limiter import Limiter

from kepweb.auth.citizen import Citizen
from kepweb.auth.sessions import SESSION_CITIZEN

# action: (the citizen's own budget, the address's budget), in Flask-Limiter's notation.
LIMITS = {
    # The start of the sign-in with Taxisnet (before it, nobody is signed in: the address's budget counts).
    "sign_in": ("10/minute;30/hour", "30/minute;300/hour"),
    # Choosing a time holds it; a citizen may try several times that were taken meanwhile.
    "hold": ("20/minute;100/hour", "60/minute;600/hour"),
    # Every answer of the wizard, going back and forth included.
    "booking": ("60/minute;400/hour", "300/minute;3000/hour"),
    # Sending the booking itself: a person books a few times a day.
    "book": ("5/minute;20/day", "30/minute;300/hour"),
    # Changing the time of an appointment, or cancelling it.
    "change": ("10/minute;30/hour", "60/minute;300/hour"),
    # htmx searches as the citizen types: generous.
    "search": ("120/minute", "300/minute"),
    # Reporting an accessibility problem.
    "feedback": ("5/minute;20/day", "10/minute;60/hour"),
}

KINDS = ("citizen", "address")

# One limiter for the views' decorators; each app's init_app gives it that app's storage (one app per
# process in production; the tests make one app per test, each with fresh counters).
limiter = Limiter(key_func=lambda: address_key(), strategy="fixed-window")


def limit_for(action: str, kind: str) -> str:
    citizen, address = current_app.config.get("RATELIMITS", {}).get(action) or LIMITS[action]
    return citizen if kind == "citizen" else address


def signed_in_tax_id() -> str | None:
    citizen = Citizen.from_session(session.get(SESSION_CITIZEN)) if SESSION_CITIZEN in session else None
    return citizen.tax_id if citizen else None


def citizen_key() -> str:
    """The citizen's ΑΦΜ as the limiter sees it: a keyed hash, never the number itself."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(secret, f"ratelimit:{signed_in_tax_id()}".encode(), hashlib.sha256).hexdigest()
    return f"citizen:{digest[:32]}"


def address_key() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def is_search() -> bool:
    return bool(request.args.get("q", "").strip())


def protect(action: str, *, methods=("POST",), when=None):
    """Both budgets of `action` on a view, for `methods` only, and only `when` (a test of the request) says so."""
    if action not in LIMITS:
        raise KeyError(action)

    def not_applicable() -> bool:
        return when is not None and not when()

    def decorate(view):
        view = limiter.shared_limit(lambda: limit_for(action, "address"), scope=f"{action}:address",
                                    key_func=address_key, methods=list(methods), exempt_when=not_applicable)(view)
        view = limiter.shared_limit(lambda: limit_for(action, "citizen"), scope=f"{action}:citizen",
                                    key_func=citizen_key, methods=list(methods),
                                    exempt_when=lambda: not_applicable() or signed_in_tax_id() is None)(view)
        return view
    return decorate


def search(view):
    """A search view: its GET is limited when it has a query (`?q=`), not when it shows the page."""
    return protect("search", methods=("GET",), when=is_search)(view)


def init_app(app):
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "kepweb")
    # The 429 page sets Retry-After itself; no X-RateLimit headers on every answer.
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    app.extensions["kepweb_limiter"] = limiter


def seconds_until_allowed(now: float) -> int:
    """After a refusal: how long until every budget this request broke has room again (at least 1 s)."""
    broken = [limit for limit in limiter.current_limits if limit.breached]
    if not broken:
        return 60
    return max(1, max(limit.reset_at for limit in broken) - int(now))
