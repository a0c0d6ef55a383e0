"""The four categories of article 4 and the communication needs that lengthen a call."""

from __future__ import annotations

CATEGORIES = {
    "information": {
        "name": {"el": "Διοικητική Πληροφόρηση – Διεκπεραίωση αίτησης",
                 "en": "Administrative information – submitting an application"},
        "description": {"el": "Πληροφορίες για διαδικασίες των ΚΕΠ και αιτήσεις που δεν απαιτούν "
                              "αυτοπρόσωπη παρουσία ή υπογραφή.",
                        "en": "Information about KEP procedures, and applications that do not need you "
                              "to be there or to sign in person."},
        "slot_minutes": 20,
    },
    "business": {
        "name": {"el": "Υπηρεσίες προς επιχειρήσεις", "en": "Services to businesses"},
        "description": {"el": "Αδειοδότηση, έναρξη επιχείρησης και διαδικασίες των ΚΕΠ για επιχειρήσεις, "
                              "για τον νόμιμο εκπρόσωπο.",
                        "en": "Licensing, starting a business and KEP procedures for businesses, "
                              "for their legal representative."},
        "slot_minutes": 20,
    },
    "disability": {
        "name": {"el": "Εξυπηρέτηση πολιτών με αναπηρία", "en": "Services to citizens with disabilities"},
        "description": {"el": "Οι διαδικασίες των ΚΕΠ με περισσότερο χρόνο για τη βιντεοκλήση.",
                        "en": "KEP procedures with more time for the video call."},
        # Article 4.3: the call is longer in this category.
        "slot_minutes": 40,
    },
    "municipal": {
        "name": {"el": "Εξυπηρέτηση από το Δήμο σας", "en": "Services from your municipality"},
        "description": {"el": "Δημοτικές υπηρεσίες, από ΚΕΠ του δήμου σας.",
                        "en": "Municipal services, from a KEP of your municipality."},
        "slot_minutes": 20,
    },
}

# Extra minutes each declared need adds to the call.
NEEDS = {
    "sign_language": {"name": {"el": "Διερμηνέας Ελληνικής Νοηματικής Γλώσσας",
                               "en": "Greek Sign Language interpreter"},
                      "extra_minutes": 20},
    "lip_reading": {"name": {"el": "Χειλεανάγνωση", "en": "Lip-reading"}, "extra_minutes": 10},
    "text_chat": {"name": {"el": "Γραπτή συνομιλία ή υπότιτλοι", "en": "Text chat or captions"}, "extra_minutes": 10},
    "third_person": {"name": {"el": "Τρίτο πρόσωπο (διερμηνέας ή συνοδός)",
                              "en": "A third person (interpreter or companion)"},
                     "extra_minutes": 10},
}

ID_DOCUMENTS = {
    "identity_card": {"el": "Αστυνομική ταυτότητα", "en": "Identity card"},
    "passport": {"el": "Διαβατήριο", "en": "Passport"},
    "residence_permit": {"el": "Άδεια διαμονής", "en": "Residence permit"},
    "other": {"el": "Άλλο έγγραφο ταυτοποίησης", "en": "Another identity document"},
}

DELIVERY_METHODS = ("email", "post", "pickup")
CONTACT_PREFERENCES = ("email", "sms")


def slot_minutes(category: str, needs) -> int:
    return CATEGORIES[category]["slot_minutes"] + sum(NEEDS[need]["extra_minutes"] for need in set(needs))


def categories_view():
    return [
        {
            "id": category_id,
            "name": category["name"],
            "description": category["description"],
            "slot_minutes": category["slot_minutes"],
            "requires_municipality": category_id == "municipal",
            "requires_business": category_id == "business",
            "delivery_methods": list(DELIVERY_METHODS) if category_id == "municipal" else ["email", "post"],
        }
        for category_id, category in CATEGORIES.items()
    ]


def needs_view():
    return [{"id": need_id, "name": need["name"], "extra_minutes": need["extra_minutes"]}
            for need_id, need in NEEDS.items()]
