"""The embedded default (frontend and every sandbox stand-in) on a real port,
for tests that need real HTTP between them: sign-in round trips, browsers."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server

import app as entry_point
from kepweb.limits import LIMITS
from tests.conftest import free_port

# Browser tests walk every step and state of the wizard, sign in and search many times a minute as one
# citizen from one address, faster than any person: the fair-use budgets (kepweb/limits.py) would stop
# them. Those budgets are proven in tests/test_limits.py; here they are out of the way.
ROBOT_BUDGETS = {action: ("10000/minute", "10000/minute") for action in LIMITS}
# The same robots book far more appointments as one citizen than the API's cap on active bookings allows
# (KEPWEB_SANDBOX_MAX_ACTIVE_BOOKINGS): out of their way too. The cap is proven in
# tests/sandbox/test_active_bookings_cap.py, its page in e2e/test_call_refusals.py (which sets a cap of its own).
ROBOT_ACTIVE_BOOKINGS = 10000


class LiveService:
    def __init__(self, database, overrides=None, sandbox_settings=None, call_server=None, host="127.0.0.1"):
        self.database = database  # the scheduling service's SQLite file
        self.server = make_server(host, 0, lambda environ, start: [], threaded=True)
        self.url = f"http://{host}:{self.server.port}"
        wsgi_app, self.frontend, self.outbox, self.back_channel = entry_point.embedded_default(
            self.url, free_port(), {"RATELIMITS": ROBOT_BUDGETS, **(overrides or {})},
            {"database": database, "loop_seconds": 0.2, "max_active_bookings": ROBOT_ACTIVE_BOOKINGS,
             **(sandbox_settings or {})},
            call_server=call_server,
        )
        self.server.app = wsgi_app
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.back_channel.stop()
        self.outbox.stop()
