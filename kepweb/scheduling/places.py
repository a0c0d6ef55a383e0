"""Municipalities and their KEPs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import Kep, Municipality, parse_list


class PlacesClient(ApiClient):
    def municipalities(self) -> list[Municipality]:
        return parse_list(self.get("/municipalities"), "municipalities", Municipality.parse)

    def keps(self, municipality_id: str | None = None) -> list[Kep]:
        params = {"municipality": municipality_id} if municipality_id else None
        return parse_list(self.get("/keps", params=params), "keps", Kep.parse)

    def municipalities_with_keps(self) -> list[Municipality]:
        keps_by_municipality = defaultdict(list)
        for kep in self.keps():
            keps_by_municipality[kep.municipality_id].append(kep)
        return [
            replace(municipality, keps=tuple(keps_by_municipality[municipality.id]))
            for municipality in self.municipalities()
        ]
