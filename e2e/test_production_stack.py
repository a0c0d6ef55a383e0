"""The production stack (deploy/stack.py, as `bash scripts/production-demo` starts it) in a real browser:
nginx terminating TLS in front of two gunicorn instances of kepweb with KEPWEB_ENV=production, Redis as their
shared store, the reference services in a process of their own.

A citizen signs in through the GSIS stand-in and walks the whole wizard through nginx, which sends each
request to either instance (round robin, no stickiness); one instance is killed (SIGKILL) mid-wizard and the
citizen finishes on the other with every answer kept, and exactly one booking is made.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import ssl
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from deploy.stack import JANUS_PATH, Ports, Stack
from e2e.conftest import VIEWPORTS
from e2e.wizard import CONTACT, SUBMIT, Wizard
from sandbox.gsis import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "maria.production@example.com"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("production"), Ports.free()).start()
    yield running
    running.stop()


class Upstreams:
    """Which instance served each of the page's requests to kepweb (nginx's X-Upstream header)."""

    def __init__(self, page, origin):
        self.seen: list[tuple[str, int, str]] = []

        def record(response):
            path = urlsplit(response.url).path
            if response.url.startswith(origin) and not path.startswith(("/oauth2server", "/static")):
                # "a:1, b:2" when nginx tried one instance and was answered by the next: the last answered.
                served = response.headers.get("x-upstream", "").split(",")[-1].strip()
                self.seen.append((path, response.status, served))
        page.on("response", record)

    def since(self, start: int) -> set[str]:
        return {upstream for _path, _status, upstream in self.seen[start:]}


def test_a_booking_through_nginx_survives_the_loss_of_an_instance(browser, stack):
    origin = stack.public_url
    context = browser.new_context(base_url=origin, ignore_https_errors=True, viewport=VIEWPORTS["desktop"],
                                  locale="en-GB")
    context.add_cookies([{"name": "kepweb_lang", "value": "en", "url": origin}])
    page = context.new_page()
    upstreams = Upstreams(page, origin)
    instances = {f"127.0.0.1:{port}": process for port, process in zip(stack.ports.kepweb, stack.instances,
                                                                        strict=True)}

    # Sign in at the GSIS stand-in, reached through nginx; it is sent back to an https address.
    page.goto("/sign-in?next=/book")
    expect(page).to_have_url(re.compile(r"/oauth2server/"))
    [redirect_uri] = parse_qs(urlsplit(page.url).query)["redirect_uri"]
    assert redirect_uri == f"{origin}/sign-in/callback"
    page.fill("#username", "maria")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.startswith(origin) and "/oauth2server/" not in page.url

    [cookie] = [cookie for cookie in context.cookies() if cookie["name"].startswith("__Host-")]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["path"] == "/"
    response = page.goto("/book")
    assert "max-age=" in response.headers["strict-transport-security"]

    # The wizard, up to the contact details, with requests going to both instances.
    wizard = Wizard(page, "en")
    wizard.begin()
    wizard.choose("category", "information")
    wizard.continue_to("procedure")
    procedure = wizard.choose_first("procedure")
    wizard.continue_to("municipality")
    wizard.choose("municipality", "anywhere")
    wizard.continue_to("needs")
    wizard.choose("needs", "lip_reading")
    wizard.continue_to("time")
    wizard.first_day()
    slot = wizard.choose_first("slot")
    wizard.continue_to("details")
    wizard.fill({"full_name": "Maria Papadopoulou", "email": EMAIL, **CONTACT})
    wizard.choose("contact_preference", "email")
    wizard.continue_to("document")
    before_the_loss = len(upstreams.seen)
    assert upstreams.since(0) == set(instances), f"no stickiness: both instances served ({upstreams.seen})"

    # One instance dies as a crash would; the citizen goes on, served by the other.
    lost = upstreams.seen[-1][2]
    instances[lost].kill()
    [survivor] = set(instances) - {lost}
    wizard.choose("id_document", "passport")
    wizard.continue_to("delivery")
    wizard.choose("method", "email")
    wizard.continue_to("check")
    summary = page.locator("#main-content")
    for answer in (procedure, EMAIL, "Maria Papadopoulou", "Passport", "By email",
                   "Lip-reading: the employee faces the camera, with good light", slot.split(",")[0]):
        expect(summary).to_contain_text(answer)
    page.locator(f"{SUBMIT}[data-submit-once]").click()
    reference = wizard.expect_confirmation()

    after = upstreams.seen[before_the_loss:]
    assert after and {upstream for _path, _status, upstream in after} == {survivor}, after
    assert all(status < 500 for _path, status, _upstream in upstreams.seen), upstreams.seen

    # Exactly one booking, the one confirmed, and the citizen's list says so.
    admin = requests.get(f"http://127.0.0.1:{stack.ports.sandbox_admin}/v1/admin/bookings",
                         headers={"Authorization": f"Bearer {stack.secrets.admin_token}"}, timeout=10)
    assert [booking["reference"] for booking in admin.json()["bookings"]] == [reference]
    page.goto("/appointments")
    assert page.locator("#main-content").inner_text().count(reference) == 1
    context.close()


def test_each_instance_logs_its_own_requests_without_query_strings(stack):
    """Both instances served requests (the round robin, seen from their side), and no query string reached
    the access logs (searches carry what the citizen typed)."""
    certificate = str(stack.certificate)
    for _ in range(4):
        assert requests.get(f"{stack.public_url}/municipalities?q=chania", verify=certificate,
                            timeout=10).status_code == 200
    for index, process in enumerate(stack.instances):
        if not process.running():
            continue  # the instance the other test killed
        log = (stack.logs / f"kepweb-{index + 1}-access.log").read_text()
        assert "GET /municipalities " in log
        assert "chania" not in log


def test_one_request_id_in_every_log_on_its_way(stack):
    """nginx names each request ($request_id), kepweb believes it from its one trusted proxy and passes it to
    the scheduling API: the id the browser is given is in nginx's log, in the JSON access line of the instance
    that served it and in the API's, so one complaint can be followed through the three."""
    # /readyz asks the API each time (a page may answer from the catalogue's cache and ask nothing).
    response = requests.get(f"{stack.public_url}/readyz", verify=str(stack.certificate), timeout=10)
    assert response.status_code == 200
    request_id = response.headers["X-Request-Id"]
    assert f"id={request_id}" in (stack.logs / "nginx-access.log").read_text()
    served_by = [index for index, process in enumerate(stack.instances) if process.running()
                 and request_id in (stack.logs / f"kepweb-{index + 1}.out").read_text()]
    assert len(served_by) == 1, "one instance served it"
    lines = [json.loads(line) for line in (stack.logs / f"kepweb-{served_by[0] + 1}.out").read_text().splitlines()
             if line.startswith("{") and request_id in line]
    assert {"logger": "kepweb.access", "path": "/readyz", "status": 200}.items() <= lines[-1].items()
    api_lines = [json.loads(line) for line in (stack.logs / "sandbox.log").read_text().splitlines()
                 if line.startswith("{") and request_id in line]
    assert api_lines and all(line["request_id"] == request_id for line in api_lines)


