"""A stand-in for the call service, until the real one is wired (issue 15, pieces 1 and 2).

SWAP POINT: e2e/call/test_call.py imports `call_service` and `call_browser` from here. When
`e2e/call/conftest.py` (the namespace harness: kepweb + sandbox + Janus from `sandbox/janus/`)
provides a `call_service` fixture with the same interface, delete that import line in
test_call.py and this file. The interface the tests use:

    call_service.url_for(role)        -> the page URL of that participant's call page
    call_service.identity_checked     -> settable bool: sound only is allowed (204) or refused (409)
    call_service.recordings           -> the folder where Janus would write recordings
    call_service.wrong_token_url()    -> a call page whose token Janus does not know
    call_service.janus_pid            -> Janus's process id (for the CPU figure)

This stand-in: its own Janus (config written here, nothing copied from /etc/janus, no demo
rooms, admin_key set, recording locked off) and kepweb's create_app with a route of its own that
renders templates/call/room.html as the lead's view will, with a fake CallAccess. It must run
inside a network namespace with a veth pair, because Janus gathers no ICE candidates on loopback:

    unshare --net --fork bash -c 'ip link set lo up; ip link add v0 type veth peer name v1;
      ip addr add 10.99.0.1/24 dev v0; ip addr add 10.99.0.2/24 dev v1; ip link set v0 up;
      ip link set v1 up; /work/main/.venv/bin/python -m pytest e2e/call -p no:randomly'
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from werkzeug.serving import make_server

from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.conftest import free_port

JANUS_IP = "10.99.0.1"
LIBS = Path("/usr/lib/x86_64-linux-gnu/janus")
ROLE_NAMES_EN = {"citizen": "Citizen", "employee": "KEP employee",
                 "interpreter": "Greek Sign Language interpreter", "companion": "Third person"}
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--autoplay-policy=user-gesture-required"]


def in_the_namespace() -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((JANUS_IP, 0))
        except OSError:
            return False
    return True


def _disable_all_but(folder: Path, keep: set[str]) -> str:
    return ",".join(sorted(path.name for path in folder.glob("*.so") if path.name not in keep))


def write_janus_config(folder: Path, *, admin_secret, admin_key, http_port, ws_port) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recordings").mkdir(exist_ok=True)
    (folder / "janus.jcfg").write_text(f"""
general: {{
  configs_folder = "{folder}"
  plugins_folder = "{LIBS / 'plugins'}"
  transports_folder = "{LIBS / 'transports'}"
  events_folder = "{LIBS / 'events'}"
  loggers_folder = "{LIBS / 'loggers'}"
  debug_level = 3
  admin_secret = "{admin_secret}"
  recordings_tmp_ext = "tmp"
}}
media: {{ rtp_port_range = "20000-40000" }}
nat: {{ ice_enforce_list = "{JANUS_IP}" }}
plugins: {{ disable = "{_disable_all_but(LIBS / 'plugins', {'libjanus_videoroom.so', 'libjanus_textroom.so'})}" }}
transports: {{ disable = "{_disable_all_but(LIBS / 'transports', {'libjanus_http.so', 'libjanus_websockets.so'})}" }}
loggers: {{ disable = "{_disable_all_but(LIBS / 'loggers', set())}" }}
events: {{ broadcast = false disable = "{_disable_all_but(LIBS / 'events', set())}" }}
""")
    (folder / "janus.transport.http.jcfg").write_text(f"""
general: {{ json = "plain" base_path = "/janus" http = true port = {http_port} ip = "127.0.0.1" https = false }}
admin: {{ admin_http = false admin_https = false }}
cors: {{ allow_origin = "http://127.0.0.1" }}
""")
    (folder / "janus.transport.websockets.jcfg").write_text(f"""
