"""The slow-changing data: categories and needs, municipalities and KEPs, procedures.

Cached for a few minutes per process: every page of the wizard needs them, and
a KEP added by an administrator may show up a little later, which is fine.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import replace
from operator import attrgetter

from cachetools import TTLCache, cachedmethod
from cachetools.keys import methodkey

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import Category, Kep, Municipality, Procedure, parse_list

CATALOGUE_SECONDS = 300


def cached(name: str):
    """Cache a method's answer for a few minutes, keyed by its name and arguments
    (methods of one client share one cache, so the name keeps them apart)."""
    return cachedmethod(attrgetter("_cache"),
                        key=lambda self, *args, **kwargs: (name, *methodkey(self, *args, **kwargs)),
                        lock=attrgetter("_cache_lock"))


class CachedClient(ApiClient):
    def __init__(self, config, **kwargs):
        super().__init__(config, **kwargs)
        self._cache = TTLCache(maxsize=512, ttl=config.get("SCHEDULING_CATALOGUE_SECONDS", CATALOGUE_SECONDS))
        self._cache_lock = threading.Lock()

    def forget(self) -> None:
        with self._cache_lock:
            self._cache.clear()


class CategoriesClient(CachedClient):
    @cached("categories")
    def _payload(self):
        return self.get("/categories")

    def categories(self) -> list[Category]:
        return parse_list(self._payload(), "categories", Category.parse)

    def category(self, category_id: str) -> Category | None:
        return next((category for category in self.categories() if category.id == category_id), None)


class PlacesClient(CachedClient):
    @cached("municipalities")
    def municipalities(self) -> list[Municipality]:
        return parse_list(self.get("/municipalities"), "municipalities", Municipality.parse)

    @cached("keps")
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


class ProceduresClient(CachedClient):
    @cached("procedures")
    def procedures(self, category: str, municipality_id: str | None = None) -> list[Procedure]:
        params = {"category": category}
        if municipality_id:
            params["municipality"] = municipality_id
        return parse_list(self.get("/procedures", params=params), "procedures", Procedure.parse)
