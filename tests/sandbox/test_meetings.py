"""The video call's rooms in the reference service: one room per booking, one token per person,
handed only to that person inside the join window, taken away when they leave the call, and the
room destroyed after it. The call server here is `FakeCallServer`, which keeps what Janus keeps
(rooms, their secrets, the tokens each admits); tests/janus and e2e/call run the real Janus."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.scheduling import Settings, meetings
from tests.sandbox.conftest import ELENI as ELENI_TAX_ID
from tests.sandbox.conftest import NIKOS, staff_headers
from tests.sandbox.test_invitations import (
    COMPANION,
    ELENI,
    LAPTOP,
    PETROS,
    PHONE,
    TUESDAY_NINE,
    book_with_guests,
    interpreters,  # noqa: F401 - a fixture
    open_link,
    scheduling_of,
    token_of,
)
from tests.sandbox.test_staff import SUBJECT, access_log


class FakeCallServer:
    """Janus as the service sees it: private rooms that admit only the tokens they list."""

    def __init__(self):
        self.rooms: dict[int, dict] = {}
        self.kicked: list[int] = []
        self.down = False

    def _answer(self):
        if self.down:
            raise meetings.CallServerUnavailable("down")

    def create(self, room, secret, tokens, description):
        self._answer()
        self.rooms.setdefault(room, {"secret": secret, "allowed": set(tokens)})

    def allow(self, room, secret, tokens):
        self._answer()
        assert self.rooms[room]["secret"] == secret
        self.rooms[room]["allowed"] |= set(tokens)

    def revoke(self, room, secret, token, feed_id, chat_username):
        self._answer()
        assert self.rooms[room]["secret"] == secret
        self.rooms[room]["allowed"].discard(token)
        self.kicked.append(feed_id)

    def destroy(self, room, secret):
        self._answer()
        self.rooms.pop(room, None)

    def admits(self, room, token) -> bool:
        return room in self.rooms and token in self.rooms[room]["allowed"]


@pytest.fixture
def call_server(settings):
    settings.call_rooms = FakeCallServer()
    settings.call_server_url = "ws://127.0.0.1:8188/"
    return settings.call_rooms


@pytest.fixture
def booking(api, service, interpreters, call_server):  # noqa: F811
    made = book_with_guests(api, service)
    with scheduling_of(service).database.write() as connection:  # who serves it is the service's choice
        connection.execute("UPDATE bookings SET kep_id='kep-chania-1', employee_id='kep-chania-1-e1' WHERE reference=?",
                           (made["reference"],))
    return made


@pytest.fixture
def at_the_call(clock, booking):
    """Booked first, then the clock moves to five minutes before the call."""
    clock.now = (TUESDAY_NINE - timedelta(minutes=5)).astimezone(clock.now.tzinfo)


def citizen_call(api, booking, citizen=None):
    return api.get(f"/bookings/{booking['reference']}/call", **({"citizen": citizen} if citizen else {}))


def staff_call(api, booking, username="chania-employee"):
    headers = staff_headers(SUBJECT[username])
    return api.client.get(f"/v1/staff/calls/{booking['reference']}/call", headers=headers)


def guest_call(api, token, device=PHONE):
    return open_link(api, token, device, action="call")


def reconcile(service):
    scheduling_of(service).meetings.reconcile_all()


@pytest.mark.usefixtures("at_the_call")
def test_the_citizen_gets_their_own_token_to_a_room_that_admits_everybody_invited(api, booking, call_server):
    answer = citizen_call(api, booking)
    assert answer.status_code == 200, answer.json
    call = answer.json
    assert call["role"] == "citizen" and call["display_name"] == "Μαρία Παπαδοπούλου"
    assert call["server_url"] == "ws://127.0.0.1:8188/" and call["sound_only_allowed"] is False
    assert {(p["role"], p["name"]) for p in call["participants"]} == {
        ("citizen", "Μαρία Παπαδοπούλου"), ("employee", "Ελένη Μαρκάκη"),
        ("interpreter", ELENI["name"]), ("third_person", COMPANION["name"])}
    assert call_server.admits(call["room"], call["token"])
    assert len(call_server.rooms[call["room"]]["allowed"]) == 4
    assert "secret" not in str(call).lower() and call_server.rooms[call["room"]]["secret"] not in str(call)
    assert citizen_call(api, booking).json["token"] == call["token"], "the same token every time"


@pytest.mark.usefixtures("at_the_call")
def test_each_person_gets_a_different_token_to_the_same_room(api, service, booking, call_server):
    assert open_link(api, token_of(service, "interpreter")).status_code == 200
    citizen = citizen_call(api, booking).json
    employee = staff_call(api, booking).json
    interpreter = guest_call(api, token_of(service, "interpreter")).json
    assert (employee["role"], interpreter["role"]) == ("employee", "interpreter")
    assert citizen["room"] == employee["room"] == interpreter["room"]
    assert len({citizen["token"], employee["token"], interpreter["token"]}) == 3
    assert len({citizen["feed_id"], employee["feed_id"], interpreter["feed_id"]}) == 3
    actions = [entry["action"] for entry in access_log(api)]
    assert {"call.join", "staff.call_join", "invitation.call_join"} <= set(actions)


def test_no_token_before_the_join_window_opens(api, booking, clock, call_server):
    clock.now = (TUESDAY_NINE - timedelta(minutes=16)).astimezone(clock.now.tzinfo)
    answer = citizen_call(api, booking)
    assert answer.status_code == 409 and answer.json["code"] == "not_allowed"
    clock.now = (TUESDAY_NINE - timedelta(minutes=15)).astimezone(clock.now.tzinfo)
    assert citizen_call(api, booking).status_code == 200


@pytest.mark.usefixtures("at_the_call")
def test_nobody_else_gets_a_token(api, service, booking, call_server):
    assert citizen_call(api, booking, citizen=NIKOS).status_code == 404
    assert citizen_call(api, booking, citizen=ELENI_TAX_ID).status_code == 404
    assert staff_call(api, booking, "rhodes-employee").status_code == 404
    head = staff_call(api, booking, "chania-head")
    assert head.status_code == 403 and head.json["code"] == "forbidden"
    token = token_of(service, "third_person")
    assert open_link(api, token, PHONE).status_code == 200
    assert guest_call(api, token, LAPTOP).status_code == 409, "only on the device that opened the link"
    assert guest_call(api, "forged-token").status_code == 404


@pytest.mark.usefixtures("at_the_call")
def test_a_cancelled_booking_loses_its_room_and_every_token(api, service, booking, call_server):
    call = citizen_call(api, booking).json
    assert api.post(f"/bookings/{booking['reference']}/cancel").status_code == 200
    reconcile(service)
    assert not call_server.admits(call["room"], call["token"]) and call["room"] not in call_server.rooms
    answer = citizen_call(api, booking)
    assert answer.status_code == 409 and answer.json["code"] == "not_allowed"


@pytest.mark.usefixtures("at_the_call")
def test_a_change_through_the_api_wakes_the_room_loop(api, service, booking):
    meetings_of = scheduling_of(service).meetings
    meetings_of.wake.clear()
    api.post(f"/bookings/{booking['reference']}/cancel")
    assert meetings_of.wake.is_set()


@pytest.mark.usefixtures("at_the_call")
def test_a_withdrawn_invitation_takes_that_persons_token_out_of_the_room(api, service, booking, call_server):
    token = token_of(service, "interpreter")
    open_link(api, token)
    eleni = guest_call(api, token).json
    replace_the_interpreter(service, booking, PETROS)
    reconcile(service)
    assert not call_server.admits(eleni["room"], eleni["token"]) and eleni["feed_id"] in call_server.kicked
    assert guest_call(api, token).status_code == 409
    names = {p["name"] for p in citizen_call(api, booking).json["participants"]}
    assert PETROS["name"] in names and ELENI["name"] not in names
    assert len(call_server.rooms[eleni["room"]]["allowed"]) == 4


def test_rooms_open_before_the_call_and_are_destroyed_after_it(api, service, booking, clock, call_server):
    clock.now = (TUESDAY_NINE - timedelta(minutes=30)).astimezone(clock.now.tzinfo)
    reconcile(service)
    assert call_server.rooms == {}
    clock.now = (TUESDAY_NINE - timedelta(minutes=19)).astimezone(clock.now.tzinfo)
    reconcile(service)
    [room] = call_server.rooms
    clock.now = (TUESDAY_NINE + timedelta(hours=2)).astimezone(clock.now.tzinfo)
    reconcile(service)
    assert call_server.rooms == {}
    assert scheduling_of(service).database.read().execute("SELECT COUNT(*) FROM call_participants").fetchone()[0] == 0
    answer = citizen_call(api, booking)
    assert answer.status_code == 409


@pytest.mark.usefixtures("at_the_call")
def test_a_call_server_that_does_not_answer_is_said_plainly_and_nothing_is_half_made(api, service, booking,
                                                                                    call_server):
    call_server.down = True
    answer = citizen_call(api, booking)
    assert answer.status_code == 502 and answer.json["code"] == "call_server_unavailable"
    assert scheduling_of(service).database.read().execute("SELECT COUNT(*) FROM call_rooms").fetchone()[0] == 0
    call_server.down = False
    assert citizen_call(api, booking).status_code == 200


@pytest.mark.usefixtures("at_the_call")
def test_no_call_server_configured_is_the_same_plain_answer(api, booking, settings):
    settings.call_rooms = None
    answer = citizen_call(api, booking)
    assert answer.status_code == 502 and answer.json["code"] == "call_server_unavailable"


@pytest.mark.usefixtures("at_the_call")
def test_sound_only_is_allowed_after_a_passed_identity_check(api, booking, clock):
    assert citizen_call(api, booking).json["sound_only_allowed"] is False
    clock.now = TUESDAY_NINE.astimezone(clock.now.tzinfo)
    check = {"document_kind": "identity_card", "document_number": "ΑΚ 123456", "shown_on_camera": True,
             "matches_person": True}
    headers = staff_headers(SUBJECT["chania-employee"])
    recorded = api.client.post(f"/v1/staff/calls/{booking['reference']}/identity-check", json=check, headers=headers)
    assert recorded.status_code == 201, recorded.json
    assert citizen_call(api, booking).json["sound_only_allowed"] is True


def test_a_call_server_of_its_own_is_read_from_the_environment_with_its_key_and_address(monkeypatch):
    from sandbox.janus.rooms import JanusRooms

    monkeypatch.setenv("KEPWEB_SANDBOX_JANUS_URL", "http://127.0.0.1:8088/janus")
    monkeypatch.setenv("KEPWEB_SANDBOX_JANUS_ADMIN_KEY", "a-room-admin-key")
    monkeypatch.setenv("KEPWEB_SANDBOX_CALL_SERVER_URL", "wss://call.mykeplive.example/")
    monkeypatch.setenv("KEPWEB_SANDBOX_ICE_SERVERS", '[{"urls": "turn:turn.mykeplive.example", "username": "u", '
                                                     '"credential": "c"}]')
    settings = Settings.from_environment()
    assert isinstance(settings.call_rooms, JanusRooms) and settings.call_server_url == "wss://call.mykeplive.example/"
    assert settings.ice_servers[0]["urls"] == "turn:turn.mykeplive.example"
    monkeypatch.delenv("KEPWEB_SANDBOX_JANUS_ADMIN_KEY")
    with pytest.raises(ValueError, match="ADMIN_KEY"):
        Settings.from_environment()



def replace_the_interpreter(service, booking, interpreter):
    from sandbox.scheduling import invitations

    with scheduling_of(service).database.write() as connection:
        connection.execute("UPDATE bookings SET interpreter_id=? WHERE reference=?",
                           (interpreter["id"], booking["reference"]))
        booking_id = connection.execute("SELECT id FROM bookings WHERE reference=?",
                                        (booking["reference"],)).fetchone()["id"]
        invitations.follow_booking(connection, booking_id, scheduling_of(service).now())


@pytest.mark.usefixtures("at_the_call")
def test_a_call_server_that_lost_its_rooms_gets_the_room_back_with_the_next_change(api, service, booking,
                                                                                  call_server):
    citizen_call(api, booking)
    call_server.rooms.clear()  # Janus restarted: its rooms live in its memory only
    replace_the_interpreter(service, booking, PETROS)
    reconcile(service)
    again = citizen_call(api, booking).json
    assert call_server.admits(again["room"], again["token"])
    assert PETROS["name"] in {person["name"] for person in again["participants"]}
