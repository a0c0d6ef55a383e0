"""Media flows through our Janus inside the namespace: one Chromium page publishes its fake
camera to a room made by JanusRooms, another subscribes and decodes it. And a publisher
that asks Janus to record gets no recording.

The page (janus_check.html) is a test fixture served by a thread here, not by kepweb.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.browser

PAGE = Path(__file__).resolve().parent / "janus_check.html"
SCRIPTS = {
    "adapter.js": Path("/usr/share/javascript/webrtc-adapter/adapter.js"),
    "janus.js": Path("/usr/share/javascript/janus-gateway/janus.js"),
}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    """janus_check.html beside Debian's adapter.js and janus.js, on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("janus_page")
    (folder / "janus_check.html").symlink_to(PAGE)
    for name, path in SCRIPTS.items():
        assert path.is_file(), f"{path} is missing: run `bash scripts/test`, which installs it"
        (folder / name).symlink_to(path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/janus_check.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def room(janus_rooms):
    number, secret = secrets.randbelow(2**52), secrets.token_urlsafe(16)
    tokens = {"publish": secrets.token_urlsafe(16), "subscribe": secrets.token_urlsafe(16)}
    janus_rooms.create(number, secret, list(tokens.values()), "media check")
    yield {"number": number, "tokens": tokens, "feed": secrets.randbelow(2**52)}
    janus_rooms.destroy(number, secret)


def open_check_page(browser, page_server, janus, room, mode, **more):
    page = browser.new_context().new_page()
    query = urlencode({"server": janus.ws_url, "room": room["number"], "token": room["tokens"][mode],
                       "feed": room["feed"], "me": secrets.randbelow(2**52), "mode": mode, **more})
    page.goto(f"{page_server}?{query}")
    return page


def wait_for_state(page, wanted: str, timeout_ms: int = 30_000) -> None:
    page.wait_for_function(f"window.check && (window.check.state === {wanted!r} || window.check.state === 'error')",
                           timeout=timeout_ms)
    check = page.evaluate("({state: window.check.state, errors: window.check.errors, ice: window.check.ice})")
    assert check["state"] == wanted, check


def frames_decoded(page) -> int:
    return page.evaluate("""async () => {
        const report = await window.check.handle.webrtcStuff.pc.getStats();
        let frames = 0;
        report.forEach((stat) => {
            if (stat.type === "inbound-rtp" && stat.kind === "video") frames += stat.framesDecoded || 0;
        });
        return frames;
    }""")


def janus_address_in_use(page) -> str:
    """The address of Janus's end of the ICE candidate pair carrying the media."""
    return page.evaluate("""async () => {
        const report = await window.check.handle.webrtcStuff.pc.getStats();
        const stats = [...report.values()];
        const transport = stats.find((stat) => stat.type === "transport" && stat.selectedCandidatePairId);
        const pair = report.get(transport.selectedCandidatePairId);
        return report.get(pair.remoteCandidateId).address;
    }""")


def test_a_subscriber_decodes_the_publishers_video(browser, page_server, janus, janus_rooms, room, call_namespace):
    publisher = open_check_page(browser, page_server, janus, room, "publish")
    wait_for_state(publisher, "published")
    subscriber = open_check_page(browser, page_server, janus, room, "subscribe")
    wait_for_state(subscriber, "receiving")

    subscriber.wait_for_function("window.check.remoteVideo.videoWidth > 0", timeout=30_000)
    first = frames_decoded(subscriber)
    subscriber.wait_for_timeout(2_000)
    assert frames_decoded(subscriber) > first > 0
    assert janus_address_in_use(subscriber) == call_namespace["host"]  # the veth, as configured
    assert {p["id"] for p in janus_rooms.participants(room["number"], "unused") if p["publisher"]} == {room["feed"]}


def recordings_of(janus, room_number: int) -> list[Path]:
    """Janus names a VideoRoom recording videoroom-ROOM-user-FEED-...mjr and, without a rec_dir,
    writes it to its working directory: the recordings folder (see JanusProcess)."""
    return sorted(janus.recordings.glob(f"videoroom-{room_number}-*"))


def ask_to_record(browser, page_server, janus, room) -> None:
    publisher = open_check_page(browser, page_server, janus, room, "publish")
    wait_for_state(publisher, "published")
    publisher.evaluate("window.check.handle.send({message: {request: 'configure', record: true}})")
    time.sleep(3)  # media keeps flowing: a recording, had it started, would be on disk now


def test_a_publisher_asking_to_record_gets_no_recording(browser, page_server, janus, room):
    ask_to_record(browser, page_server, janus, room)
    assert recordings_of(janus, room["number"]) == []


def test_without_lock_record_the_same_request_would_record(browser, page_server, janus, janus_rooms):
    """The control for the test above: it would see a recording, had there been one."""
    number, token = secrets.randbelow(2**52), secrets.token_urlsafe(16)
    janus_rooms.request("janus.plugin.videoroom", {
        "request": "create", "room": number, "admin_key": janus.room_admin_key, "secret": "control",
        "is_private": True, "allowed": [token], "record": False, "lock_record": False})
    try:
        ask_to_record(browser, page_server, janus, {"number": number, "tokens": {"publish": token},
                                                    "feed": secrets.randbelow(2**52)})
        assert [path.suffix for path in recordings_of(janus, number)] == [".mjr", ".mjr"]  # audio, video
    finally:
        janus_rooms.destroy(number, "control")




@pytest.mark.parametrize("how", ["a guessed token", "no token, straight to subscribing"])
def test_nobody_uninvited_sees_the_video(browser, page_server, janus, room, how):
    """The VideoRoom's `allowed` list gates joining as a publisher only: subscribing is gated by
    require_pvtid, the private id that only a participant who joined with a token has."""
    publisher = open_check_page(browser, page_server, janus, room, "publish")
    wait_for_state(publisher, "published")
    intruder_room = {**room, "tokens": {"subscribe": "guessed"}}
    more = {"direct": "1"} if how.startswith("no token") else {}
    intruder = open_check_page(browser, page_server, janus, intruder_room, "subscribe", **more)
    wait_for_state(intruder, "error")
    assert "433" in intruder.evaluate("window.check.errors.join(' ')")  # JANUS_VIDEOROOM_ERROR_UNAUTHORIZED
