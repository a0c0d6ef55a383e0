"""Starting and stopping the production stack's processes (deploy/stack.py), each on loopback, each
with its own log file; used by `bash scripts/production-demo` and by the tests' fixtures."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

# How long a process may take to listen before the start is given up (a loaded CI machine starts
# gunicorn's workers slowly); checked by polling, never by sleeping a fixed time.
START_TIMEOUT = 60


class StartFailed(RuntimeError):
    """A process of the stack exited or did not listen in time; the message names its log."""


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Process:
    """One process of the stack: started in a session of its own (so Ctrl-C in the terminal reaches the
    orchestrator, which stops each in turn), its output in `log_path`."""

    def __init__(self, name: str, command: list[str], log_path: Path, *, env: dict | None = None,
                 ports: tuple[int, ...] = (), cwd: Path | None = None):
        self.name, self.command, self.log_path, self.ports = name, command, log_path, ports
        self.env, self.cwd = env, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          env=self.env, cwd=self.cwd, start_new_session=True)
        return self

    def wait_until_listening(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not all(listening(port) for port in self.ports):
            if self.popen.poll() is not None:
                raise StartFailed(f"{self.name} exited ({self.popen.returncode}); see {self.log_path}")
            if time.monotonic() > deadline:
                raise StartFailed(f"{self.name} did not listen on {self.ports} in {timeout} s; see {self.log_path}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no graceful shutdown (the whole process group: gunicorn's workers too)."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self, grace: float = 10) -> None:
        if not self.running():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def redis_server(directory: Path, port: int) -> Process:
    """Debian's redis-server with a config of its own: loopback only, a password-less local store that
    keeps nothing on disk (sessions and counters last minutes; a restart of the demo starts clean)."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "redis.conf"
    config.write_text("\n".join([
        "bind 127.0.0.1", f"port {port}", "protected-mode yes", f"dir {directory.resolve()}",
        'save ""', "appendonly no", "daemonize no", "loglevel notice", "databases 4",
        # Sessions and uploads expire on their own; never evict one that has not (a lost session).
        "maxmemory-policy noeviction", "",
    ]))
    return Process("redis-server", [executable, str(config)], directory / "redis.log", ports=(port,))
