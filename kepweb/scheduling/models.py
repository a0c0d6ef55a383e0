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
    documents: tuple[Document, ...] = ()  # the supporting documents the KEP has, oldest first

    @classmethod
    def parse(cls, raw) -> Booking:
        if raw["status"] not in ("confirmed", "cancelled"):
            raise ValueError("unknown booking status")
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
            documents=tuple(Document.parse(item) for item in raw.get("documents") or ()),
        )


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
