"""The identity register's stand-in: is this document real, valid and the citizen's?

Article 6.2 of the decision: the employee confirms the document shown on camera through
the Interoperability Centre (KED) of the General Secretariat for Information Systems.
In production the reference service would ask KED; here a small register of fictional
documents answers, one for each case the KEP's console must handle: the citizen's own
valid document, a document reported lost, an expired one, another person's, and one the
register does not know. The documents belong to the GSIS stand-in's test citizens.

Numbers are compared as the register keeps them: capitals, no spaces or dashes, and a
Latin letter that looks like a Greek capital read as the Greek one (an identity card's
«ΑΚ 123456» typed on a Latin keyboard is "AK123456").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Answer = Literal["match", "other_person", "reported_lost", "expired", "not_in_register"]

# Latin capitals that look like Greek capitals, as typed on a Latin keyboard.
_LOOKALIKES = str.maketrans("ABEZHIKMNOPTYX", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")


@dataclass(frozen=True)
class RegisteredDocument:
    kind: str  # identity_card, passport, residence_permit (the booking's id_document values)
    number: str
    tax_id: str
    status: Literal["valid", "reported_lost", "expired"] = "valid"


REGISTER = (
    RegisteredDocument("identity_card", "ΑΚ123456", "094014201"),  # ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ
    RegisteredDocument("identity_card", "ΑΗ987654", "094014201", status="reported_lost"),  # her old card
    RegisteredDocument("passport", "ΑΝ1234567", "094014201", status="expired"),
    RegisteredDocument("identity_card", "ΑΒ246802", "135792468"),  # ΓΕΩΡΓΙΟΣ ΑΝΤΩΝΙΟΥ
    RegisteredDocument("passport", "ΑΡ7654321", "135792468"),
    RegisteredDocument("identity_card", "ΑΜ135790", "123456783"),  # ΝΙΚΟΛΑΟΣ ΝΙΚΟΛΑΟΥ
    RegisteredDocument("residence_permit", "ΤΕΡ2026001", "998877666"),  # ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ
    RegisteredDocument("identity_card", "ΑΖ112233", "090000045"),  # ΚΩΝΣΤΑΝΤΙΝΟΣ ΚΩΝΣΤΑΝΤΙΝΙΔΗΣ
)


def normalised(number: str) -> str:
    return "".join(character for character in number.upper() if character.isalnum()).translate(_LOOKALIKES)


def look_up(kind: str, number: str, tax_id: str) -> Answer:
    """What the register says of document `number` of `kind` shown by the citizen with `tax_id`."""
    wanted = normalised(number)
    for document in REGISTER:
        if document.kind == kind and document.number == wanted:
            if document.tax_id != tax_id:
                return "other_person"
            return "match" if document.status == "valid" else document.status
    return "not_in_register"
