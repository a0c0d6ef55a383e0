"""Typed views of what the scheduling API answers.

Parsing is strict: an answer of the wrong shape becomes SchedulingUnavailable
(the API "answered nonsense"), never a half-rendered page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import get_locale

from kepweb.scheduling.base import SchedulingUnavailable


@dataclass(frozen=True)
class LocalText:
    """A text the API gives in Greek and English; shows itself in the page's language."""

    el: str
    en: str

    @classmethod
    def parse(cls, value) -> LocalText:
        if not isinstance(value, dict):
            raise TypeError("localised text must be an object")
        el, en = value["el"], value["en"]
        if not isinstance(el, str) or not isinstance(en, str) or not el or not en:
            raise TypeError("localised text must have Greek and English strings")
        return cls(el=el, en=en)

    def in_language(self, code: str) -> str:
        return self.en if code == "en" else self.el

    def __str__(self) -> str:
        return self.in_language(str(get_locale()))


def parse_moment(value) -> datetime:
    if not isinstance(value, str):
        raise TypeError("a time must be a string")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time must carry its zone")
    return moment.astimezone(timezone.utc)


def as_api_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Kep:
    id: str
    municipality_id: str
    name: LocalText
    street: LocalText
    postcode: str
    town: LocalText
    phone: str

    @classmethod
    def parse(cls, raw) -> Kep:
        address = raw["address"]
        return cls(
            id=str(raw["id"]),
            municipality_id=str(raw["municipality_id"]),
            name=LocalText.parse(raw["name"]),
            street=LocalText.parse(address["street"]),
            postcode=str(address["postcode"]),
            town=LocalText.parse(address["town"]),
            phone=str(raw.get("phone") or ""),
        )


@dataclass(frozen=True)
class Municipality:
    id: str
    name: LocalText
    region: LocalText
    keps: tuple[Kep, ...] = field(default=())

    @classmethod
    def parse(cls, raw) -> Municipality:
        return cls(id=str(raw["id"]), name=LocalText.parse(raw["name"]), region=LocalText.parse(raw["region"]))


@dataclass(frozen=True)
class Category:
    id: str
    name: LocalText
    description: LocalText
    requires_municipality: bool
    requires_business: bool
    delivery_methods: tuple[str, ...]

    @classmethod
    def parse(cls, raw) -> Category:
        return cls(
            id=str(raw["id"]), name=LocalText.parse(raw["name"]), description=LocalText.parse(raw["description"]),
            requires_municipality=bool(raw["requires_municipality"]),
            requires_business=bool(raw["requires_business"]), delivery_methods=tuple(raw["delivery_methods"]),
        )


@dataclass(frozen=True)
class Procedure:
    id: str
    category: str
    title: LocalText
    keywords: LocalText | None

    @classmethod
    def parse(cls, raw) -> Procedure:
        keywords = raw.get("keywords")
        return cls(
            id=str(raw["id"]), category=str(raw["category"]), title=LocalText.parse(raw["title"]),
            keywords=(LocalText(el=keywords.get("el", ""), en=keywords.get("en", ""))
                      if isinstance(keywords, dict) else None),
        )


@dataclass(frozen=True)
class Day:
    date: date
    free_slots: int

    @classmethod
    def parse(cls, raw) -> Day:
        return cls(date=date.fromisoformat(raw["date"]), free_slots=int(raw["free_slots"]))


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    kep_id: str

    @classmethod
    def parse(cls, raw) -> Slot:
        return cls(start=parse_moment(raw["start"]), end=parse_moment(raw["end"]), kep_id=str(raw["kep_id"]))


@dataclass(frozen=True)
class Hold:
    id: str
    kep_id: str
    needs: tuple[str, ...]
    start: datetime
    end: datetime
    expires_at: datetime
    can_extend: bool
    extension_minutes: int
    latest_expiry: datetime

    @classmethod
    def parse(cls, raw) -> Hold:
        return cls(
            id=str(raw["id"]), kep_id=str(raw["kep_id"]), needs=tuple(raw["needs"]), start=parse_moment(raw["start"]),
            end=parse_moment(raw["end"]), expires_at=parse_moment(raw["expires_at"]),
            can_extend=bool(raw["can_extend"]), extension_minutes=int(raw["extension_minutes"]),
            latest_expiry=parse_moment(raw["latest_expiry"]),
        )


def _moment_or_none(value) -> datetime | None:
    return parse_moment(value) if value else None


INVITATION_STATES = ("queued", "sent", "confirmed", "withdrawn")


