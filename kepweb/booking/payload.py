"""The booking request the scheduling API takes (`POST /bookings`), from the wizard's answers."""

from __future__ import annotations


def booking_request(answers: dict, language: str) -> dict:
    details, needs, delivery = answers["details"], answers["needs"], answers["delivery"]
    body = {
        "hold_id": answers["hold"]["id"],
        "contact": {"name": details["full_name"], "email": details["email"], "phone": details["phone"],
                    "address": {"street": details["street"], "postcode": details["postcode"], "town": details["town"]}},
        "id_document": answers["document"]["id_document"],
        "needs": needs["needs"],
        "other_needs": needs.get("other_needs", ""),
        "contact_preference": details["contact_preference"],
        "delivery": {"method": delivery["method"], "address": None},
        "language": language,
    }
    if "third_person" in needs["needs"]:
        body["third_person"] = {"name": needs["third_person_name"], "email": needs["third_person_email"]}
    if delivery.get("post_to") == "other":
        body["delivery"]["address"] = {name: delivery[name] for name in ("street", "postcode", "town")}
    if answers.get("business"):
        body["business"] = {"tax_id": answers["business"]["tax_id"], "name": answers["business"]["name"]}
    return body
