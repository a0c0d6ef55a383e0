"""The reference data: the 112 municipalities of the seed and 180 KEPs."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PLACES_FILE = Path(__file__).parent / "data" / "places.json"
PROCEDURES_FILE = Path(__file__).parent / "data" / "procedures.json"


@lru_cache(maxsize=1)
def places() -> dict:
    return json.loads(PLACES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def procedures() -> dict:
    return json.loads(PROCEDURES_FILE.read_text(encoding="utf-8"))


def municipality_view(municipality: dict) -> dict:
    return {
        "id": municipality["id"],
        "name": {"el": municipality["name_el"], "en": municipality["name_en"]},
        "region": {"el": municipality["region_el"], "en": municipality["region_en"]},
    }


def kep_view(kep: dict) -> dict:
    return {
        "id": kep["id"],
        "code": kep["code"],
        "municipality_id": kep["municipality_id"],
        "name": {"el": kep["name_el"], "en": kep["name_en"]},
        "address": {
            "street": {"el": kep["address_el"], "en": kep["address_en"]},
            "postcode": kep["postcode"],
            "town": {"el": kep["town_el"], "en": kep["town_en"]},
        },
        "phone": kep["phone"],
        "opening_hours": kep["opening_hours"],
    }
