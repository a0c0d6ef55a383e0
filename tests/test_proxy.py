"""Behind a TLS-terminating proxy (nginx on the same host): the proxy's X-Forwarded-* headers are believed
only when KEPWEB_TRUSTED_PROXIES says a proxy is there, and then the service knows it is served over https:
no redirect to itself, HSTS, `__Host-` Secure cookies, and https redirect URIs for GSIS and the staff sign-in.
A visitor who sends the same headers straight to the service is not believed."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import request, url_for
from werkzeug.serving import make_server

from kepweb import create_app
from tests.test_config import PRODUCTION

SITE = "mykeplive.example"
PROXY_ADDRESS = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on the same host
VISITOR_ADDRESS = {"REMOTE_ADDR": "198.51.100.9"}
# What nginx sends for a citizen who came over https (`proxy_set_header X-Forwarded-Proto $scheme;` ...).
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": SITE}
# The service listens on loopback, behind the proxy, on plain http.
BEHIND_THE_PROXY = "http://127.0.0.1:8000"
STAFF_CLIENT_ID = "kepweb-staff-proxy-test"


@pytest.fixture(scope="module")
def staff_issuer():
    """The sandbox's staff sign-in on a real port: the staff sign-in reads its discovery document."""
    from sandbox import staff_idp

    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    issuer = f"http://127.0.0.1:{server.port}"
    server.app = staff_idp.create_app([{
        "client_id": STAFF_CLIENT_ID, "client_secret": "staff-secret",
        "redirect_uris": [f"https://{SITE}/staff/callback"],
        "post_logout_redirect_uris": [f"https://{SITE}/staff/signed-out"],
    }], issuer=issuer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield issuer
    server.shutdown()


@pytest.fixture
def production_app(monkeypatch, scheduling_api, staff_issuer, redis_url):
    """`production_app(trusted_proxies, **environment)`: the frontend as KEPWEB_ENV=production builds it,
    with a record of what each request it served looked like to the app."""
    def build(trusted_proxies: int | None, **environment):
        for name, value in (PRODUCTION | environment).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("KEPWEB_SCHEDULING_API_URL", scheduling_api)
        monkeypatch.setenv("KEPWEB_REDIS_URL", redis_url)  # production refuses session files
        monkeypatch.setenv("KEPWEB_STAFF_OIDC_ISSUER", staff_issuer)
        monkeypatch.setenv("KEPWEB_STAFF_OIDC_CLIENT_ID", STAFF_CLIENT_ID)
        monkeypatch.setenv("KEPWEB_STAFF_OIDC_CLIENT_SECRET", "staff-secret")
        if trusted_proxies is None:
            monkeypatch.delenv("KEPWEB_TRUSTED_PROXIES", raising=False)
        else:
            monkeypatch.setenv("KEPWEB_TRUSTED_PROXIES", str(trusted_proxies))
        app = create_app({"TESTING": True})
        app.seen = []

        @app.before_request
        def record():
            app.seen.append({"secure": request.is_secure, "remote_addr": request.remote_addr,
                             "external_url": url_for("pages.home", _external=True)})
        return app
    return build


def proxied_get(client, path, headers=None):
    return client.get(path, base_url=BEHIND_THE_PROXY, headers=PROXY_HEADERS | (headers or {}),
                      environ_base=PROXY_ADDRESS)


def redirect_uri_of(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]


# -- behind one proxy ---------------------------------------------------------------------------


def test_a_proxied_https_request_is_served_as_https(production_app):
    app = production_app(1)
    response = proxied_get(app.test_client(), "/manual")
    assert response.status_code == 200  # not a redirect to itself
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert app.seen == [{"secure": True, "remote_addr": "203.0.113.7", "external_url": f"https://{SITE}/"}]


def test_behind_the_proxy_cookies_are_host_only_and_secure(production_app):
    response = proxied_get(production_app(1).test_client(), "/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-kepweb=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Domain" not in cookie


def test_gsis_is_sent_an_https_redirect_uri(production_app):
    response = proxied_get(production_app(1).test_client(), "/sign-in")
    assert redirect_uri_of(response) == f"https://{SITE}/sign-in/callback"


def test_the_staff_sign_in_is_sent_an_https_redirect_uri(production_app):
    response = proxied_get(production_app(1).test_client(), "/staff/sign-in")
    assert redirect_uri_of(response) == f"https://{SITE}/staff/callback"


def test_plain_http_through_the_proxy_is_sent_to_https(production_app):
    response = proxied_get(production_app(1).test_client(), "/manual", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code in (301, 302)
    assert response.headers["Location"] == f"https://{SITE}/manual"


def test_a_visitor_cannot_add_a_hop_in_front_of_the_proxy(production_app):
    """nginx appends to X-Forwarded-For: only the last address, the one nginx saw, is believed."""
    app = production_app(1)
    proxied_get(app.test_client(), "/manual", headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.7"})
    assert app.seen[0]["remote_addr"] == "203.0.113.7"


# -- no proxy configured: nothing forwarded is believed -------------------------------------------


@pytest.mark.parametrize("trusted_proxies", [None, 0])
def test_without_a_trusted_proxy_forged_headers_still_redirect_to_https(production_app, trusted_proxies):
    app = production_app(trusted_proxies)
    response = app.test_client().get("/manual", base_url=f"http://{SITE}", headers=PROXY_HEADERS,
                                     environ_base=VISITOR_ADDRESS)
    assert response.status_code in (301, 302)
    assert response.headers["Location"] == f"https://{SITE}/manual"
    assert "Strict-Transport-Security" not in response.headers


def test_without_a_trusted_proxy_forged_headers_change_nothing(production_app):
    """Even with KEPWEB_FORCE_HTTPS=0 (TLS ended by a proxy that says nothing), a visitor's headers
    neither make the request https, nor earn it HSTS, nor change its address or host."""
    app = production_app(0, KEPWEB_FORCE_HTTPS="0")
    response = app.test_client().get("/manual", base_url=f"http://{SITE}", headers=PROXY_HEADERS
                                     | {"X-Forwarded-Host": "evil.example"}, environ_base=VISITOR_ADDRESS)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert app.seen == [{"secure": False, "remote_addr": "198.51.100.9", "external_url": f"http://{SITE}/"}]


# -- app.py's server, waitress ---------------------------------------------------------------------


@pytest.mark.parametrize("trusted_proxies, expected_status", [(1, 200), (0, 302)])
def test_app_py_waitress_passes_the_proxy_headers_only_when_a_proxy_is_trusted(production_app, trusted_proxies,
                                                                               expected_status):
    """Through waitress as app.py starts it, a proxied https request is served (it used to redirect to
    itself: waitress dropped the header); with no proxy trusted, the same request goes to https."""
    from waitress import create_server

    import app as entry_point

    frontend = production_app(trusted_proxies)
    server = create_server(frontend, host="127.0.0.1", port=0, **entry_point.waitress_options(frontend))
    threading.Thread(target=server.run, daemon=True).start()
    try:
        response = requests.get(f"http://127.0.0.1:{server.effective_port}/manual", headers=PROXY_HEADERS,
                                allow_redirects=False, timeout=10)
    finally:
        server.close()
    assert response.status_code == expected_status
    if expected_status == 200:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    else:  # waitress dropped the forwarded host too
        assert response.headers["Location"] == f"https://127.0.0.1:{server.effective_port}/manual"
