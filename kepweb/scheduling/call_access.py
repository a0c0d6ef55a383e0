"""The video call as one person joins it (`CallAccess`): the call server's address, the room, and
that person's own token, for the citizen, the assigned employee or an invited guest.

Asked once per page, never retried: the API asks the call server in turn, and a call server that
is not answering is said at once (`CallServerUnavailable`), not after three slow tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kepweb.scheduling.base import UPSTREAM_PROBLEM_CLASSES, ApiClient, SchedulingProblem
from kepweb.scheduling.models import parse_moment, parse_one

CALL_ROLES = ("citizen", "employee", "interpreter", "third_person")


class CallServerUnavailable(SchedulingProblem):
    """The call server (not the scheduling API) did not answer: the API said `call_server_unavailable`."""


UPSTREAM_PROBLEM_CLASSES["call_server_unavailable"] = CallServerUnavailable


@dataclass(frozen=True)
class Participant:
    role: str
    name: str
    feed_id: int
    chat_username: str

    @classmethod
    def parse(cls, raw) -> Participant:
        if raw["role"] not in CALL_ROLES:
            raise ValueError("unknown call role")
        return cls(role=raw["role"], name=str(raw["name"]), feed_id=int(raw["feed_id"]),
                   chat_username=str(raw["chat_username"]))

    def for_script(self) -> dict:
        return {"role": self.role, "name": self.name, "feed_id": self.feed_id, "chat_username": self.chat_username}


@dataclass(frozen=True)
class CallAccess:
    reference: str
    role: str
    server_url: str
    ice_servers: list
    room: int
    token: str
    feed_id: int
    chat_username: str
    display_name: str
    participants: tuple[Participant, ...]
    opens: datetime
    closes: datetime
    sound_only_allowed: bool

    @classmethod
    def parse(cls, raw) -> CallAccess:
        if raw["role"] not in CALL_ROLES or not isinstance(raw["ice_servers"], list):
            raise ValueError("not a call")
        return cls(reference=str(raw["reference"]), role=raw["role"], server_url=str(raw["server_url"]),
                   ice_servers=raw["ice_servers"], room=int(raw["room"]), token=str(raw["token"]),
                   feed_id=int(raw["feed_id"]), chat_username=str(raw["chat_username"]),
                   display_name=str(raw["display_name"]),
                   participants=tuple(Participant.parse(item) for item in raw["participants"]),
                   opens=parse_moment(raw["opens"]), closes=parse_moment(raw["closes"]),
                   sound_only_allowed=raw["sound_only_allowed"] is True)

    def others(self) -> tuple[Participant, ...]:
        return tuple(person for person in self.participants if person.feed_id != self.feed_id)


class CallAccessClient(ApiClient):
    def __init__(self, config, **kwargs):
        super().__init__(config, retries=0, **kwargs)

    def for_citizen(self, citizen_tax_id: str, reference: str) -> CallAccess:
        return parse_one(self.get(f"/bookings/{reference}/call", citizen_tax_id=citizen_tax_id), CallAccess.parse)

    def for_employee(self, staff_subject: str, reference: str) -> CallAccess:
        return parse_one(self.get(f"/staff/calls/{reference}/call", staff_subject=staff_subject), CallAccess.parse)

    def for_guest(self, token: str, device: str) -> CallAccess:
        return parse_one(self.post(f"/invitations/{token}/call", json={"device": device}), CallAccess.parse)
