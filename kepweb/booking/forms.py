"""One form per step. Messages say what to do, in the GOV.GR way."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from stdnum.gr import vat
from wtforms import (
    BooleanField,
    EmailField,
    MultipleFileField,
    RadioField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from kepweb.forms import Form


class CategoryForm(Form):
    category = RadioField(_l("What do you need help with?"), validators=[
        InputRequired(_l("Choose what you need help with"))])


class BusinessForm(Form):
    representative = RadioField(
        _l("Are you the legal representative of the business?"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[InputRequired(_l("Say whether you are the business's legal representative"))],
    )
    tax_id = StringField(_l("The business's tax number (<span lang=\"el\">ΑΦΜ</span>)"), validators=[
        DataRequired(_l("Enter the business's tax number (<span lang=\"el\">ΑΦΜ</span>)"))])
    name = StringField(_l("The business's name"), validators=[
        DataRequired(_l("Enter the business's name")),
        Length(max=200, message=_l("The name must be 200 characters or fewer"))])

    def validate_representative(self, field):
        if field.data == "no":
            raise ValidationError(_l("Only the legal representative can book for a business. Ask them to book, "
                                     "or choose another category if the matter is your own."))

    def validate_tax_id(self, field):
        compact = vat.compact(field.data or "")
        if not (compact.isdigit() and len(compact) == 9 and vat.is_valid(compact)):
            raise ValidationError(_l('Enter a valid tax number (<span lang="el">ΑΦΜ</span>): 9 digits, like 094014201'))
        field.data = compact


class ProcedureForm(Form):
    procedure = RadioField(_l("Choose the procedure"), validate_choice=False,
                           validators=[InputRequired(_l("Choose the procedure"))])


class MunicipalityForm(Form):
    municipality = RadioField(_l("Where would you like to be served?"), validate_choice=False,
                              validators=[InputRequired(_l("Choose where you would like to be served"))])


class KepForm(Form):
    kep = RadioField(_l("Choose the KEP"), validators=[InputRequired(_l("Choose the KEP"))])


GREEK_PHONE = re.compile(r"^(\+30|0030)?(2[0-9]{9}|69[0-9]{8})$")
GREEK_MOBILE = re.compile(r"^(\+30|0030)?69[0-9]{8}$")


class DetailsForm(Form):
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your full name")),
        Length(max=200, message=_l("Your name must be 200 characters or fewer"))])
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address")),
        Email(message=_l("Enter an email address in the correct format, like name@example.com"))])
    phone = TelField(_l("Mobile phone number"), validators=[DataRequired(_l("Enter your mobile phone number"))])
    street = StringField(_l("Street and number"), validators=[
        DataRequired(_l("Enter your street and number")), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(_l("Enter your postcode"))])
    town = StringField(_l("Town or city"), validators=[DataRequired(_l("Enter your town or city")), Length(max=100)])
    contact_preference = RadioField(
        _l("How should we send you messages about this appointment?"),
        choices=[("email", _l("By email")), ("sms", _l("By email and by text message (SMS)"))],
        validators=[InputRequired(_l("Choose how we should send you messages"))],
    )

    def validate_phone(self, field):
        digits = re.sub(r"[\s\-().]", "", field.data or "")
        if not GREEK_PHONE.match(digits):
            raise ValidationError(_l("Enter a Greek phone number, like 691 234 5678 or +30 691 234 5678"))
        if self.contact_preference.data == "sms" and not GREEK_MOBILE.match(digits):
            raise ValidationError(_l("Enter a mobile number, like 691 234 5678: text messages cannot reach "
                                     "a landline"))

    def validate_postcode(self, field):
        digits = re.sub(r"\s", "", field.data or "")
        if not re.fullmatch(r"[0-9]{5}", digits):
            raise ValidationError(_l("Enter a postcode of 5 digits, like 105 63"))
        field.data = digits


ID_DOCUMENTS = (
    ("identity_card", _l("Identity card")),
    ("passport", _l("Passport")),
    ("residence_permit", _l("Residence permit")),
    ("other", _l("Another identity document")),
)


class DocumentForm(Form):
    id_document = RadioField(_l("Which identity document will you show to the camera?"), choices=ID_DOCUMENTS,
                             validators=[InputRequired(_l("Choose the identity document you will show"))])
    files = MultipleFileField(_l("Supporting documents (optional)"))


NEEDS = (
    ("sign_language", _l("A Greek Sign Language interpreter")),
    ("lip_reading", _l("Lip-reading: the employee faces the camera, with good light")),
    ("text_chat", _l("Text chat or captions")),
    ("third_person", _l("A third person to take part, such as an interpreter or a companion")),
)


class NeedsForm(Form):
    needs = SelectMultipleField(_l("Do you need any of these during the call?"), choices=NEEDS,
                                validators=[Optional()])
    third_person_name = StringField(_l("Their full name"), validators=[Length(max=200)])
    third_person_email = EmailField(_l("Their email address"))
    other_needs = TextAreaField(_l("Anything else we should know? (optional)"), validators=[
        Length(max=1000, message=_l("Write 1,000 characters or fewer"))])
    # Health-related data (GDPR art. 9): kept for next time only when the citizen says so.
    remember = BooleanField(_l("Remember these needs for my next booking"))

    def validate_third_person_name(self, field):
        if "third_person" in (self.needs.data or []) and not (field.data or "").strip():
            raise ValidationError(_l("Enter the third person's full name"))

    def validate_third_person_email(self, field):
        value = (field.data or "").strip()
        if "third_person" in (self.needs.data or []) and not value:
            raise ValidationError(_l("Enter the third person's email address, so that we can invite them"))
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError:
                raise ValidationError(_l("Enter the third person's email address in the correct format, "
                                         "like name@example.com")) from None


class DeliveryForm(Form):
    method = RadioField(_l("How do you want to receive the result?"), validate_choice=False,
                        validators=[InputRequired(_l("Choose how you want to receive the result"))])
    post_to = RadioField(_l("Where should we post it?"),
                         choices=[("same", _l("To my address")), ("other", _l("To another address"))],
                         validators=[Optional()])
    street = StringField(_l("Street and number"), validators=[Length(max=200)])
    postcode = StringField(_l("Postcode"))
    town = StringField(_l("Town or city"), validators=[Length(max=100)])

    def _posting_elsewhere(self):
        return self.method.data == "post" and self.post_to.data == "other"

    def validate_post_to(self, field):
        if self.method.data == "post" and field.data not in ("same", "other"):
            raise ValidationError(_l("Choose where we should post the result"))

    def validate_street(self, field):
        if self._posting_elsewhere() and not (field.data or "").strip():
            raise ValidationError(_l("Enter the street and number"))

    def validate_postcode(self, field):
        if self._posting_elsewhere() and not re.fullmatch(r"[0-9]{5}", re.sub(r"\s", "", field.data or "")):
            raise ValidationError(_l("Enter a postcode of 5 digits, like 105 63"))

    def validate_town(self, field):
        if self._posting_elsewhere() and not (field.data or "").strip():
            raise ValidationError(_l("Enter the town or city"))


class ConfirmForm(Form):
    """Only the CSRF token: the answers are already on the server."""