@dataclass(frozen=True)
class Invitation:
    """Somebody the service invited to the call, and what has really happened to the invitation."""

    role: str  # interpreter or third_person
    name: str
    state: str
    sent_at: datetime | None
    confirmed_at: datetime | None
    withdrawn_at: datetime | None

    @classmethod
    def parse(cls, raw) -> Invitation:
        if raw["state"] not in INVITATION_STATES or raw["role"] not in ("interpreter", "third_person"):
            raise ValueError("unknown invitation state or role")
        return cls(role=raw["role"], name=str(raw["name"]), state=raw["state"],
                   sent_at=_moment_or_none(raw.get("sent_at")), confirmed_at=_moment_or_none(raw.get("confirmed_at")),
                   withdrawn_at=_moment_or_none(raw.get("withdrawn_at")))


BOOKING_STATUSES = ("confirmed", "cancelled", "served", "not_served", "no_show", "follow_up")


@dataclass(frozen=True)
class CallOutcome:
    """What the KEP recorded at the end of the call."""

    outcome: str
    reason: str | None
    protocol_number: str | None
    at: datetime

    @classmethod
    def parse(cls, raw) -> CallOutcome | None:
        if raw is None:
            return None
        if raw["outcome"] not in BOOKING_STATUSES[2:]:
            raise ValueError("unknown outcome")
        return cls(outcome=raw["outcome"], reason=raw.get("reason"), protocol_number=raw.get("protocol_number"),
                   at=parse_moment(raw["at"]))


@dataclass(frozen=True)
class CallResult:
    """The result document of the request, and how far its delivery has gone."""

    name: str
    media_type: str
    size: int
    delivery: str
    state: str
    post_record: str | None
    at: datetime
    delivered_at: datetime | None

    @classmethod
    def parse(cls, raw) -> CallResult | None:
        if raw is None:
            return None
        if raw["state"] not in ("sending", "emailed", "posted", "ready_for_pickup"):
            raise ValueError("unknown result state")
        return cls(name=str(raw["name"]), media_type=str(raw["media_type"]), size=int(raw["size"]),
                   delivery=str(raw["delivery"]), state=raw["state"], post_record=raw.get("post_record"),
                   at=parse_moment(raw["at"]), delivered_at=_moment_or_none(raw.get("delivered_at")))
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


@dataclass(frozen=True)
class Document:
    """A supporting document the service keeps for the KEP (its content is fetched apart)."""

    id: str
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime

    @classmethod
    def parse(cls, raw) -> Document:
        if raw["media_type"] not in DOCUMENT_TYPES:
            raise ValueError("unknown document type")
        return cls(id=str(raw["id"]), name=str(raw["name"]), media_type=raw["media_type"], size=int(raw["size"]),
                   sha256=str(raw["sha256"]), uploaded_at=parse_moment(raw["uploaded_at"]))


@dataclass(frozen=True)
class DocumentContent:
    """A document's bytes as the API sent them, with the type it found in them."""

    name: str
    media_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Booking:
    reference: str
    status: str
    category: str
    procedure_id: str
    procedure_title: LocalText
    kep: Kep
    start: datetime
    end: datetime
    meeting_url: str
    details: dict  # the citizen's answers as the API keeps them
    invitations: tuple[Invitation, ...] = ()
    interpreter_name: str | None = None  # the interpreter the API allocated, if any
    identity_check: str = "not_done"  # the KEP's check in the call: not_done, passed or failed
    sound_only_allowed: bool = False  # art. 6.3: only after a passed identity check
    outcome: CallOutcome | None = None
    result: CallResult | None = None
    documents: tuple[Document, ...] = ()  # the supporting documents the KEP has, oldest first

    @classmethod
    def parse(cls, raw) -> Booking:
        if raw["status"] not in BOOKING_STATUSES:
            raise ValueError("unknown booking status")
        if raw.get("identity_check", "not_done") not in ("not_done", "passed", "failed"):
            raise ValueError("unknown identity check state")
        kep = dict(raw["kep"])
        return cls(
            reference=str(raw["reference"]), status=raw["status"], category=str(raw["category"]),
            procedure_id=str(raw["procedure"]["id"]),
            procedure_title=LocalText.parse(raw["procedure"]["title"]), kep=Kep.parse(kep),
            start=parse_moment(raw["start"]), end=parse_moment(raw["end"]), meeting_url=str(raw["meeting_url"]),
            details={name: raw.get(name) for name in (
                "contact", "id_document", "needs", "third_person", "other_needs", "contact_preference",
                "delivery", "business", "language")},
            invitations=tuple(Invitation.parse(item) for item in raw.get("invitations") or ()),
            interpreter_name=str(raw["interpreter"]["name"]) if raw.get("interpreter") else None,
            identity_check=raw.get("identity_check", "not_done"),
            sound_only_allowed=raw.get("sound_only_allowed") is True,
            outcome=CallOutcome.parse(raw.get("outcome")), result=CallResult.parse(raw.get("result")),
            documents=tuple(Document.parse(item) for item in raw.get("documents") or ()),
        )