def test_plain_http_is_sent_to_https_and_the_admin_api_is_not_behind_nginx(stack):
    response = requests.get(f"http://127.0.0.1:{stack.ports.http}/manual", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{stack.public_url}/manual"
    admin_token = {"Authorization": f"Bearer {stack.secrets.admin_token}"}
    for url in (f"{stack.public_url}/sandbox/scheduling/v1/admin/bookings",
                f"{stack.sandbox_url}/sandbox/scheduling/v1/admin/bookings"):
        assert requests.get(url, headers=admin_token, verify=str(stack.certificate), timeout=10).status_code == 404


def websocket_handshake_status(stack, origin: str) -> bytes:
    """The status line nginx answers a WebSocket handshake for the call server with, sent from `origin`."""
    tls = ssl.create_default_context(cafile=str(stack.certificate))
    with socket.create_connection(("127.0.0.1", stack.ports.https), timeout=10) as raw, \
            tls.wrap_socket(raw, server_hostname="127.0.0.1") as connection:
        connection.sendall("\r\n".join([
            f"GET {JANUS_PATH} HTTP/1.1", f"Host: 127.0.0.1:{stack.ports.https}", "Upgrade: websocket",
            "Connection: Upgrade", f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
            "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: janus-protocol", f"Origin: {origin}",
            "", ""]).encode())
        return connection.recv(4096).split(b"\r\n")[0]


def test_the_call_server_is_reached_over_wss_from_this_sites_pages_only(browser, stack):
    assert stack.janus is not None, "Janus is installed by scripts/test (scripts/lib.sh ensure_janus)"
    context = browser.new_context(base_url=stack.public_url, ignore_https_errors=True)
    page = context.new_page()
    page.goto("/manual")
    # From a page of the site, as the call page does: Janus answers through nginx.
    answer = page.evaluate("""url => new Promise((resolve, reject) => {
        const socket = new WebSocket(url, "janus-protocol");
        socket.onopen = () => socket.send(JSON.stringify({janus: "info", transaction: "e2e"}));
        socket.onmessage = event => { resolve(JSON.parse(event.data)); socket.close(); };
        socket.onerror = () => reject(new Error("the WebSocket failed"));
    })""", stack.call_server_url)
    assert answer["janus"] == "server_info"
    context.close()
    assert websocket_handshake_status(stack, stack.public_url).startswith(b"HTTP/1.1 101")
    assert websocket_handshake_status(stack, "https://attacker.example").startswith(b"HTTP/1.1 403")


def test_the_staff_sign_in_is_sent_an_https_redirect_uri_through_nginx(stack):
    """kepweb reads the staff sign-in's discovery document at its public https address (through nginx)."""
    response = requests.get(f"{stack.public_url}/staff/sign-in", allow_redirects=False,
                            verify=str(stack.certificate), timeout=10)
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert location.startswith(f"{stack.public_url}/sandbox/staff-id/")
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [f"{stack.public_url}/staff/callback"]
