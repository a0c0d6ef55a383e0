"""A citizen route believes the citizen only on the frontend's signed assertion (X-Citizen-Assertion)."""

from __future__ import annotations

import time

import pytest

from sandbox.scheduling import Settings
from tests.sandbox.conftest import FRONTEND, MARIA, assertion_for, athens


@pytest.fixture
def reference(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0))
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"])
    assert booking.status_code == 201, booking.json
    return booking.json["reference"]


def read(api, reference, **headers):
    return api.client.get(f"/v1/bookings/{reference}", headers={"Authorization": f"Bearer {FRONTEND}", **headers})


def test_a_valid_assertion_reads_the_citizens_booking(api, reference):
    answer = read(api, reference, **{"X-Citizen-Assertion": assertion_for(MARIA)})
    assert answer.status_code == 200 and answer.json["reference"] == reference


def test_the_bearer_token_with_a_raw_tax_id_header_no_longer_reads_a_booking(api, reference):
    for headers in ({"X-Citizen-Tax-Id": MARIA}, {}):
        answer = read(api, reference, **headers)
        assert answer.status_code == 401 and answer.json["code"] == "unauthorized"


@pytest.mark.parametrize("assertion", [
    pytest.param(lambda: assertion_for(MARIA, key="another-key-of-somebody-else-entirely-0123"), id="other key"),
    pytest.param(lambda: assertion_for(MARIA, aud="another-api"), id="other audience"),
    pytest.param(lambda: assertion_for(MARIA, iss="somebody"), id="other issuer"),
    pytest.param(lambda: assertion_for(MARIA, iat=int(time.time()) - 120, exp=int(time.time()) - 30), id="expired"),
    pytest.param(lambda: assertion_for(MARIA, iat=int(time.time()) + 60, exp=int(time.time()) + 90), id="future iat"),
    pytest.param(lambda: assertion_for(MARIA, exp=int(time.time()) + 3600), id="too long-lived"),
    pytest.param(lambda: assertion_for("123456789"), id="invalid tax id"),
    pytest.param(lambda: assertion_for(MARIA).rsplit(".", 1)[0] + ".", id="unsigned"),
    pytest.param(lambda: "not-a-jwt", id="garbage"),
])
def test_an_assertion_that_does_not_prove_the_citizen_is_refused(api, reference, assertion):
    answer = read(api, reference, **{"X-Citizen-Assertion": assertion()})
    assert answer.status_code == 401 and answer.json["code"] == "unauthorized"


def test_a_few_seconds_of_clock_difference_are_tolerated(api, reference):
    now = int(time.time())
    answer = read(api, reference, **{"X-Citizen-Assertion": assertion_for(MARIA, iat=now + 3, exp=now - 2 + 60)})
    assert answer.status_code == 200


def test_the_key_is_read_from_the_environment_and_required_in_production(monkeypatch):
    monkeypatch.setenv("KEPWEB_SANDBOX_AUDIT_KEY", "a-real-audit-key-of-the-deployment")
    monkeypatch.setenv("KEPWEB_ENV", "production")
    with pytest.raises(ValueError, match="KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY"):
        Settings.from_environment()
    monkeypatch.setenv("KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY", "short")
    with pytest.raises(ValueError, match="at least"):
        Settings.from_environment()
    monkeypatch.setenv("KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY", "k" * 40)
    assert Settings.from_environment().citizen_assertion_key == "k" * 40
