"""The wizard's answers, kept on the server for the signed-in citizen.

One `WizardState` per request (`current()`), loaded once and changed only
through its methods, each of which saves at once: so no view holds a stale
copy, and a change always forgets what it made meaningless (`steps.DEPENDENTS`).

Keyed by a hash of the citizen's ΑΦΜ, not by the session, so the answers
survive Back, reload and signing in again, for as long as a session may last
since the last change. Never in the cookie. Files are not in here: the answers
hold references to the upload store (`kepweb.booking.documents`), and once booked,
only the names and digests of the files chosen (to tell which reached the KEP).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app, g

from kepweb.auth import current_citizen
from kepweb.booking import steps
from kepweb.scheduling import clients

PREFIX = "wizard:"


def store():
    return current_app.config["SESSION_CACHELIB"]


def citizen_key(prefix: str) -> str:
    # A keyed hash: the store's keys reveal no ΑΦΜ.
    secret = current_app.config["SECRET_KEY"].encode()
    return prefix + hmac.new(secret, current_citizen().tax_id.encode(), hashlib.sha256).hexdigest()


def lifetime() -> int:
    return int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())


class WizardState:
    """The answers of one citizen's booking in progress (or the reference just booked)."""

    def __init__(self, answers: dict, category_of: Callable[[str], object | None], save: Callable[[dict], None]):
        self._answers = answers
        self._category_of = category_of
        self._save = save

    # -- reading -----------------------------------------------------------------------

    def get(self, name, default=None):
        return self._answers.get(name, default)

    def __contains__(self, name) -> bool:
        return name in self._answers

    def __bool__(self) -> bool:
        return bool(self._answers)

    @property
    def answers(self) -> dict:
        """A copy, for reading: change answers through the methods below."""
        return dict(self._answers)

    @property
    def category(self):
        """The chosen category as the API describes it (its rules), or None."""
        chosen = self._answers.get("category")
        return self._category_of(chosen) if chosen else None

    @property
    def hold(self) -> dict | None:
        return self._answers.get("hold")

    @property
    def booked(self) -> str | None:
        return self._answers.get("booked")

    @property
    def booked_files(self) -> list[dict]:
        """The supporting documents chosen for the booking just made: names and digests, no content."""
        return self._answers.get("booked_files") or []

    # -- changing ----------------------------------------------------------------------

    def answer(self, name: str, value) -> dict:
        """Store an answer; forget what it makes meaningless. Returns what was forgotten."""
        old = self._answers.get(name)
        self._answers.pop("booked", None)  # a new answer starts a new booking
        self._answers.pop("booked_files", None)
        self._answers[name] = value
        forgotten = steps.invalidate_after(self, name, old)
        self._save(self._answers)
        return forgotten

    def keep(self, name: str, value) -> None:
        """Store what the wizard itself keeps (a hold, a submission key): nothing depends on it."""
        self._answers[name] = value
        self._save(self._answers)

    def forget(self, *names) -> dict:
        forgotten = {name: self._answers.pop(name) for name in names if name in self._answers}
        self._save(self._answers)
        return forgotten

    def pop_raw(self, name):
        """For `steps.invalidate_after` only: remove without saving (the caller saves)."""
        return self._answers.pop(name, None)

    def finish(self, reference: str, files: list[dict] = ()) -> None:
        """Booked: the answers are done with; remember only what was booked, and the
        name and digest of each supporting document chosen for it."""
        self._answers.clear()
        self._answers["booked"] = reference
        self._answers["booked_files"] = [{"display_name": entry["display_name"], "digest": entry.get("digest")}
                                         for entry in files]
        self._save(self._answers)

    def clear(self) -> None:
        self._answers.clear()
        self._save(self._answers)


def current() -> WizardState:
    """The signed-in citizen's wizard, loaded once per request."""
    if "wizard" not in g:
        key = citizen_key(PREFIX)

        def save(answers):
            if answers:
                store().set(key, answers, timeout=lifetime())
            else:
                store().delete(key)

        g.wizard = WizardState(store().get(key) or {}, clients().categories.category, save)
    return g.wizard
