"""`python -m sandbox` (sandbox/server.py): the reference services as a process of their own, configured
from the environment, with the scheduling API's admin part on a listener the frontend's port does not serve,
and sign-in redirect URIs at the frontend's public https address."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.test import Client

from sandbox import outbox as outbox_module
from sandbox.server import REQUIRED, Options, build
from tests.sandbox.conftest import ADMIN, FRONTEND

PUBLIC = "https://mykeplive.example"
ENVIRONMENT = {
    "KEPWEB_SANDBOX_PUBLIC_URL": PUBLIC + "/",
    "KEPWEB_SANDBOX_API_TOKEN": FRONTEND,
    "KEPWEB_SANDBOX_ADMIN_TOKEN": ADMIN,
    "KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY": "k" * 32,
    "KEPWEB_SANDBOX_GSIS_CLIENT_ID": "kepweb",
    "KEPWEB_SANDBOX_GSIS_CLIENT_SECRET": "gsis-secret",
    "KEPWEB_SANDBOX_STAFF_CLIENT_ID": "kepweb-staff",
    "KEPWEB_SANDBOX_STAFF_CLIENT_SECRET": "staff-secret",
    "KEPWEB_SANDBOX_PORT": "9100",
    "KEPWEB_SANDBOX_ADMIN_PORT": "9101",
}


@pytest.fixture
def listeners(tmp_path, monkeypatch):
    """(the main port's client, the admin port's client)."""
    monkeypatch.setenv("KEPWEB_SANDBOX_DB", str(tmp_path / "scheduling.sqlite3"))
    main, admin = build(Options.from_environment(ENVIRONMENT), outbox_module.Outbox(), background_loops=False)
    return Client(main), Client(admin)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_every_secret_must_be_given():
    with pytest.raises(ValueError) as refused:
        Options.from_environment({})
    for name in REQUIRED:
        assert name in str(refused.value)


def test_the_options_come_from_the_environment():
    options = Options.from_environment(ENVIRONMENT)
    assert options.public_url == PUBLIC
    assert (options.port, options.admin_port) == (9100, 9101)
    assert options.gsis_client == ("kepweb", "gsis-secret")


def test_the_main_port_serves_the_frontends_api_but_not_the_admin_api(listeners):
    main, _admin = listeners
    assert main.get("/sandbox/scheduling/v1/categories", headers=bearer(FRONTEND)).status_code == 200
    # Not there, whatever the token: not even a 401 that would say it exists.
    for token in (ADMIN, FRONTEND, "wrong"):
        response = main.get("/sandbox/scheduling/v1/admin/bookings", headers=bearer(token))
        assert response.status_code == 404, token


def test_the_admin_port_serves_the_admin_api_alone(listeners):
    _main, admin = listeners
    assert admin.get("/v1/admin/bookings", headers=bearer(ADMIN)).status_code == 200
    assert admin.get("/v1/admin/bookings", headers=bearer(FRONTEND)).status_code == 401, "its own token"
    assert admin.get("/v1/categories", headers=bearer(FRONTEND)).status_code == 404
    assert admin.get("/oauth2server/oauth/authorize").status_code == 404


def test_gsis_accepts_only_the_frontends_https_redirect_uri(listeners):
    main, _admin = listeners

    def authorize(redirect_uri):
        query = urlencode({"client_id": "kepweb", "response_type": "code", "redirect_uri": redirect_uri,
                           "scope": "read", "state": "s"})
        return main.get(f"/oauth2server/oauth/authorize?{query}")

    assert authorize(f"{PUBLIC}/sign-in/callback").status_code == 200
    assert authorize("http://mykeplive.example/sign-in/callback").status_code != 200


def test_the_staff_sign_in_publishes_the_public_https_issuer(listeners):
    main, _admin = listeners
    discovery = main.get("/sandbox/staff-id/.well-known/openid-configuration").json
    assert discovery["issuer"] == f"{PUBLIC}/sandbox/staff-id"
    assert discovery["authorization_endpoint"].startswith(f"{PUBLIC}/sandbox/staff-id/")


def test_the_outbox_is_there(listeners):
    main, _admin = listeners
    assert main.get("/sandbox/outbox/messages.json").json == {"messages": []}
