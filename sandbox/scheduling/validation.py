"""Checking what the frontend sends: every mistake becomes a field message in
Greek and English, never a 500."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

from email_validator import EmailNotValidError, validate_email
from stdnum.gr import vat

from sandbox.scheduling.catalogue import CATEGORIES, CONTACT_PREFERENCES, DELIVERY_METHODS, ID_DOCUMENTS, NEEDS
from sandbox.scheduling.problems import Problem, field_error

REQUIRED = field_error("Συμπληρώστε αυτό το πεδίο", "Enter a value")
POSTCODE = re.compile(r"^[0-9]{5}$")  # [0-9]: \d would take any script's digits


class Checker:
    """Collects every field error of one request, then raises them together."""

    def __init__(self, data):
        if not isinstance(data, dict):
            raise Problem("validation", detail="The body must be a JSON object.")
        self.data = data
        self.errors: dict[str, dict] = {}

    def fail(self, field: str, el: str, en: str) -> None:
        self.errors.setdefault(field, field_error(el, en))

    def text(self, source: dict, name: str, field: str, max_length=200, required=True) -> str:
        value = source.get(name) if isinstance(source, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors.setdefault(field, REQUIRED)
            return ""
        if not isinstance(value, str):
            self.fail(field, "Η τιμή πρέπει να είναι κείμενο", "The value must be text")
            return ""
        value = " ".join(value.split())
        if any(unicodedata.category(character) in ("Cc", "Cs") for character in value):
            # NUL, escape and the like are never typed: stored, they would reach emails and employees.
            self.fail(field, "Αφαιρέστε τους χαρακτήρες ελέγχου", "Remove the control characters")
            return ""
        if len(value) > max_length:
            self.fail(field, f"Γράψτε έως {max_length} χαρακτήρες", f"Write {max_length} characters or fewer")
        return value

    def choice(self, source: dict, name: str, field: str, allowed) -> str:
        value = source.get(name) if isinstance(source, dict) else None
        if not isinstance(value, str) or value not in allowed:
            self.fail(field, "Επιλέξτε μία από τις διαθέσιμες επιλογές", "Choose one of the options")
            return ""
        return value

    def raise_if_any(self) -> None:
        if self.errors:
            raise Problem("validation", errors=self.errors)


def parse_time(value, field="start") -> int:
    if not isinstance(value, str):
        raise Problem("validation", errors={field: field_error("Λείπει η ώρα", "The time is missing")})
    invalid = Problem("validation", errors={field: field_error("Η ώρα δεν είναι έγκυρη", "The time is not valid")})
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        utc = moment.astimezone(timezone.utc) if moment.tzinfo else None
    except (ValueError, OverflowError):
        raise invalid from None
    if moment.tzinfo is None:
        raise Problem("validation",
                      errors={field: field_error("Η ώρα χρειάζεται ζώνη ώρας", "The time needs a time zone")})
    if not 1 < utc.year < 9999:  # so that its day in Athens is a date too
        raise invalid
    return int(utc.timestamp())


def needs_list(checker: Checker, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(not isinstance(need, str) or need not in NEEDS for need in value):
        checker.fail("needs", "Άγνωστη ανάγκη επικοινωνίας", "Unknown communication need")
        return []
    return sorted(set(value))


def needs_answers(checker: Checker, data: dict) -> dict:
    """needs, third_person (only with that need) and other_needs: as a booking and a needs profile take them."""
    needs = needs_list(checker, data.get("needs"))
    third_person = None
    if "third_person" in needs:
        source = data.get("third_person") if isinstance(data.get("third_person"), dict) else {}
        third_person = {
            "name": checker.text(source, "name", "third_person.name"),
            "email": email_address(checker, source, "email", "third_person.email"),
        }
    other_needs = checker.text(data, "other_needs", "other_needs", max_length=1000, required=False)
    return {"needs": needs, "third_person": third_person, "other_needs": other_needs}


def normalise_phone(raw: str) -> str | None:
    """A Greek landline or mobile number, as +30 and 10 digits; None if it is not one."""
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("+30"):
        digits = digits[3:]
    elif digits.startswith("0030"):
        digits = digits[4:]
    if re.fullmatch(r"(2[0-9]{9}|69[0-9]{8})", digits):
        return f"+30{digits}"
    return None


def require_mobile(checker: Checker, phone: str) -> None:
    """Text messages reach only a mobile: a Greek one, +3069… once normalised."""
    if not phone.startswith("+3069"):
        checker.fail("contact.phone", "Για μηνύματα SMS γράψτε ένα ελληνικό κινητό, όπως 6912345678",
                     "For text messages, enter a Greek mobile number, like 6912345678")


def email_address(checker: Checker, source, name, field, required=True) -> str:
    value = checker.text(source, name, field, max_length=254, required=required)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        checker.fail(field, "Γράψτε μια διεύθυνση email στη σωστή μορφή, όπως name@example.com",
                     "Enter an email address in the correct format, like name@example.com")
        return ""


def address(checker: Checker, source, prefix) -> dict:
    if not isinstance(source, dict):
        checker.errors.setdefault(f"{prefix}.street", REQUIRED)
        return {}
    result = {
        "street": checker.text(source, "street", f"{prefix}.street"),
        "postcode": checker.text(source, "postcode", f"{prefix}.postcode", max_length=5),
        "town": checker.text(source, "town", f"{prefix}.town", max_length=100),
    }
    if result["postcode"] and not POSTCODE.match(result["postcode"]):
        checker.fail(f"{prefix}.postcode", "Ο ταχυδρομικός κώδικας έχει 5 ψηφία", "A postcode has 5 digits")
    return result


def booking_details(data, category: str) -> dict:
    """The citizen's answers, checked and tidied, ready to store."""
    checker = Checker(data)
    contact_source = data.get("contact")
    if not isinstance(contact_source, dict):
        contact_source = {}
    contact = {
        "name": checker.text(contact_source, "name", "contact.name"),
        "email": email_address(checker, contact_source, "email", "contact.email"),
        "phone": "",
        "address": address(checker, contact_source.get("address"), "contact.address"),
    }
    phone = checker.text(contact_source, "phone", "contact.phone", max_length=30)
    if phone:
        contact["phone"] = normalise_phone(phone) or ""
        if not contact["phone"]:
            checker.fail("contact.phone", "Γράψτε ένα ελληνικό αριθμό τηλεφώνου, όπως 6912345678",
                         "Enter a Greek phone number, like 6912345678")
    id_document = checker.choice(data, "id_document", "id_document", ID_DOCUMENTS)
    communication = needs_answers(checker, data)
    contact_preference = checker.choice(data, "contact_preference", "contact_preference", CONTACT_PREFERENCES)
    if contact_preference == "sms":
        require_mobile(checker, contact["phone"])
    delivery_source = data.get("delivery") if isinstance(data.get("delivery"), dict) else {}
    method = checker.choice(delivery_source, "method", "delivery.method", DELIVERY_METHODS)
    delivery = {"method": method, "address": None}
    if method == "pickup" and category != "municipal":
        checker.fail("delivery.method", "Η παραλαβή από το ΚΕΠ ισχύει μόνο για δημοτικές υπηρεσίες",
                     "Collecting from the KEP is only for municipal services")
    if method == "post":
        delivery["address"] = (address(checker, delivery_source.get("address"), "delivery.address")
                               if delivery_source.get("address") is not None else contact["address"])
    business = None
    if category == "business":
        source = data.get("business") if isinstance(data.get("business"), dict) else {}
        business = {"tax_id": checker.text(source, "tax_id", "business.tax_id", max_length=20),
                    "name": checker.text(source, "name", "business.name")}
        if business["tax_id"]:
            compact = vat.compact(business["tax_id"])
            if not vat.is_valid(compact):
                checker.fail("business.tax_id", "Ο ΑΦΜ της επιχείρησης δεν είναι έγκυρος",
                             "The business's tax number (ΑΦΜ) is not valid")
            business["tax_id"] = compact
    language = data.get("language", "el")
    if language not in ("el", "en"):
        checker.fail("language", "Η γλώσσα πρέπει να είναι el ή en", "The language must be el or en")
    checker.raise_if_any()
    return {
        "contact": contact, "id_document": id_document, **communication, "contact_preference": contact_preference,
        "delivery": delivery, "business": business, "language": language,
    }


def citizen_tax_id(raw: str | None) -> str | None:
    """The ΑΦΜ the frontend got from GSIS, 9 digits with a valid check digit, else None."""
    if not raw or not re.fullmatch(r"\d{9}", raw) or not vat.is_valid(raw):
        return None
    return raw


def check_category(value) -> str:
    if not isinstance(value, str) or value not in CATEGORIES:
        raise Problem("validation", errors={"category": field_error("Άγνωστη κατηγορία", "Unknown category")})
    return value


def json_body():
    """The request's JSON body, or None when there is none or it is nested too deep to decode."""
    from flask import request

    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None