@dataclass(frozen=True)
class BookingAllowance:
    """The API's cap on a citizen's active bookings, and how many more they may make now."""

    limit: int
    active: int
    remaining: int

    @classmethod
    def parse(cls, raw) -> BookingAllowance:
        return cls(limit=int(raw["limit"]), active=int(raw["active"]), remaining=int(raw["remaining"]))


@dataclass(frozen=True)
class FirstFree:
    """The earliest free time, or why there is none (`limited_by`: "interpreter" when only they are missing)."""

    slot: Slot | None
    limited_by: str | None

    @classmethod
    def parse(cls, raw) -> FirstFree:
        return cls(slot=Slot.parse(raw["slot"]) if raw.get("slot") else None, limited_by=raw.get("limited_by"))


@dataclass(frozen=True)
class NeedsProfile:
    """The communication needs a citizen asked the service to keep for next time."""

    needs: tuple[str, ...]
    third_person: dict | None
    other_needs: str
    updated: datetime

    @classmethod
    def parse(cls, raw) -> NeedsProfile:
        third = raw.get("third_person")
        return cls(needs=tuple(raw["needs"]), other_needs=str(raw.get("other_needs") or ""),
                   third_person={"name": str(third["name"]), "email": str(third["email"])} if third else None,
                   updated=parse_moment(raw["updated"]))


@dataclass(frozen=True)
class GuestInvitation:
    """What an invited person (interpreter, third person) may see through their own link."""

    role: str
    name: str
    state: str
    access: str  # granted, or other_device when another device opened the link first
    expires_at: datetime
    reference: str
    status: str
    start: datetime
    end: datetime
    kep_name: LocalText
    meeting_url: str | None

    @classmethod
    def parse(cls, raw) -> GuestInvitation:
        booking = raw["booking"]
        if raw["access"] not in ("granted", "other_device") or raw["state"] not in INVITATION_STATES:
            raise ValueError("unknown invitation access or state")
        return cls(role=raw["role"], name=str(raw["name"]), state=raw["state"], access=raw["access"],
                   expires_at=parse_moment(raw["expires_at"]), reference=str(booking["reference"]),
                   status=booking["status"], start=parse_moment(booking["start"]), end=parse_moment(booking["end"]),
                   kep_name=LocalText.parse(booking["kep"]["name"]), meeting_url=booking.get("meeting_url"))


STAFF_ROLES = ("employee", "head", "admin")


@dataclass(frozen=True)
class StaffMember:
    """A member of the KEP staff as the scheduling API's registry knows them: always with a role
    (one without a role is refused by the API, never described)."""

    subject: str
    name: str
    role: str
    kep_id: str | None
    kep_name: LocalText | None
    employee_id: str | None

    @classmethod
    def parse(cls, raw) -> StaffMember:
        if raw["role"] not in STAFF_ROLES:
            raise ValueError("unknown staff role")
        kep = raw.get("kep")
        subject, name, employee_id = raw["subject"], raw["name"], raw.get("employee_id")
        if not isinstance(subject, str) or not subject or not isinstance(name, str):
            raise TypeError("a staff member has a subject and a name")
        if raw["role"] in ("employee", "head") and not kep:
            raise ValueError("an employee or a head belongs to a KEP")
        return cls(subject=subject, name=name, role=raw["role"], kep_id=str(kep["id"]) if kep else None,
                   kep_name=LocalText.parse(kep["name"]) if kep else None,
                   employee_id=str(employee_id) if employee_id else None)


def parse_one(payload, parser):
    try:
        return parser(payload)
    except (KeyError, TypeError, ValueError) as error:
        raise SchedulingUnavailable(f"unexpected answer: {error}") from error


def parse_list(payload, key, parser):
    try:
        items = payload[key]
        if not isinstance(items, list):
            raise TypeError(f"{key} is not a list")
        return [parser(item) for item in items]
    except (KeyError, TypeError, ValueError) as error:
        raise SchedulingUnavailable(f"unexpected {key} answer: {error}") from error
