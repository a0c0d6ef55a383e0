"""The base of every form: what all text a citizen types must be.

Control characters (NUL, escape, the other C0 and C1 codes) cannot be typed on
a keyboard; sent anyway, they would be stored, emailed and shown to employees.
Every text field of every form refuses them with a field error, like any other
mistake. Line breaks and tabs are allowed where a text area allows lines.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

LINE_CHARACTERS = frozenset("\n\r\t")


def has_control_characters(text: str, allow_lines: bool) -> bool:
    return any(unicodedata.category(character) in ("Cc", "Cs")
               and not (allow_lines and character in LINE_CHARACTERS) for character in text)


def refuse_control_characters(_form, field):
    if field.data and has_control_characters(field.data, allow_lines=isinstance(field, TextAreaField)):
        raise ValidationError(_l("Remove the hidden control characters: use only letters, numbers and punctuation"))


class Form(FlaskForm):
    def validate(self, extra_validators=None):
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for field in self:
            if isinstance(field, StringField):  # email, phone and text areas too
                extra.setdefault(field.name, []).append(refuse_control_characters)
        return super().validate(extra)
