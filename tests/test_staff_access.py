"""`staff_required(*roles)`: checked on every request, against the scheduling API's registry, with a
404 for a page the role may not know; the staff client's header; a staff sign-in that cannot be reached."""

from __future__ import annotations

import time

import pytest

from kepweb import create_app
from kepweb.scheduling.assertion import SANDBOX_KEY
from kepweb.scheduling.base import ApiClient
from kepweb.staff import PAGES, StaffPage, staff_required
from kepweb.staff.access import ROLE_NAMES
from sandbox.staff_idp import ACCOUNTS_BY_NAME
from tests.conftest import PageClient, free_port
from tests.page_checks import text_of


def identity(username):
    account = ACCOUNTS_BY_NAME[username]
    return {"subject": account.sub, "name": account.name, "email": account.email}


@pytest.fixture
def app(app_config):
    """The frontend with two pages of the staff area that only some roles may open."""
    app = create_app(app_config)
    app.add_url_rule("/staff/test-admins-only", "test_admins_only",
                     staff_required("admin")(lambda: "admins' page"))
    app.add_url_rule("/staff/test-kep-only", "test_kep_only",
                     staff_required("employee", "head")(lambda: "the KEP's page"))
    return app


def signed_in_as(client, username=None, citizen=None):
    with client.session_transaction() as session:
        session["last_seen"] = time.time()
        if username:
            session["staff"] = identity(username) if username in ACCOUNTS_BY_NAME else {
                "subject": username, "name": "x", "email": "x@example.com"}
        if citizen:
            session["citizen"] = citizen


@pytest.mark.parametrize("username, admins, kep", [
    ("ministry-admin", 200, 404),
    ("chania-head", 404, 200),
    ("chania-employee", 404, 200),
    ("rhodes-employee", 404, 200),
])
def test_a_role_that_may_not_know_a_page_gets_not_found(client, username, admins, kep):
    signed_in_as(client, username)
    assert client.get("/staff/test-admins-only").status_code == admins
    assert client.get("/staff/test-kep-only").status_code == kep
    assert client.get("/staff").status_code == 200


def test_the_not_found_page_is_the_services_own(client_request, client):
    signed_in_as(client, "chania-employee")
    page = client_request.get("/staff/test-admins-only", expected_status=404)
    assert text_of(page.h1) in ("Page not found", "Η σελίδα δεν βρέθηκε")
    assert "admins' page" not in page.response.get_data(as_text=True)


def test_not_signed_in_goes_to_the_staff_sign_in_and_back(client):
    answer = client.get("/staff/test-admins-only?view=all")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/staff/sign-in?next=/staff/test-admins-only?view%3Dall"


def test_a_citizen_is_not_signed_in_as_staff(client):
    signed_in_as(client, citizen={"tax_id": "094014201"})
    assert client.get("/staff").headers["Location"].startswith("/staff/sign-in")


def test_a_session_holding_a_citizen_and_a_staff_member_counts_as_nobody_here(client):
    # No sign-in makes such a session; if one ever existed, the staff area would not trust it.
    signed_in_as(client, "ministry-admin", citizen={"tax_id": "094014201"})
    assert client.get("/staff/test-admins-only").status_code == 303


@pytest.mark.parametrize("username, status", [("somebody-unknown", 403), ("no-role", 403)])
def test_somebody_the_registry_refuses_is_signed_out_with_a_clear_page(client_request, client, username, status):
    signed_in_as(client, username)
    page = client_request.get("/staff", expected_status=status)
    assert text_of(page.h1) in ("Δεν έχετε πρόσβαση στον χώρο εργαζομένων ΚΕΠ",
                                "You do not have access to the KEP staff area")
    with client.session_transaction() as session:
        assert "staff" not in session


def test_the_role_is_asked_of_the_api_on_every_request(client, monkeypatch):
    from kepweb.scheduling.staff import StaffClient

    asked = []
    real = StaffClient.me
    monkeypatch.setattr(StaffClient, "me", lambda self, subject: asked.append(subject) or real(self, subject))
    signed_in_as(client, "chania-head")
    for _ in range(3):
        assert client.get("/staff").status_code == 200
    assert asked == [ACCOUNTS_BY_NAME["chania-head"].sub] * 3


