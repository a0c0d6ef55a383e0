"""The forms of my appointments that are more than a button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField

from kepweb.forms import Form


class AddDocumentForm(Form):
    """One supporting document for an upcoming appointment: checked as the wizard checks them."""

    file = FileField(_l("Add a supporting document"))
