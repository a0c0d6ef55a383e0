"""The call's browser tests: Janus, the web server and Chromium together in a network namespace.

Janus gathers no ICE candidates on loopback, so media needs a real interface; these tests run
inside `scripts/call-namespace` (a veth pair whose two ends are both inside, no way out), which
e2e/test_call_namespace.py starts. Outside the namespace e2e/conftest.py does not collect this
folder; run directly, the fixtures here fail with the command to use.

The browsers run on a second host, the namespace's other end of the veth: they reach the web server
and Janus (WebSockets and media) at KEPWEB_CALL_HOST over the veth, as from another machine. Janus
offers candidates on that veth end only; its HTTP API, for the service, stays on 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

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
    """A Janus of our own: WebSockets on the namespace's veth (the browsers are on the other host), its
    HTTP API on 127.0.0.1 (for the service, on this host), ICE on the veth, recordings in tmp."""
    assert JanusProcess.available(), "Janus is not installed: run `bash scripts/test`, which installs it"
    process = JanusProcess(tmp_path_factory.mktemp("janus"), ws_ip=call_namespace["host"],
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


# -- the whole service in the namespace ------------------------------------------------------------

CITIZEN = {"tax_id": "094014201", "first_name": "Μαρία", "last_name": "Παπαδοπούλου", "father_name": "",
           "mother_name": "", "birth_year": "1980", "user_id": "maria"}
THIRD_PERSON = {"name": "Νίκος Γεωργίου", "email": "nikos@example.com"}
CARD = {"document_kind": "identity_card", "document_number": "ΑΚ 123456", "shown_on_camera": True}


class CallService:
    """kepweb and the sandbox (tests/live_service.py) with Janus as the call server, and one booking
    of the citizen Maria at Chania's KEP, with a sign-language interpreter and a third person, whose
    call is on: the API's clock is a minute after its start.

    Each person's page is the real one, reached as they reach it: the citizen and the employee
    signed in (their sessions made server-side, as the sign-in would), the guests through their
    invitation link on their own device."""

    def __init__(self, database, janus, host="127.0.0.1"):
        from tests.clock import SandboxClock
        from tests.live_service import LiveService

        self.janus = janus
        self.recordings = janus.recordings
        self.janus_pid = janus.pid
        self.clock = SandboxClock()
        self.live = LiveService(database, {"PROPAGATE_EXCEPTIONS": False}, {"clock": self.clock}, call_server=janus,
                                host=host)
        self.url = self.live.url
        self.scheduling = self.live.frontend.extensions["scheduling"]
        self._devices = {}
        self.booking = self.book()
        self.move_clock_into_the_call(self.booking)

    # -- the booking ------------------------------------------------------------------------------

    def book(self, procedure="housing-allowance"):
        from sandbox.scheduling.db import Database

        api = self.scheduling
        needs = ("sign_language", "third_person")
        slot = api.availability.first_free("information", procedure, municipality_id="chania", needs=needs).slot
        hold = api.holds.hold(CITIZEN["tax_id"], category="information", procedure=procedure, kep_id=slot.kep_id,
                              start=slot.start, needs=needs)
        booking = api.bookings.book(CITIZEN["tax_id"], {
            "hold_id": hold.id, "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com",
                                            "phone": "6912345678",
                                            "address": {"street": "Ερμού 1", "postcode": "10563", "town": "Αθήνα"}},
            "id_document": "identity_card", "needs": list(needs), "third_person": THIRD_PERSON,
            "contact_preference": "email", "delivery": {"method": "email"}, "language": "el"},
            idempotency_key=hold.id)
        with Database(self.live.database).write() as connection:  # who serves it is the service's choice
            connection.execute("UPDATE bookings SET employee_id='kep-chania-1-e1', kep_id='kep-chania-1' "
                               "WHERE reference=?", (booking.reference,))
        return booking

    def move_clock_into_the_call(self, booking, minutes_after_start=1):
        """The API's clock inside the booking's join window (which opens 15 minutes before the start)."""
        from datetime import datetime, timedelta, timezone

        self.clock.behind = -(booking.start - datetime.now(timezone.utc) + timedelta(minutes=minutes_after_start))

    def names(self) -> dict:
        """role → name, as the API lists the people in the call."""
        from sandbox.scheduling.db import Database

        connection = Database(self.live.database).read()
        rows = connection.execute(
            "SELECT p.role, p.name FROM call_participants p JOIN bookings b ON b.id = p.booking_id"
            " WHERE b.reference=? AND p.revoked IS NULL", (self.booking.reference,))
        return {row["role"]: row["name"] for row in rows}

    # -- each person's way in ---------------------------------------------------------------------

    def url_for(self, role: str, booking=None) -> str:
        reference = (booking or self.booking).reference
        if role == "citizen":
            return f"{self.url}/appointments/{reference}/call"
        if role == "employee":
            return f"{self.url}/staff/calls/{reference}/call"
        return f"{self.url}/join/call"

    def cookies_for(self, role: str, booking=None) -> list[dict]:
        """The cookies of a browser just signed in as `role` (a new session each time), or, for a guest,
        that has just opened their invitation link on their one device (the same device each time)."""
        client = self.live.frontend.test_client()
        with client.session_transaction() as session:
            session["last_seen"] = time.time()
            if role == "citizen":
                session["citizen"] = CITIZEN
            elif role == "employee":
                from tests.test_staff_access import identity

                session["staff"] = identity("chania-employee")
        if role in ("interpreter", "third_person"):
            device = self._devices.setdefault((role, (booking or self.booking).reference), secrets.token_urlsafe(32))
            client.set_cookie("kepweb_device", device, path="/join")
            client.get(f"/join/{self.invitation_token(role, booking)}")
            assert client.get("/join").status_code == 200  # opened on this device
        return [{"name": cookie.key, "value": cookie.value, "url": f"{self.url}{cookie.path}"}
                for cookie in client._cookies.values()]

    def invitation_token(self, role, booking=None) -> str:
        """The token of the join link in the invitation email that this guest was sent."""
        import re

        from sandbox.scheduling.db import Database

        reference = (booking or self.booking).reference
        email = Database(self.live.database).read().execute(
            "SELECT i.email FROM invitations i JOIN bookings b ON b.id = i.booking_id"
            " WHERE b.reference=? AND i.role=? AND i.state != 'withdrawn'", (reference, role)).fetchone()["email"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for message in self.live.outbox.messages():
                found = re.search(r"/join/(\S+)", message["text"])
                if message["to"] == [email] and found:
                    return found.group(1)
            time.sleep(0.2)
        raise AssertionError(f"no invitation email reached the {role}")

    # -- what the employee records ----------------------------------------------------------------

    @property
    def identity_checked(self) -> bool:
        return self.scheduling.bookings.get_booking(CITIZEN["tax_id"], self.booking.reference).sound_only_allowed

    @identity_checked.setter
    def identity_checked(self, passed: bool) -> None:
        """The employee records a check that passed (the register's card of Maria) or did not."""
        from tests.test_staff_access import identity

        subject = identity("chania-employee")["subject"]
        self.scheduling.staff_calls.record_identity_check(subject, self.booking.reference,
                                                          {**CARD, "matches_person": passed})

    def cancel(self, booking) -> None:
        self.scheduling.bookings.cancel(CITIZEN["tax_id"], booking.reference)

    def stop(self):
        self.live.stop()


@pytest.fixture(scope="module")
def call_service(janus, call_namespace, tmp_path_factory):
    """The service on this host's end of the veth, where the browsers' host reaches it."""
    service = CallService(tmp_path_factory.mktemp("call") / "scheduling.sqlite3", janus, host=call_namespace["host"])
    yield service
    service.stop()


def browser_on_the_other_host(playwright, service):
    """e2e/conftest.py's Chromium, started on the browsers' host (scripts/call-namespace), with a fake
    camera and microphone it may use without asking. The service is plain http on a private address,
    which browsers do not count as secure for the camera: this one is told to, for that address only
    (a real deployment is https)."""
    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    return playwright.chromium.launch(
        executable_path=str(Path(__file__).with_name("chromium-on-the-browsers-host")),
        env={**os.environ, "KEPWEB_CALL_CHROMIUM": CHROMIUM},
        args=[*CHROMIUM_FLAGS, *CALL_CHROMIUM_FLAGS, f"--unsafely-treat-insecure-origin-as-secure={service.url}"])


@pytest.fixture(scope="module")
def call_browser(playwright, call_service):
    browser = browser_on_the_other_host(playwright, call_service)
    yield browser
    browser.close()
