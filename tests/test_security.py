import re

import pytest

from kepweb import create_app
from kepweb.security import CONTENT_SECURITY_POLICY


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_policy_allows_nothing_from_other_origins():
    for directive, sources in CONTENT_SECURITY_POLICY.items():
        sources = [sources] if isinstance(sources, str) else sources
        for source in sources:
            assert source in {"'self'", "'none'", "data:"}, (directive, source)


def test_a_post_without_csrf_token_is_refused_with_an_explanation(client_request):
    client_request.use_language("en")
    response = client_request.client.post("/feedback", data={"problem": "x"})
    assert response.status_code == 400
    assert "We could not accept the form" in response.get_data(as_text=True)


def test_an_htmx_post_sends_the_token_in_a_header(client_request, outbox):
    token = client_request.csrf_token("/feedback")
    response = client_request.client.post(
        "/feedback", data={"problem": "The map does not load"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 303


def test_every_page_offers_the_token_to_htmx(client_request):
    page = client_request.get("/")
    assert re.fullmatch(r'\{"X-CSRFToken": "[^"]+"\}', page.body["data-hx-headers"])


def test_production_cookies_are_secure_and_host_only(monkeypatch, scheduling_api):
    from tests.test_config import PRODUCTION

    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KEPWEB_SCHEDULING_API_URL", scheduling_api)
    app = create_app({"TESTING": True})
    client = app.test_client()
    response = client.get("/", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-kepweb=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Plain http is sent to https in production.
    redirected = client.get("/manual", base_url="http://localhost")
    assert redirected.status_code in (301, 302)
    assert redirected.headers["Location"] == "https://localhost/manual"


@pytest.mark.parametrize("asset", ["vendor/digigov/digigov.css", "vendor/htmx/htmx.min.js",
                                   "css/kepweb.css", "js/kepweb.js"])
def test_static_assets_are_compressed_and_cached(client, asset):
    response = client.get(f"/static/{asset}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in response.headers["Cache-Control"]


def test_pages_are_not_compressed_to_keep_the_csrf_token_safe_from_breach(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in response.headers
