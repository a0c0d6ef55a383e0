from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from kepweb.forms import Form


class FeedbackForm(Form):
    problem = TextAreaField(
        _l("What is the problem?"),
        validators=[
            DataRequired(_l("Tell us what the problem is")),
            Length(max=3000, message=_l("Your message must be 3,000 characters or fewer")),
        ],
    )
    page = StringField(
        _l("Which page or step was it on? (optional)"),
        validators=[Optional(), Length(max=200, message=_l("Keep the page name to 200 characters or fewer"))],
    )
    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=200, message=_l("Your name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Your email address (optional)"),
        validators=[
            Optional(),
            Email(message=_l("Enter an email address in the correct format, like name@example.com")),
        ],
    )
