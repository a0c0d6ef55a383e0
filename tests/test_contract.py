"""The contract (api/scheduling.openapi.yaml) is valid, and the reference service keeps it."""

from pathlib import Path

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

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
