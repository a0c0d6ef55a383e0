"""A Janus instance of our own: its config folder, its process, and when it is ready."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from sandbox.janus.config import write_config

JANUS = os.environ.get("JANUS_PATH", "/usr/bin/janus")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class JanusProcess:
    """`janus -F folder -C folder/janus.jcfg`, with secrets generated unless given.

    The process runs in the recordings folder: a VideoRoom recording without a `rec_dir`
    is written to the working directory, so that is where a test looks for one.
    """

    def __init__(self, folder, *, admin_secret=None, room_admin_key=None, http_port=None, admin_port=None,
                 ws_port=None, ws_ip="127.0.0.1", ice_interfaces=None, recordings=None, allow_origin=None,
                 startup_timeout=20.0):
        self.folder = Path(folder).resolve()  # Janus runs in the recordings folder: relative paths would break
        self.admin_secret = admin_secret or secrets.token_urlsafe(24)
        self.room_admin_key = room_admin_key or secrets.token_urlsafe(24)
        self.http_port = http_port or free_port()
        self.admin_port = admin_port or free_port()
        self.ws_ip = ws_ip
        self.ws_port = ws_port or free_port(ws_ip)
        self.ice_interfaces = ice_interfaces
        self.recordings = Path(recordings or self.folder / "recordings")
        self.allow_origin = allow_origin
        self.startup_timeout = startup_timeout
        self.log_path = self.folder / "janus.log"
        self._process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which(JANUS) is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def http_url(self) -> str:
        """The Janus API over HTTP, for the backend (JanusRooms)."""
        return f"http://127.0.0.1:{self.http_port}/janus"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}/admin"

    @property
    def ws_url(self) -> str:
        """The Janus API over WebSockets, for browsers."""
        return f"ws://{self.ws_ip}:{self.ws_port}/"

    def write_config(self) -> Path:
        return write_config(self.folder, admin_secret=self.admin_secret, room_admin_key=self.room_admin_key,
                            http_port=self.http_port, admin_port=self.admin_port, ws_port=self.ws_port,
                            ws_ip=self.ws_ip, ice_interfaces=self.ice_interfaces, recordings=self.recordings,
                            allow_origin=self.allow_origin)

    def start(self) -> JanusProcess:
        if not self.available():
            raise FileNotFoundError(f"{JANUS} is missing: install Debian's package janus (scripts/lib.sh ensure_janus)")
        config = self.write_config()
        with open(self.log_path, "ab") as log:
            # Its own process group, so that stop() ends Janus and nothing it may have spawned.
            self._process = subprocess.Popen(
                [JANUS, "-F", str(self.folder), "-C", str(config)],
                cwd=self.recordings, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Janus exited with {self._process.returncode}: {self.log_excerpt()}")
            if self.answers():
                return
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"Janus did not answer within {self.startup_timeout} s: {self.log_excerpt()}")

    def answers(self) -> bool:
        try:
            return requests.get(f"{self.http_url}/info", timeout=1).ok
        except requests.RequestException:
            return False

    def log_excerpt(self, lines: int = 30) -> str:
        """The end of Janus's log, for the error that says why it did not start."""
        try:
            tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            tail = []
        return "\n".join([f"see {self.log_path}", *tail])

    def stop(self, timeout: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGINT)  # Janus's own clean shutdown
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> JanusProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
