"""A real Janus for the tests, on 127.0.0.1 with free ports.

Signalling works on loopback; only media needs another interface (see e2e/call).
No skipping: when /usr/bin/janus is missing the fixture fails, and `bash scripts/test`
installs it (scripts/lib.sh ensure_janus).
"""

from __future__ import annotations

import pytest

from sandbox.janus import JanusProcess, JanusRooms


@pytest.fixture(scope="session")
def janus(tmp_path_factory):
    assert JanusProcess.available(), "Janus is not installed: run `bash scripts/test`, which installs it"
    process = JanusProcess(tmp_path_factory.mktemp("janus")).start()
    yield process
    process.stop()


@pytest.fixture
def rooms(janus):
    return JanusRooms(janus.http_url, janus.room_admin_key, timeout=5)
