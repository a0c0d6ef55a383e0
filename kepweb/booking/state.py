"""The wizard's answers, kept on the server for the signed-in citizen.

Keyed by a hash of the citizen's ΑΦΜ, not by the session, so the answers
survive Back, reload and signing in again, for as long as a session may last
since the last change. Never in the cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from kepweb.auth import current_citizen

PREFIX = "wizard:"


def _store():
    return current_app.config["SESSION_CACHELIB"]


def _key() -> str:
    # A keyed hash: the store's file names reveal no ΑΦΜ.
    secret = current_app.config["SECRET_KEY"].encode()
    return PREFIX + hmac.new(secret, current_citizen().tax_id.encode(), hashlib.sha256).hexdigest()


def _lifetime() -> int:
    return int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())


def load() -> dict:
    return _store().get(_key()) or {}


def save(answers: dict) -> None:
    _store().set(_key(), answers, timeout=_lifetime())


def update(**changes) -> dict:
    answers = load()
    answers.update(changes)
    save(answers)
    return answers


def forget(*names) -> dict:
    answers = load()
    for name in names:
        answers.pop(name, None)
    save(answers)
    return answers


def clear() -> None:
    _store().delete(_key())
