"""The needs profile: a citizen's communication needs kept between bookings, only
their own, checked like a booking's, deletable, and every look and change logged."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import MARIA, NIKOS
from tests.sandbox.test_contract_fuzz import Contract, mounted

COMPANION = {"name": "Νίκος Παπαδόπουλος", "email": "nikos@example.com"}


def put(api, body, citizen=MARIA):
    headers = api._headers(citizen)
    return api.client.put("/v1/needs-profile", json=body, headers=headers)


def test_a_citizen_without_a_profile_gets_not_found(api):
    response = api.get("/needs-profile")
    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_a_profile_is_kept_and_shown_back(api, clock):
    kept = put(api, {"needs": ["third_person", "sign_language"], "third_person": COMPANION,
                     "other_needs": "  Μιλήστε   αργά "})
    assert kept.status_code == 200
    assert kept.json == {"needs": ["sign_language", "third_person"], "third_person": COMPANION,
                         "other_needs": "Μιλήστε αργά", "updated": "2026-11-30T06:00:00Z"}
    assert api.get("/needs-profile").json == kept.json


def test_a_new_profile_replaces_the_old_one(api, clock):
    put(api, {"needs": ["third_person"], "third_person": COMPANION})
    clock.advance(days=1)
    replaced = put(api, {"needs": ["text_chat"], "third_person": COMPANION})
    assert replaced.json == {"needs": ["text_chat"], "third_person": None, "other_needs": "",
                             "updated": "2026-12-01T06:00:00Z"}
    assert api.get("/needs-profile").json == replaced.json


def test_each_citizen_sees_only_their_own(api):
    put(api, {"needs": ["lip_reading"]})
    assert api.get("/needs-profile", citizen=NIKOS).status_code == 404
    assert api.delete("/needs-profile", citizen=NIKOS).status_code == 204
    assert api.get("/needs-profile").json["needs"] == ["lip_reading"]


def test_it_is_checked_as_a_booking_is(api):
    missing = put(api, {"needs": ["third_person"]})
    assert missing.status_code == 422
    assert set(missing.json["errors"]) == {"third_person.name", "third_person.email"}
    unknown = put(api, {"needs": ["telepathy"], "other_needs": "x" * 1001})
    assert set(unknown.json["errors"]) == {"needs", "other_needs"}
    assert put(api, None).status_code == 422
    assert api.get("/needs-profile").status_code == 404  # nothing was kept


def test_deleting_forgets_it_and_is_allowed_twice(api):
    put(api, {"needs": ["sign_language"]})
    assert api.delete("/needs-profile").status_code == 204
    assert api.get("/needs-profile").status_code == 404
    assert api.delete("/needs-profile").status_code == 204


def test_without_the_citizen_nothing_answers(api):
    assert api.get("/needs-profile", citizen=None).status_code == 401
    assert put(api, {"needs": []}, citizen="123456789").status_code == 401


def test_every_look_and_change_is_in_the_access_log(api):
    put(api, {"needs": ["text_chat"]})
    api.get("/needs-profile")
    api.delete("/needs-profile")
    entries = api.get("/admin/access-log", admin=True).json["entries"]
    assert [e["action"] for e in entries] == ["needs_profile.delete", "needs_profile.view", "needs_profile.update"]
    assert {e["booking_reference"] for e in entries} == {None}
    assert MARIA not in str(entries)


@pytest.fixture
def contract(service):
    return Contract(mounted(service))


def test_the_profile_keeps_the_contract(contract):
    contract("GET", "/needs-profile", status=404)
    contract("PUT", "/needs-profile", body={"needs": ["third_person"], "third_person": COMPANION}, status=200)
    contract("PUT", "/needs-profile", body={"needs": []}, status=200)
    contract("PUT", "/needs-profile", body={"needs": ["third_person"]}, status=422)
    contract("GET", "/needs-profile", status=200)
    contract("DELETE", "/needs-profile", status=204)
    contract("GET", "/needs-profile", citizen=None, status=401)
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert {"needs_profile.view", "needs_profile.update", "needs_profile.delete"} <= {e["action"] for e in log}
