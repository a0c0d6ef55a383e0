"""The frontend's proof of the person a request acts for: a short-lived JWT (HS256) signed with the key it
shares with the scheduling API (KEPWEB_CITIZEN_ASSERTION_KEY).

Two kinds, told apart by the JWT's explicit type (`typ`, RFC 8725 section 3.11), which the API checks:
* a citizen, `X-Citizen-Assertion`, `typ` `citizen+jwt`, `sub` the ΑΦΜ;
* a member of the KEP staff, `X-Staff-Assertion`, `typ` `staff+jwt`, `sub` the subject their sign-in gave.
So one kind can never be passed off as the other, although one key signs both: the same two parties hold
it, so a second key would add a setting without separating anybody. The ΑΦΜ travels only inside the
assertion, never in a header of its own that proxies log in clear."""

from __future__ import annotations

import secrets
import time

from joserfc import jwt
from joserfc.jwk import OctKey

HEADER = "X-Citizen-Assertion"
STAFF_HEADER = "X-Staff-Assertion"
CITIZEN_TYPE = "citizen+jwt"
STAFF_TYPE = "staff+jwt"
AUDIENCE = "mykeplive-scheduling-api"
ISSUER = "kepweb"
LIFETIME_SECONDS = 60
# The sandbox's key, public: good for a laptop only (KEPWEB_CITIZEN_ASSERTION_KEY is required in production).
SANDBOX_KEY = "sandbox-citizen-assertion-key-not-for-production"


def signing_key(secret: str) -> OctKey:
    return OctKey.import_key(secret)


def _assertion(key: OctKey, kind: str, subject: str, now: float | None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": issued, "exp": issued + LIFETIME_SECONDS,
              "jti": secrets.token_urlsafe(16)}
    return jwt.encode({"alg": "HS256", "typ": kind}, claims, key)


def citizen_assertion(key: OctKey, tax_id: str, now: float | None = None) -> str:
    return _assertion(key, CITIZEN_TYPE, tax_id, now)


def staff_assertion(key: OctKey, subject: str, now: float | None = None) -> str:
    return _assertion(key, STAFF_TYPE, subject, now)
