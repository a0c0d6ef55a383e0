"""The frontend's proof of the citizen a request acts for: a short-lived JWT (HS256) signed with the key it
shares with the scheduling API (KEPWEB_CITIZEN_ASSERTION_KEY), sent as `X-Citizen-Assertion`. The ΑΦΜ
travels only inside it, never in a header of its own that proxies log in clear."""

from __future__ import annotations

import secrets
import time

from joserfc import jwt
from joserfc.jwk import OctKey

HEADER = "X-Citizen-Assertion"
AUDIENCE = "mykeplive-scheduling-api"
ISSUER = "kepweb"
LIFETIME_SECONDS = 60
# The sandbox's key, public: good for a laptop only (KEPWEB_CITIZEN_ASSERTION_KEY is required in production).
SANDBOX_KEY = "sandbox-citizen-assertion-key-not-for-production"


def signing_key(secret: str) -> OctKey:
    return OctKey.import_key(secret)


def citizen_assertion(key: OctKey, tax_id: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": tax_id, "iat": issued, "exp": issued + LIFETIME_SECONDS,
              "jti": secrets.token_urlsafe(16)}
    return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, key)
