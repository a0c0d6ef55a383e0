"""The forms of a call's record (articles 6–7): the identity check, the outcome, the result."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from kepweb.forms import Form

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
DOCUMENT_KINDS = [("identity_card", _l("Identity card")), ("passport", _l("Passport")),
                  ("residence_permit", _l("Residence permit")), ("other", _l("Another identity document"))]
OUTCOMES = [("served", _l("Served: the request is completed")),
            ("not_served", _l("Not served: the request could not be handled")),
            ("no_show", _l("The citizen did not join")),
            ("follow_up", _l("Needs a follow-up: the request needs more"))]


class IdentityCheckForm(Form):
    shown_on_camera = RadioField(_l("Did the citizen hold the document up to the camera, readable?"),
                                 choices=YES_NO, validators=[InputRequired(_l("Say whether the document was shown"))])
    matches_person = RadioField(_l("Are the photograph and the details those of the person in the call?"),
                                choices=YES_NO, validators=[InputRequired(_l("Say whether it is the same person"))])
    document_kind = RadioField(_l("Which document was shown?"), choices=DOCUMENT_KINDS,
                               validators=[InputRequired(_l("Choose the document that was shown"))])
    document_number = StringField(_l("The document's number"), validators=[
        InputRequired(_l("Enter the document's number")), Length(max=30, message=_l("Write 30 characters or fewer"))])

    def as_request(self) -> dict:
        return {"shown_on_camera": self.shown_on_camera.data == "yes",
                "matches_person": self.matches_person.data == "yes",
                "document_kind": self.document_kind.data, "document_number": self.document_number.data.strip()}


class OutcomeForm(Form):
    outcome = RadioField(_l("How did the call end?"), choices=OUTCOMES,
                         validators=[InputRequired(_l("Choose how the call ended"))])
    protocol_number = StringField(_l("Protocol number of the request"), validators=[
        Optional(), Length(max=40, message=_l("Write 40 characters or fewer"))])
    reason = TextAreaField(_l("Reason or what is still needed"), validators=[
        Optional(), Length(max=500, message=_l("Write 500 characters or fewer"))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # The same rules as the API's, said at the field before the API is asked.
        if self.outcome.data in ("served", "follow_up") and not (self.protocol_number.data or "").strip():
            self.protocol_number.errors = [*self.protocol_number.errors, _l("Enter the protocol number")]
            valid = False
        if self.outcome.data in ("not_served", "follow_up") and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, _l("Say why, or what is still needed")]
            valid = False
        return valid

    def as_request(self) -> dict:
        body = {"outcome": self.outcome.data}
        if (self.protocol_number.data or "").strip():
            body["protocol_number"] = self.protocol_number.data.strip()
        if (self.reason.data or "").strip():
            body["reason"] = self.reason.data.strip()
        return body


class ResultForm(Form):
    file = FileField(_l("The result document"))
    post_record = StringField(_l("Registered letter number or the day it was posted"), validators=[
        Optional(), Length(max=100, message=_l("Write 100 characters or fewer"))])
