"""The call's browser tests: Janus, the web server and Chromium together in a network namespace.

Janus gathers no ICE candidates on loopback, so media needs a real interface; these tests run
inside `scripts/call-namespace` (a veth pair whose two ends are both inside, no way out), which
e2e/test_call_namespace.py starts. Outside the namespace e2e/conftest.py does not collect this
folder; run directly, the fixtures here fail with the command to use.

Signalling (Janus's WebSockets, the web server) stays on 127.0.0.1; Janus offers candidates on
the veth end named in KEPWEB_CALL_ICE_INTERFACE only.
"""

from __future__ import annotations

import os

import pytest

from sandbox.janus import JanusProcess, JanusRooms

HOW_TO_RUN = "bash scripts/call-namespace .venv/bin/python -m pytest e2e/call"

# Chromium's fake camera (a test pattern) and microphone (a beep), permission granted without
# asking; its real local addresses as candidates, not mDNS names nobody here can resolve.
CALL_CHROMIUM_FLAGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]


def inside_call_namespace() -> bool:
    return os.environ.get("KEPWEB_CALL_NAMESPACE") == "1"


@pytest.fixture(scope="session")
def in_call_namespace() -> bool:
    """Whether these tests run inside scripts/call-namespace (they should)."""
    return inside_call_namespace()


@pytest.fixture(scope="session")
def call_namespace(in_call_namespace) -> dict:
    """The namespace's addresses: `host` (Janus's veth end), `ice_interface` (its name)."""
    assert in_call_namespace, f"the call tests need their network namespace: {HOW_TO_RUN}"
    return {"host": os.environ["KEPWEB_CALL_HOST"], "ice_interface": os.environ["KEPWEB_CALL_ICE_INTERFACE"]}


@pytest.fixture(scope="session")
def janus(call_namespace, tmp_path_factory):
    """A Janus of our own: ws on 127.0.0.1, ICE on the namespace's veth, recordings in tmp."""
    assert JanusProcess.available(), "Janus is not installed: run `bash scripts/test`, which installs it"
    process = JanusProcess(tmp_path_factory.mktemp("janus"), ws_ip="127.0.0.1",
                           ice_interfaces=[call_namespace["ice_interface"]])
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def janus_rooms(janus) -> JanusRooms:
    return JanusRooms(janus.http_url, janus.room_admin_key, timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """e2e/conftest.py's Chromium, with fake camera and microphone."""
    return {**browser_type_launch_args,
            "args": [*browser_type_launch_args.get("args", []), *CALL_CHROMIUM_FLAGS]}