general: {{ json = "plain" ws = true ws_port = {ws_port} ws_ip = "{JANUS_IP}" wss = false }}
admin: {{ admin_ws = false admin_wss = false }}
""")
    (folder / "janus.plugin.videoroom.jcfg").write_text(
        f'general: {{ admin_key = "{admin_key}" lock_rtp_forward = true }}\n')
    (folder / "janus.plugin.textroom.jcfg").write_text(
        f'general: {{ json = "plain" admin_key = "{admin_key}" }}\n')


class Janus:
    def __init__(self, folder: Path):
        self.folder = folder
        self.admin_secret, self.admin_key = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.http_port, self.ws_port = free_port(), free_port()
        write_janus_config(folder, admin_secret=self.admin_secret, admin_key=self.admin_key,
                           http_port=self.http_port, ws_port=self.ws_port)
        self.log = (folder / "janus.log").open("w")
        self.process = subprocess.Popen(["janus", "-F", str(folder), "-C", str(folder / "janus.jcfg")],
                                        stdout=self.log, stderr=subprocess.STDOUT, cwd=folder)
        self.http_url = f"http://127.0.0.1:{self.http_port}/janus"
        self.ws_url = f"ws://{JANUS_IP}:{self.ws_port}/"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.http_url}/info", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Janus did not start: {(folder / 'janus.log').read_text()[-2000:]}")

    def _request(self, url, body):
        answer = requests.post(url, json={**body, "transaction": secrets.token_hex(6)}, timeout=5).json()
        assert answer.get("janus") in {"success", "ack"}, answer
        return answer

    def plugin_request(self, plugin: str, body: dict) -> dict:
        session = self._request(self.http_url, {"janus": "create"})["data"]["id"]
        try:
            handle = self._request(f"{self.http_url}/{session}", {"janus": "attach", "plugin": plugin})["data"]["id"]
            answer = self._request(f"{self.http_url}/{session}/{handle}",
                                   {"janus": "message", "body": {**body, "admin_key": self.admin_key}})
            return answer["plugindata"]["data"]
        finally:
            requests.post(f"{self.http_url}/{session}", json={"janus": "destroy", "transaction": "x"}, timeout=5)

    def create_room(self, room: int, secret: str, tokens: list[str]) -> None:
        video = self.plugin_request("janus.plugin.videoroom", {
            "request": "create", "room": room, "secret": secret, "is_private": True, "allowed": tokens,
            "publishers": 6, "record": False, "lock_record": True, "notify_joining": True,
            "description": "kepweb call harness"})
        assert video.get("videoroom") == "created", video
        text = self.plugin_request("janus.plugin.textroom", {
            "request": "create", "room": room, "secret": secret, "is_private": True, "allowed": tokens,
            "history": 0, "description": "kepweb call harness"})
        assert text.get("textroom") == "created", text

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


PEOPLE = [("citizen", "Μαρία Παπαδοπούλου"), ("employee", "Νίκος Γεωργίου"), ("interpreter", "Ελένη Δημητρίου")]


class HarnessService:
    """kepweb with a route that renders the call page for each participant of one room."""

    def __init__(self, janus: Janus):
        from kepweb import create_app

        self.janus = janus
        self.janus_pid = janus.process.pid
        self.recordings = janus.folder / "recordings"
        self.identity_checked = False
        self.room = secrets.randbelow(2**52)
        self.participants = [
            SimpleNamespace(role=role, name=name, feed_id=1000 + index, chat_username=f"{role}-{index}",
                            token=secrets.token_urlsafe(16))
            for index, (role, name) in enumerate(PEOPLE)]
        janus.create_room(self.room, secrets.token_urlsafe(16), [person.token for person in self.participants])
        self.app = create_app({"TESTING": True, "SCHEDULING_API_URL": f"http://127.0.0.1:{free_port()}/v1",
                               "SCHEDULING_API_TOKEN": "unused"})
        self._add_routes()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url_for(self, role: str) -> str:
        return f"{self.url}/harness/call/{role}"

    def wrong_token_url(self) -> str:
        return f"{self.url}/harness/call/citizen?token=not-a-token"

    def _add_routes(self):
        from flask import make_response, render_template, request

        from kepweb.calls import JOIN_PERMISSIONS
        from kepweb.security import content_security_policy, per_view_policy

        policy = content_security_policy(self.app.config)
        policy["connect-src"] = ["'self'", self.janus.ws_url.rstrip("/")]
        policy["media-src"] = ["'self'", "blob:", "mediastream:"]

        @per_view_policy(content_security_policy=policy, permissions_policy=JOIN_PERMISSIONS)
        def room(role):
            own = next(person for person in self.participants if person.role == role)
            call = SimpleNamespace(
                reference="KEP-TEST-2345", role=role, server_url=self.janus.ws_url, ice_servers=[], room=self.room,
                token=request.args.get("token", own.token), feed_id=own.feed_id, chat_username=own.chat_username,
                display_name=own.name, participants=self.participants, opens="", closes="", sound_only_allowed=False)
            return render_template("call/room.html", call=call, leave_url=f"{self.url}/harness/left",
                                   sound_only_url=f"{self.url}/harness/call/{role}/sound-only",
                                   role_names=ROLE_NAMES_EN, page_title="Video call with the KEP")

        def sound_only(role):
            if self.identity_checked:
                return "", 204
            response = make_response("The KEP employee has not checked your identity yet.", 409)
            response.mimetype = "text/plain"
            return response

        self.app.add_url_rule("/harness/call/<role>", "harness_room", room)
        self.app.add_url_rule("/harness/call/<role>/sound-only", "harness_sound_only", sound_only, methods=["POST"])
        self.app.add_url_rule("/harness/left", "harness_left", lambda: "left")

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def call_service(tmp_path_factory):
    if not shutil.which("janus"):
        pytest.fail("Janus is not installed (Debian package janus)")
    if not in_the_namespace():
        pytest.skip(f"needs a network namespace with {JANUS_IP} on a veth (see e2e/call/harness.py)")
    janus = Janus(tmp_path_factory.mktemp("janus"))
    try:
        service = HarnessService(janus)
        yield service
        service.stop()
    finally:
        janus.stop()


@pytest.fixture(scope="module")
def call_browser(playwright):
    """Chromium with a fake camera and microphone that it may use without asking."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *FAKE_MEDIA])
    yield browser
    browser.close()
