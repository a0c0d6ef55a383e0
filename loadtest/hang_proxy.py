"""A TCP proxy between the frontend and the scheduling API that the load test can make hang.

It runs in the locust process (gevent): while `hung`, it forwards no byte either way and connects no new
connection to the API, as an API that accepts and never answers; afterwards it forwards again, so
connections the frontend has not given up on go on. Loopback only.
"""

from __future__ import annotations

import time

import gevent
from gevent import socket
from gevent.server import StreamServer

CHUNK = 65536
PAUSE = 0.05  # seconds between two looks at `hung` while held


class HangProxy:
    def __init__(self, listen_port: int, upstream: tuple[str, int]):
        self.upstream = upstream
        self.hung = False
        self.hang_started = self.hang_ended = None  # time.time() of each, once the hang has run
        self.server = StreamServer(("127.0.0.1", listen_port), self._handle)

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop(timeout=1)

    def hang_for(self, seconds: float) -> None:
        """Hang now, for `seconds`, in a greenlet of its own."""
        def hang():
            self.hung, self.hang_started = True, time.time()
            gevent.sleep(seconds)
            self.hung, self.hang_ended = False, time.time()
        gevent.spawn(hang)

    def _held(self) -> None:
        while self.hung:
            gevent.sleep(PAUSE)

    def _handle(self, client, _address) -> None:
        self._held()
        try:
            api = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            client.close()
            return
        api.settimeout(None)
        pipes = [gevent.spawn(self._pipe, client, api), gevent.spawn(self._pipe, api, client)]
        gevent.joinall(pipes, count=1)
        for sock in (client, api):
            sock.close()
        gevent.killall(pipes)

    def _pipe(self, source, destination) -> None:
        try:
            while data := source.recv(CHUNK):
                self._held()
                destination.sendall(data)
        except OSError:
            pass