def test_the_api_down_is_the_service_unavailable_page(client_request, client, app):
    signed_in_as(client, "chania-head")
    app.extensions["scheduling"].staff.http.close()
    app.extensions["scheduling"].staff.base_url = f"http://127.0.0.1:{free_port()}/v1"
    client_request.get("/staff", expected_status=503)


def test_only_known_roles_can_be_required():
    with pytest.raises(ValueError, match="visitor"):
        staff_required("admin", "visitor")
    assert set(ROLE_NAMES) == {"employee", "head", "admin"}


def test_the_landing_page_lists_only_the_pages_a_role_may_open(client, monkeypatch):
    monkeypatch.setattr("kepweb.staff.views.PAGES", [
        StaffPage("test_admins_only", "Admins' page", ("admin",)),
        StaffPage("test_kep_only", "The KEP's page", ("employee", "head")),
    ])
    signed_in_as(client, "chania-employee")
    html = client.get("/staff").get_data(as_text=True)
    assert "The KEP&#39;s page" in html and "Admins" not in html
    # Every real page listed has a route: no link to a page that does not exist.
    assert {page.endpoint for page in PAGES} <= set(client.application.view_functions)


# -- the staff client and the sign-in's configuration ------------------------------------------------


def test_a_request_acts_for_a_citizen_or_a_staff_member_never_both(app):
    client = ApiClient(app.config)
    headers = client._headers(staff_subject="s")
    assert "X-Citizen-Assertion" not in headers and "X-Staff-Subject" not in headers
    assert staff_subject_of(headers["X-Staff-Assertion"], app) == "s"
    with pytest.raises(ValueError):
        client._headers(citizen_tax_id="094014201", staff_subject="s")


def test_the_staff_client_names_the_staff_member_with_a_timeout(app, monkeypatch):
    sent = {}

    def fake(self, method, url, **kwargs):
        sent.update(method=method, url=url, **kwargs)
        raise __import__("requests").ConnectionError("no")

    monkeypatch.setattr("requests.Session.request", fake)
    from kepweb.scheduling import SchedulingUnavailable

    with pytest.raises(SchedulingUnavailable):
        app.extensions["scheduling"].staff.me("the-subject")
    assert sent["method"] == "GET" and sent["url"].endswith("/staff/me")
    assert staff_subject_of(sent["headers"]["X-Staff-Assertion"], app) == "the-subject"
    assert "X-Citizen-Assertion" not in sent["headers"] and "X-Staff-Subject" not in sent["headers"]
    assert sent["timeout"][0] > 0 and sent["timeout"][1] > 0


def staff_subject_of(token, app):
    """The subject the API would believe from this assertion (its own verifier, with the frontend's key)."""
    from sandbox.scheduling.assertion import assertion_key, verified_staff

    return verified_staff(token, assertion_key(app.config["CITIZEN_ASSERTION_KEY"] or SANDBOX_KEY))


def test_a_staff_sign_in_that_cannot_be_reached_gives_a_clear_page(app_config):
    app = create_app({**app_config, "STAFF_OIDC_ISSUER": f"http://127.0.0.1:{free_port()}/nowhere",
                      "STAFF_OIDC_CLIENT_ID": "kepweb", "STAFF_OIDC_CLIENT_SECRET": "s", "STAFF_OIDC_TIMEOUT": 1})
    page = PageClient(app.test_client()).get("/staff/sign-in", expected_status=503)
    assert text_of(page.h1) in ("We could not sign you in", "Δεν μπορέσαμε να σας συνδέσουμε")


def test_the_staff_sign_in_is_an_allowed_form_target(app_config):
    issuer = "https://staff-id.example.gov.gr/realms/kep"
    app = create_app({**app_config, "STAFF_OIDC_ISSUER": issuer})
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "form-action 'self'" in policy and "https://staff-id.example.gov.gr" in policy
