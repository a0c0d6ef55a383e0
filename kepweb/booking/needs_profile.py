"""The needs a citizen asked us to remember: kept by the scheduling API, never here.

Communication needs are health-related data (GDPR art. 9): they are kept between
bookings only when the citizen ticks "remember", and forgotten when they untick it
or delete them from their needs page.
"""

from __future__ import annotations

from kepweb.scheduling import clients
from kepweb.scheduling.models import NeedsProfile


def saved(tax_id: str) -> NeedsProfile | None:
    return clients().needs_profiles.saved(tax_id)


def as_answer(profile: NeedsProfile | None) -> dict:
    """The saved needs as the needs step's answer, for pre-filling it."""
    if profile is None:
        return {}
    third = profile.third_person or {}
    return {"needs": list(profile.needs), "third_person_name": third.get("name", ""),
            "third_person_email": third.get("email", ""), "other_needs": profile.other_needs, "remember": True}


def third_person_of(answer: dict) -> dict | None:
    if "third_person" not in answer["needs"]:
        return None
    return {"name": answer["third_person_name"], "email": answer["third_person_email"]}


def keep_or_forget(tax_id: str, answer: dict, *, keep: bool, saved: NeedsProfile | None) -> None:
    if keep:
        clients().needs_profiles.save(tax_id, needs=answer["needs"], third_person=third_person_of(answer),
                                      other_needs=answer["other_needs"])
    elif saved is not None:
        clients().needs_profiles.delete_saved(tax_id)
