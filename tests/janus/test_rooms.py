"""A booking's rooms on a real Janus: private, for invited tokens only, never recorded,
managed only with the admin key, and a clear error when Janus does not answer."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from sandbox.janus import CallServerUnavailable, JanusProcess, JanusRooms
from sandbox.janus.config import DEBIAN_DEFAULT_ADMIN_SECRET, write_config
from sandbox.janus.rooms import TEXTROOM, VIDEOROOM, JanusError

UNAUTHORIZED = 433  # JANUS_VIDEOROOM_ERROR_UNAUTHORIZED
DESCRIPTION = "test booking"


@pytest.fixture
def room(rooms):
    """A booking's rooms with the citizen's and the employee's tokens; destroyed afterwards."""
    number, secret = secrets.randbelow(2**52), secrets.token_urlsafe(16)
    tokens = {"citizen": secrets.token_urlsafe(16), "employee": secrets.token_urlsafe(16)}
    rooms.create(number, secret, list(tokens.values()), DESCRIPTION)
    yield {"number": number, "secret": secret, "tokens": tokens}
    rooms.destroy(number, secret)


def videoroom_event(session, handle, body) -> dict:
    """Send an asynchronous VideoRoom request (join, configure) and wait for its answer,
    passing over the events nobody asked for (someone kicked, someone joined)."""
    ack = session.post(f"{session.http_url}/{session.session_id}/{handle}", {"janus": "message", "body": body})
    while True:
        event = session.next_event()
        if event.get("janus") == "event" and event.get("transaction") == ack["transaction"]:
            return event["plugindata"]["data"]


def join(session, room_number, token, feed_id=None) -> dict:
    handle = session.attach(VIDEOROOM)
    body = {"request": "join", "ptype": "publisher", "room": room_number, "token": token, "display": "Test"}
    if feed_id is not None:
        body["id"] = feed_id
    return videoroom_event(session, handle, body) | {"handle": handle}


def listed(rooms, plugin, with_admin_key=False) -> list[dict]:
    body = {"request": "list", **({"admin_key": rooms.admin_key} if with_admin_key else {})}
    return rooms.request(plugin, body)["list"]


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the TCP sockets listening on `port`, from /proc/net/tcp{,6}."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    addresses.add(address)
    return addresses


def test_only_the_two_plugins_and_transports_are_loaded(janus):
    info = requests.get(f"{janus.http_url}/info", timeout=5).json()
    assert set(info["plugins"]) == {VIDEOROOM, TEXTROOM}
    assert set(info["transports"]) == {"janus.transport.http", "janus.transport.websockets"}
    assert not info.get("events") and not info.get("loggers")


def test_no_demo_rooms(rooms):
    assert listed(rooms, VIDEOROOM) == []
    assert listed(rooms, TEXTROOM) == []
    # Even the admin key sees only the rooms these tests made: Debian's demo rooms are gone.
    for plugin in (VIDEOROOM, TEXTROOM):
        assert all(entry["description"] == DESCRIPTION for entry in listed(rooms, plugin, with_admin_key=True))
    for demo in (1234, 5678):
        assert not rooms.exists(demo)


def test_creating_a_room_needs_the_admin_key(janus, rooms):
    number = secrets.randbelow(2**52)
    with pytest.raises(JanusError) as refused:
        JanusRooms(janus.http_url, "not-the-admin-key").create(number, "secret", ["token"], DESCRIPTION)
    assert refused.value.code == UNAUTHORIZED
    assert not rooms.exists(number)
    with pytest.raises(JanusError) as refused:
        rooms.request(TEXTROOM, {"request": "create", "room": number, "admin_key": "not-the-admin-key"})
    assert refused.value.code == 419  # JANUS_TEXTROOM_ERROR_UNAUTHORIZED


def test_a_created_room_is_private_and_creating_it_again_is_harmless(rooms, room):
    assert rooms.exists(room["number"])
    rooms.create(room["number"], room["secret"], list(room["tokens"].values()), DESCRIPTION)
    assert listed(rooms, VIDEOROOM) == [] and listed(rooms, TEXTROOM) == []
    assert {entry["room"] for entry in listed(rooms, TEXTROOM, with_admin_key=True)} >= {room["number"]}


def test_the_textroom_keeps_no_messages(rooms, room):
    """The privacy notice says the call's messages are passed on and kept nowhere: no history to replay."""
    (entry,) = [entry for entry in listed(rooms, TEXTROOM, with_admin_key=True) if entry["room"] == room["number"]]
    assert entry["history"] == 0


def test_the_videoroom_is_private_unrecorded_and_needs_a_private_id_to_subscribe(rooms, room):
    (entry,) = [entry for entry in listed(rooms, VIDEOROOM, with_admin_key=True) if entry["room"] == room["number"]]
    assert entry["is_private"] is True and entry["record"] is False and entry["lock_record"] is True
    # `allowed` gates publishers only; subscribers need the private_id a publisher's join returns.
    assert entry["require_pvtid"] is True
    assert entry["max_publishers"] == 6 and entry["notify_joining"] is True


def test_a_participant_cannot_turn_recording_on(janus, rooms, room):
    with rooms.session() as session:
        joined = join(session, room["number"], room["tokens"]["citizen"])
        assert joined["videoroom"] == "joined"
        answer = videoroom_event(session, joined["handle"], {"request": "configure", "record": True})
        assert "error_code" not in answer  # accepted, and ignored: the room's lock_record holds
    (entry,) = [entry for entry in listed(rooms, VIDEOROOM, with_admin_key=True) if entry["room"] == room["number"]]
    assert entry["record"] is False and entry["lock_record"] is True
    assert list(janus.recordings.iterdir()) == []  # a real media test is in e2e/call


