"""The people around a call: a citizen's kept communication needs, and the invitations
of the interpreter and the third person (opened through their own link, no Taxisnet)."""

from __future__ import annotations

from kepweb.scheduling.base import ApiClient, NotFound
from kepweb.scheduling.models import GuestInvitation, NeedsProfile, parse_one


class NeedsProfilesClient(ApiClient):
    def saved(self, citizen_tax_id) -> NeedsProfile | None:
        try:
            payload = self.get("/needs-profile", citizen_tax_id=citizen_tax_id)
        except NotFound:
            return None
        return parse_one(payload, NeedsProfile.parse)

    def save(self, citizen_tax_id, *, needs, third_person: dict | None, other_needs: str) -> NeedsProfile:
        body = {"needs": sorted(needs), "third_person": third_person, "other_needs": other_needs}
        return parse_one(self.put("/needs-profile", json=body, citizen_tax_id=citizen_tax_id), NeedsProfile.parse)

    def delete_saved(self, citizen_tax_id) -> None:
        self.delete("/needs-profile", citizen_tax_id=citizen_tax_id)


class InvitationsClient(ApiClient):
    """The guest side: `device` is an opaque id of the browser that opened the link."""

    def open(self, token: str, device: str) -> GuestInvitation:
        return parse_one(self.post(f"/invitations/{token}/open", json={"device": device}), GuestInvitation.parse)

    def confirm(self, token: str, device: str) -> GuestInvitation:
        return parse_one(self.post(f"/invitations/{token}/confirm", json={"device": device}), GuestInvitation.parse)
