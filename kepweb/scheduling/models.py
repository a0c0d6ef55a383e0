"""Typed views of what the scheduling API answers.

Parsing is strict: an answer of the wrong shape becomes SchedulingUnavailable
(the API "answered nonsense"), never a half-rendered page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale

from kepweb.scheduling.base import SchedulingUnavailable


@dataclass(frozen=True)
class LocalText:
    """A text the API gives in Greek and English; shows itself in the page's language."""

    el: str
    en: str

    @classmethod
    def parse(cls, value) -> "LocalText":
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
    def parse(cls, raw) -> "Kep":
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
    def parse(cls, raw) -> "Municipality":
        return cls(
            id=str(raw["id"]),
            name=LocalText.parse(raw["name"]),
            region=LocalText.parse(raw["region"]),
        )


def parse_list(payload, key, parser):
    try:
        items = payload[key]
        if not isinstance(items, list):
            raise TypeError(f"{key} is not a list")
        return [parser(item) for item in items]
    except (KeyError, TypeError, ValueError) as error:
        raise SchedulingUnavailable(f"unexpected {key} answer: {error}") from error
