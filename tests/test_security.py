import base64
import json
import re

import brotli
import pytest
from bs4 import BeautifulSoup

from kepweb import create_app
from kepweb.security import CONTENT_SECURITY_POLICY, unmask


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


def test_production_cookies_are_secure_and_host_only(monkeypatch, scheduling_api, redis_url):
    from tests.test_config import PRODUCTION

    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KEPWEB_SCHEDULING_API_URL", scheduling_api)
    monkeypatch.setenv("KEPWEB_REDIS_URL", redis_url)  # production refuses session files
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


def test_pages_are_compressed(client):
    # What Chromium offers: brotli is chosen (the smallest for our pages).
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert brotli.decompress(response.get_data()).decode().startswith("<!DOCTYPE html>")


def tokens_in(html: str) -> set[str]:
    """Every CSRF token a page holds: form fields and the htmx header on <body>."""
    page = BeautifulSoup(html, "html.parser")
    fields = {field["value"] for field in page.select("input[name=csrf_token]")}
    return fields | {json.loads(page.body["data-hx-headers"])["X-CSRFToken"]}


def test_the_csrf_token_is_never_the_same_in_two_responses(client):
    # BREACH reads a secret that repeats across compressed responses; a masked
    # token is fresh random bytes each time, and carries the same token.
    first, second = (tokens_in(client.get("/feedback").get_data(as_text=True)) for _ in range(2))
    assert len(first) == len(second) == 1 and first != second
    with client.session_transaction() as session:
        secret = session["csrf_token"]
    for masked in first | second:
        assert secret not in masked and generate_csrf_prefix(secret) not in masked
    # Under the masks, Flask-WTF's signed token: the same session secret (its first
    # part), signed at the second it was made.
    assert unmask(first.pop()).split(".")[0] == unmask(second.pop()).split(".")[0]


def generate_csrf_prefix(secret: str) -> str:
    """The start of Flask-WTF's signed token, which would repeat if it were sent unmasked."""
    return base64.urlsafe_b64encode(json.dumps(secret).encode()).decode().rstrip("=")[:20]


@pytest.mark.parametrize("where", ["form field", "htmx header"])
def test_a_masked_token_is_accepted_from_a_form_field_and_from_the_htmx_header(client_request, outbox, where):
    client = client_request.client
    older = tokens_in(client.get("/feedback").get_data(as_text=True)).pop()
    token = tokens_in(client.get("/feedback").get_data(as_text=True)).pop()
    for masked in (older, token):  # a page loaded earlier still works
        if where == "form field":
            response = client.post("/feedback", data={"problem": "The map does not load", "csrf_token": masked})
        else:
            response = client.post("/feedback", data={"problem": "The map does not load"},
                                   headers={"HX-Request": "true", "X-CSRFToken": masked})
        assert response.status_code == 303, where


@pytest.mark.parametrize("forged", ["", "not-base64!", "AAAA", "signed-token-without-a-mask"])
def test_a_token_that_is_not_a_masked_one_is_refused(client, forged):
    page = client.get("/feedback").get_data(as_text=True)
    if forged == "signed-token-without-a-mask":
        forged = unmask(tokens_in(page).pop())
    response = client.post("/feedback", data={"problem": "x", "csrf_token": forged})
    assert response.status_code == 400


def test_a_signed_in_page_asked_for_by_another_site_is_not_compressed(client):
    from tests.booking.conftest import sign_in_as

    sign_in_as(client)
    compressed = {"Accept-Encoding": "gzip, br"}
    ours = client.get("/appointments", headers={**compressed, "Sec-Fetch-Site": "same-origin"})
    theirs = client.get("/appointments", headers={**compressed, "Sec-Fetch-Site": "cross-site"})
    assert ours.status_code == theirs.status_code == 200
    assert ours.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in theirs.headers and "Accept-Encoding" in theirs.headers["Vary"]
    # Nothing personal on a page for someone not signed in: compressed whoever asks.
    anonymous = client.application.test_client().get("/", headers={**compressed, "Sec-Fetch-Site": "cross-site"})
    assert anonymous.headers["Content-Encoding"] == "br"