def test_only_an_invited_token_joins(rooms, room):
    with rooms.session() as session:
        assert join(session, room["number"], "guessed")["error_code"] == UNAUTHORIZED
        assert join(session, room["number"], "")["error_code"] == UNAUTHORIZED
        assert join(session, room["number"], room["tokens"]["citizen"])["videoroom"] == "joined"


def test_another_bookings_token_does_not_join(rooms, room):
    other = secrets.randbelow(2**52)
    rooms.create(other, "other-secret", ["other-token"], DESCRIPTION)
    try:
        with rooms.session() as session:
            assert join(session, room["number"], "other-token")["error_code"] == UNAUTHORIZED
    finally:
        rooms.destroy(other, "other-secret")


def test_allow_adds_a_token(rooms, room):
    interpreter = secrets.token_urlsafe(16)
    rooms.allow(room["number"], room["secret"], [interpreter])
    assert all(interpreter in tokens for tokens in rooms.allowed(room["number"], room["secret"]).values())
    with rooms.session() as session:
        assert join(session, room["number"], interpreter)["videoroom"] == "joined"


def test_revoke_puts_the_participant_out_and_keeps_them_out(rooms, room):
    citizen, feed_id = room["tokens"]["citizen"], secrets.randbelow(2**52)
    with rooms.session() as session:
        assert join(session, room["number"], citizen, feed_id)["id"] == feed_id
        assert [p["id"] for p in rooms.participants(room["number"], room["secret"])] == [feed_id]
        rooms.revoke(room["number"], room["secret"], citizen, feed_id, "chat-citizen")
        assert rooms.participants(room["number"], room["secret"]) == []
        assert join(session, room["number"], citizen)["error_code"] == UNAUTHORIZED
    for tokens in rooms.allowed(room["number"], room["secret"]).values():
        assert citizen not in tokens and room["tokens"]["employee"] in tokens
    # Revoking someone who is not in (any more) is fine too.
    rooms.revoke(room["number"], room["secret"], citizen, feed_id, "chat-citizen")


def test_managing_a_room_needs_its_secret(rooms, room):
    with pytest.raises(JanusError) as refused:
        rooms.allow(room["number"], "wrong-secret", ["intruder"])
    assert refused.value.code == UNAUTHORIZED
    with pytest.raises(JanusError):
        rooms.destroy(room["number"], "wrong-secret")
    assert rooms.exists(room["number"])


def test_destroy_removes_both_rooms_and_may_be_repeated(rooms):
    number = secrets.randbelow(2**52)
    rooms.create(number, "secret", ["token"], DESCRIPTION)
    rooms.destroy(number, "secret")
    assert not rooms.exists(number)
    assert rooms.request(TEXTROOM, {"request": "exists", "room": number})["exists"] is False
    rooms.destroy(number, "secret")


def test_the_http_and_admin_apis_answer_on_loopback_only(janus):
    assert listening_addresses(janus.http_port) == {"0100007F"}  # 127.0.0.1
    assert listening_addresses(janus.admin_port) == {"0100007F"}
    assert listening_addresses(janus.ws_port) == {"0100007F"}  # ws_ip here is 127.0.0.1


def test_the_admin_api_refuses_debians_default_secret(janus):
    def admin(secret):
        return requests.post(janus.admin_url, json={"janus": "list_sessions", "transaction": "t",
                                                    "admin_secret": secret}, timeout=5).json()

    assert admin(DEBIAN_DEFAULT_ADMIN_SECRET)["janus"] == "error"
    assert admin(janus.admin_secret)["janus"] == "success"
    with pytest.raises(ValueError):
        write_config(janus.folder / "never", admin_secret=DEBIAN_DEFAULT_ADMIN_SECRET, room_admin_key="k",
                     http_port=1, ws_port=2)


def test_unavailable_when_janus_is_stopped(tmp_path):
    stopped = JanusProcess(tmp_path).start()
    stopped.stop()
    rooms = JanusRooms(stopped.http_url, stopped.room_admin_key, timeout=2)
    started = time.monotonic()
    with pytest.raises(CallServerUnavailable):
        rooms.exists(1)
    assert time.monotonic() - started < 2


def test_unavailable_when_janus_does_not_answer_in_time():
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        rooms = JanusRooms(f"http://127.0.0.1:{silent.getsockname()[1]}/janus", "key", timeout=0.5)
        with pytest.raises(CallServerUnavailable):
            rooms.create(1, "secret", [], DESCRIPTION)


def test_unavailable_when_the_answer_is_not_janus():
    class Garbage(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>a proxy's error page</html>")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(CallServerUnavailable):
            JanusRooms(f"http://127.0.0.1:{server.server_port}/janus", "key", timeout=2).exists(1)
    finally:
        server.shutdown()
        server.server_close()


def test_a_relative_config_folder_works_though_janus_runs_in_the_recordings_folder(tmp_path, monkeypatch):
    from sandbox.janus import JanusProcess

    monkeypatch.chdir(tmp_path)
    janus = JanusProcess("relative/janus")
    try:
        janus.start()
        assert janus.answers()
    finally:
        janus.stop()
