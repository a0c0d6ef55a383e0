"""Every request's id (kepweb/request_ids.py): made here unless a trusted proxy sent a well-formed one, sent to
the scheduling API with every call, which logs it in its own access log, returned to the browser, and shown on
the error pages as the reference a citizen quotes to support."""

from __future__ import annotations

import re

import pytest

from kepweb import create_app
from tests.booking.conftest import sign_in_as
from tests.conftest import PageClient
from tests.page_checks import text_of
from tests.test_errors import unreachable_api_url

OURS = re.compile(r"[0-9a-f]{32}")
PROXYS_ID = "3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c"  # as nginx's $request_id


@pytest.fixture
def access_lines(json_log):
    """The lines a logger wrote (the frontend's `kepweb.access`, the reference service's
    `sandbox.scheduling.access`), as the JSON objects production writes."""
    def lines(logger):
        return [line for line in json_log() if line["logger"] == logger]
    return lines


def my_appointments(app, **headers):
    """A signed-in citizen's page that asks the API every time (their bookings, never cached)."""
    client = app.test_client()
    sign_in_as(client)
    response = client.get("/appointments", headers=headers)
    assert response.status_code == 200
    return response


def test_the_id_goes_to_the_api_which_logs_it_and_comes_back_to_the_browser(app_config, access_lines):
    app = create_app({**app_config, "TRUSTED_PROXIES": 1})
    response = my_appointments(app, **{"X-Request-Id": PROXYS_ID})
    assert response.headers["X-Request-Id"] == PROXYS_ID
    api_lines = [line for line in access_lines("sandbox.scheduling.access") if line["path"] == "/v1/bookings"]
    assert api_lines and {line["request_id"] for line in api_lines} == {PROXYS_ID}
    assert all(line["method"] == "GET" and line["status"] == 200 for line in api_lines)
    ours = [line for line in access_lines("kepweb.access") if line["path"] == "/appointments"]
    assert [(line["request_id"], line["status"]) for line in ours] == [(PROXYS_ID, 200)]


def test_an_id_sent_by_a_visitor_when_no_proxy_is_trusted_is_replaced(app_config, access_lines):
    app = create_app({**app_config, "TRUSTED_PROXIES": 0})
    response = my_appointments(app, **{"X-Request-Id": PROXYS_ID})
    made = response.headers["X-Request-Id"]
    assert made != PROXYS_ID and OURS.fullmatch(made)
    api_lines = [line for line in access_lines("sandbox.scheduling.access") if line["path"] == "/v1/bookings"]
    assert api_lines and {line["request_id"] for line in api_lines} == {made}


@pytest.mark.parametrize("sent", ["short", "has space in it", "x" * 129, "quote\"injected-1234",
                                  "-starts-with-a-dash"])
def test_an_ill_formed_id_even_from_the_proxy_is_replaced(app_config, sent):
    app = create_app({**app_config, "TRUSTED_PROXIES": 1})
    made = app.test_client().get("/manual", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    assert OURS.fullmatch(made)


def test_each_request_gets_an_id_of_its_own(client):
    ids = {client.get("/manual").headers["X-Request-Id"] for _ in range(3)}
    assert len(ids) == 3 and all(OURS.fullmatch(made) for made in ids)


@pytest.mark.parametrize("language, words", [("en", "give us this reference"), ("el", "αναφέρετε αυτόν τον κωδικό")])
def test_the_service_unavailable_page_gives_the_reference_to_quote(app_config, language, words):
    app = create_app({**app_config, "SCHEDULING_API_URL": unreachable_api_url()})
    client = PageClient(app.test_client())
    client.use_language(language)
    page = client.get("/municipalities?q=abc", expected_status=503)
    reference = page.select_one(".kepweb-request-id")
    assert reference is not None and text_of(reference) == page.response.headers["X-Request-Id"]
    assert words in text_of(reference.parent)


@pytest.mark.parametrize("language, words", [("en", "give us this reference"), ("el", "αναφέρετε αυτόν τον κωδικό")])
def test_the_server_error_page_gives_the_reference_to_quote(app, language, words, access_lines):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    client = PageClient(app.test_client())
    client.use_language(language)
    page = client.get("/explode", expected_status=500)
    reference = text_of(page.select_one(".kepweb-request-id"))
    assert reference == page.response.headers["X-Request-Id"] and words in text_of(page.select_one("main"))
    # Support finds the failure in the log by that reference.
    failures = [line for line in access_lines("kepweb") if "RuntimeError: boom" in line.get("exc_info", "")]
    assert [line["request_id"] for line in failures] == [reference]
    assert [line["status"] for line in access_lines("kepweb.access") if line["request_id"] == reference] == [500]
