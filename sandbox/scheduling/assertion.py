"""The citizen a request acts for, believed only on proof: the frontend signs a short-lived JWT of the
citizen (`X-Citizen-Assertion`, HS256 with the key it shares with this service) and every citizen
route verifies it. The bearer token alone identifies the frontend, never a citizen."""

from __future__ import annotations

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from sandbox.scheduling.validation import citizen_tax_id

HEADER = "X-Citizen-Assertion"
AUDIENCE = "mykeplive-scheduling-api"
ISSUER = "kepweb"
ALGORITHM = "HS256"
LEEWAY_SECONDS = 5  # for clocks a little apart
MAX_LIFETIME_SECONDS = 120  # an assertion meant to live longer is refused, whatever its signature

_CLAIMS = jwt.JWTClaimsRegistry(
    leeway=LEEWAY_SECONDS,
    iss={"essential": True, "value": ISSUER},
    aud={"essential": True, "value": AUDIENCE},
    sub={"essential": True},
    exp={"essential": True},
    iat={"essential": True},
    jti={"essential": True},
)


def assertion_key(secret: str) -> OctKey:
    return OctKey.import_key(secret)


def verified_citizen(token: str | None, key: OctKey) -> str | None:
    """The ΑΦΜ the assertion vouches for: signature, audience, issuer, expiry (with a few seconds of leeway)
    and an issue time not in the future checked, against real time (not the service's business clock).
    None for anything else."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM]).claims
        _CLAIMS.validate(claims)
    except (JoseError, ValueError, TypeError):
        return None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS or not isinstance(claims["sub"], str):
        return None
    return citizen_tax_id(claims["sub"])
