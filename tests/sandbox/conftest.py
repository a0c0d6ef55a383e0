"""The reference scheduling service with a clock the tests control."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta, timezone

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from sandbox.scheduling import Settings, create_app
from sandbox.scheduling.settings import SANDBOX_CITIZEN_ASSERTION_KEY

FRONTEND = "frontend-token"
ADMIN = "admin-token"
# Valid ΑΦΜ numbers (check digit right), one per citizen in the tests.
MARIA, NIKOS, ELENI = "094014201", "090000045", "998877666"


def assertion_for(citizen, key=SANDBOX_CITIZEN_ASSERTION_KEY, typ="citizen+jwt", **claims) -> str:
    """What the frontend sends for `citizen` (X-Citizen-Assertion), signed with `key`; `claims` override."""
    now = int(time.time())
    claims = {"iss": "kepweb", "aud": "mykeplive-scheduling-api", "sub": citizen, "iat": now, "exp": now + 60,
              "jti": secrets.token_urlsafe(12), **claims}
    return jwt.encode({"alg": "HS256", "typ": typ}, claims, OctKey.import_key(key))


def staff_assertion_for(subject, key=SANDBOX_CITIZEN_ASSERTION_KEY, **claims) -> str:
    """What the frontend sends for a staff member (X-Staff-Assertion): the same JWT, typed `staff+jwt`."""
    return assertion_for(subject, key, typ="staff+jwt", **claims)


def citizen_headers(citizen, token=FRONTEND) -> dict:
    return {"Authorization": f"Bearer {token}", "X-Citizen-Assertion": assertion_for(citizen)}


def staff_headers(subject, token=FRONTEND) -> dict:
    return {"Authorization": f"Bearer {token}", "X-Staff-Assertion": staff_assertion_for(subject)}


class Clock:
    """Monday 30 November 2026, 08:00 in Athens, unless a test moves it."""

    def __init__(self):
        self.now = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


class Api:
    """The service's test client, with the frontend's headers already on."""

    def __init__(self, client):
        self.client = client

    def _headers(self, citizen, admin=False, extra=None):
        headers = {"Authorization": f"Bearer {ADMIN if admin else FRONTEND}"}
        if citizen:
            headers["X-Citizen-Assertion"] = assertion_for(citizen)
        return {**headers, **(extra or {})}

    def get(self, path, citizen=MARIA, admin=False, **kwargs):
        return self.client.get(f"/v1{path}", headers=self._headers(citizen, admin), **kwargs)

    def post(self, path, json=None, citizen=MARIA, admin=False, headers=None):
        return self.client.post(f"/v1{path}", json=json, headers=self._headers(citizen, admin, headers))

    def put(self, path, json=None, admin=True):
        return self.client.put(f"/v1{path}", json=json, headers=self._headers(None, admin))

    def patch(self, path, json=None, citizen=MARIA):
        return self.client.patch(f"/v1{path}", json=json, headers=self._headers(citizen))

    def delete(self, path, citizen=MARIA, admin=False):
        return self.client.delete(f"/v1{path}", headers=self._headers(citizen, admin))

    # -- the steps of a booking -----------------------------------------------------

    def hold(self, start, kep="kep-megisti-1", category="information", procedure="maternity-benefit",
             needs=(), citizen=MARIA, **extra):
        body = {"category": category, "procedure": procedure, "kep_id": kep,
                "start": start if isinstance(start, str) else at(start), "needs": list(needs), **extra}
        return self.post("/holds", body, citizen=citizen)

    def book(self, hold_id, citizen=MARIA, key=None, **answers):
        body = booking_answers(hold_id, **answers)
        return self.post("/bookings", body, citizen=citizen, headers={"Idempotency-Key": key} if key else None)


def at(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def athens(year, month, day, hour, minute=0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Athens"))


def booking_answers(hold_id, **overrides) -> dict:
    answers = {
        "hold_id": hold_id,
        "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "691 234 5678",
                    "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "identity_card",
        "needs": [],
        "contact_preference": "email",
        "delivery": {"method": "email"},
        "language": "el",
    }
    answers.update(overrides)
    return answers


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def settings(tmp_path, clock):
    return Settings(database=tmp_path / "scheduling.sqlite3", frontend_token=FRONTEND, admin_token=ADMIN,
                    background_loops=False, clock=clock, smtp_port=9)


@pytest.fixture
def service(settings):
    return create_app(settings)


@pytest.fixture
def api(service):
    return Api(service.test_client())
