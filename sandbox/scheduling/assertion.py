"""Who a request acts for, believed only on proof: the frontend signs a short-lived JWT of the person (HS256
with the key it shares with this service) and every citizen or staff route verifies it. The bearer token
alone identifies the frontend, never a citizen nor a member of the KEP staff.

Two kinds, told apart by the JWT's explicit type (`typ`, RFC 8725 section 3.11): `citizen+jwt` in
`X-Citizen-Assertion` (`sub` the ΑΦΜ), `staff+jwt` in `X-Staff-Assertion` (`sub` the staff sign-in's
subject). One key signs both, so the type is what keeps a citizen's assertion from acting as staff and
the reverse: each is refused in the other's place."""

from __future__ import annotations

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from sandbox.scheduling.validation import citizen_tax_id

HEADER = "X-Citizen-Assertion"
STAFF_HEADER = "X-Staff-Assertion"
CITIZEN_TYPE = "citizen+jwt"
STAFF_TYPE = "staff+jwt"
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


def verified_subject(token: str | None, key: OctKey, kind: str) -> str | None:
    """The `sub` an assertion of `kind` (its `typ`) vouches for: type, signature, audience, issuer, expiry
    (with a few seconds of leeway) and an issue time not in the future checked, against real time (not the
    service's business clock). None for anything else."""
    if not token:
        return None
    try:
        decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        _CLAIMS.validate(decoded.claims)
    except (JoseError, ValueError, TypeError):
        return None
    claims = decoded.claims
    if decoded.header.get("typ") != kind:
        return None
    if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS or not isinstance(claims["sub"], str):
        return None
    return claims["sub"]


def verified_citizen(token: str | None, key: OctKey) -> str | None:
    """The ΑΦΜ a citizen's assertion vouches for (a valid one: 9 digits, check digit right), or None."""
    subject = verified_subject(token, key, CITIZEN_TYPE)
    return citizen_tax_id(subject) if subject is not None else None


def verified_staff(token: str | None, key: OctKey) -> str | None:
    """The subject a staff assertion vouches for, or None (sandbox/scheduling/staff.py checks its form)."""
    return verified_subject(token, key, STAFF_TYPE)
