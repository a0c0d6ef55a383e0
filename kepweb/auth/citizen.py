"""Who signed in: the citizen GSIS describes in its userinfo XML."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from stdnum.gr import vat


class UnusableUserinfo(Exception):
    """GSIS's answer cannot identify a citizen (bad XML, no or invalid ΑΦΜ)."""


@dataclass(frozen=True)
class Citizen:
    tax_id: str
    first_name: str
    last_name: str
    father_name: str
    mother_name: str
    birth_year: str
    user_id: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def to_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data) -> Citizen | None:
        try:
            return cls(**data)
        except TypeError:
            return None


def normalise_tax_id(raw: str) -> str:
    """GSIS may pad the ΑΦΜ with spaces or extra leading zeros: 9 digits, check digit right."""
    digits = raw.strip()
    if not digits.isdigit():
        raise UnusableUserinfo("the ΑΦΜ is not a number")
    if len(digits) > 9:
        if set(digits[:-9]) != {"0"}:
            raise UnusableUserinfo("the ΑΦΜ is too long")
        digits = digits[-9:]
    digits = digits.zfill(9)
    if not vat.is_valid(digits):
        raise UnusableUserinfo("the ΑΦΜ fails its check digit")
    return digits


def parse_userinfo(xml: bytes | str) -> Citizen:
    """`<root><userinfo userid taxid lastname firstname fathername mothername birthyear/></root>`.

    defusedxml refuses DTDs and entity declarations outright (billion laughs,
    external entities), so a hostile answer fails here instead of in memory.
    """
    try:
        root = ElementTree.fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError) as error:
        raise UnusableUserinfo(f"userinfo is not acceptable XML: {type(error).__name__}") from error
    info = root.find("userinfo") if root.tag == "root" else None
    if info is None:
        raise UnusableUserinfo("no <userinfo> element")

    def value(name):
        return " ".join((info.get(name) or "").split())

    return Citizen(
        tax_id=normalise_tax_id(info.get("taxid") or ""),
        first_name=value("firstname"),
        last_name=value("lastname"),
        father_name=value("fathername"),
        mother_name=value("mothername"),
        birth_year=value("birthyear"),
        user_id=value("userid"),
    )
