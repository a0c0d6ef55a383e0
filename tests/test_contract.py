"""The contract (api/scheduling.openapi.yaml) is valid, and the reference service keeps it."""

from pathlib import Path

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from kepweb.scheduling.assertion import SANDBOX_KEY, citizen_assertion, signing_key
from tests.conftest import API_TOKEN

SPEC_FILE = Path(__file__).resolve().parent.parent / "api" / "scheduling.openapi.yaml"


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def response_validator(spec, path, status="200", media="application/json"):
    schema = spec["paths"][path]["get"]["responses"][status]["content"][media]["schema"]
    # Local $refs ("#/components/...") resolve against this root.
    return Draft202012Validator({**schema, "components": spec["components"]})


def test_the_contract_is_valid_openapi_3_1(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")


@pytest.mark.parametrize("path, query", [("/municipalities", {}), ("/keps", {}), ("/keps", {"municipality": "chania"})])
def test_the_reference_service_answers_as_the_contract_says(spec, scheduling_api, path, query):
    response = requests.get(f"{scheduling_api}{path}", params=query,
                            headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=5)
    assert response.status_code == 200
    errors = sorted(response_validator(spec, path).iter_errors(response.json()), key=str)
    assert not errors, errors[:3]


def test_without_the_token_the_answer_is_a_problem(spec, scheduling_api):
    response = requests.get(f"{scheduling_api}/municipalities", timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    problem_schema = {**spec["components"]["schemas"]["Problem"], "components": spec["components"]}
    Draft202012Validator(problem_schema).validate(response.json())
    assert response.json()["code"] == "unauthorized"


def test_an_unknown_municipality_is_a_404_problem(scheduling_api):
    response = requests.get(f"{scheduling_api}/keps", params={"municipality": "atlantis"},
                            headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=5)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_limits_on_documents_are_the_same_in_the_contract_the_service_and_the_frontend(spec):
    from kepweb.uploads import ALLOWED, MAX_BYTES, MAX_FILES
    from sandbox.scheduling import documents

    schemas = spec["components"]["schemas"]
    document, upload = schemas["Document"]["properties"], schemas["DocumentUpload"]["properties"]
    assert document["size"]["maximum"] == upload["file"]["maxLength"] == MAX_BYTES == documents.MAX_BYTES
    assert schemas["Booking"]["properties"]["documents"]["maxItems"] == MAX_FILES == documents.MAX_DOCUMENTS
    listed = spec["paths"]["/bookings/{reference}/documents"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["properties"]["documents"]["maxItems"] == MAX_FILES
    assert set(document["media_type"]["enum"]) == set(ALLOWED) == set(documents.EXTENSIONS)
    download = spec["paths"]["/bookings/{reference}/documents/{document_id}"]["get"]["responses"]["200"]
    assert set(download["content"]) == set(ALLOWED)
    assert document["name"]["maxLength"] == upload["name"]["maxLength"] == documents.MAX_NAME
    assert "documents" in schemas["Booking"]["required"]


def test_a_bookings_documents_answer_as_the_contract_says(spec, scheduling_api):
    citizen = {"Authorization": f"Bearer {API_TOKEN}", "X-Citizen-Assertion": citizen_assertion(
        signing_key(SANDBOX_KEY), "094014201")}
    slot = requests.get(f"{scheduling_api}/availability/first", headers=citizen, timeout=5, params={
        "category": "information", "procedure": "ehic", "municipality": "psara"}).json()["slot"]
    hold = requests.post(f"{scheduling_api}/holds", headers=citizen, timeout=5, json={
        "category": "information", "procedure": "ehic", "kep_id": slot["kep_id"], "start": slot["start"]}).json()
    contact = {"name": "Μαρία", "email": "m@example.com", "phone": "6912345678",
               "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}}
    booking = requests.post(f"{scheduling_api}/bookings", headers=citizen, timeout=5, json={
        "hold_id": hold["id"], "id_document": "passport", "contact_preference": "email",
        "delivery": {"method": "email"}, "contact": contact})
    assert booking.status_code == 201, booking.text
    path = f"{scheduling_api}/bookings/{booking.json()['reference']}/documents"
    added = requests.post(path, headers=citizen, timeout=5, data={"name": "Βεβαίωση.pdf"},
                          files={"file": ("document.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert added.status_code == 201
    document_schema = {**spec["components"]["schemas"]["Document"], "components": spec["components"]}
    Draft202012Validator(document_schema).validate(added.json())
    listed = requests.get(path, headers=citizen, timeout=5)
    errors = sorted(response_validator(spec, "/bookings/{reference}/documents").iter_errors(listed.json()), key=str)
    assert not errors, errors[:3]
    shown = requests.get(f"{scheduling_api}/bookings/{booking.json()['reference']}", headers=citizen, timeout=5)
    errors = sorted(response_validator(spec, "/bookings/{reference}").iter_errors(shown.json()), key=str)
    assert not errors, errors[:3]
    assert [d["name"] for d in shown.json()["documents"]] == ["Βεβαίωση.pdf"]
    requests.post(f"{scheduling_api}/bookings/{booking.json()['reference']}/cancel", headers=citizen, timeout=5)
