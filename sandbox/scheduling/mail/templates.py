"""The plain-text and HTML bodies, as Jinja templates kept in the package's code
(so an installed wheel needs no package data).

Both take the same context and say the same things in the same order. Every text
is already in the reader's language; the HTML environment escapes every value.
The plain text is for screen readers too: no rules, boxes or bullets drawn in
characters, one fact per line, links on lines of their own.
"""

from __future__ import annotations

from jinja2 import DictLoader, Environment, StrictUndefined

TEXT = """\
{{ heading }}

{{ greeting }}

{{ intro }}

{{ t.details_heading }}

{{ t.label_reference }}: {{ reference }}
{{ t.label_when }}: {{ when }}
{{ t.label_kep }}: {{ kep_name }}, {{ kep_address }}
{% if show_phone %}
{{ t.label_phone }}: {{ kep_phone }}
{% endif %}
{{ t.label_procedure }}: {{ procedure }}
{{ t.label_category }}: {{ category }}
{% if not cancelled %}

{{ t.label_needs }}:
{% for need in needs %}
{{ need }}
{% endfor %}

{{ t.label_delivery }}: {{ delivery }}

{{ t.join_heading }}

{{ t.join_link }}:
{{ links.join }}

{{ t.join_early }}
{{ t.join_identity }}
{{ t.join_not_recorded }}

{{ t.manage_heading }}

{{ t.manage_view }}:
{{ links.view }}

{{ t.manage_reschedule }}:
{{ links.reschedule }}

{{ t.manage_cancel }}:
{{ links.cancel }}
{% else %}

{{ t.book_again_heading }}

{{ t.book_again_intro }}

{{ t.book_again_link }}:
{{ book_again }}
{% endif %}

{{ calendar_note }}

{{ questions }}
{{ t.automatic }}
"""

# Every HTML email is this page: one column, the system's own fonts, inline styles only.
EMAIL_PAGE = """\
<!DOCTYPE html>
<html lang="{% block language %}{% endblock %}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }}</title>
</head>
<body style="margin:0; padding:16px; font-family:Arial, Helvetica, sans-serif; font-size:16px; \
line-height:1.5; color:#1a1a1a; background:#ffffff;">
<main style="max-width:40em;">
{% block content %}{% endblock %}
</main>
</body>
</html>
"""

HTML = """\
{% extends "email_page.html" %}
{% block language %}{{ language }}{% endblock %}
{% block content %}
<h1 style="font-size:24px; line-height:1.25;">{{ heading }}</h1>
<p>{{ greeting }}</p>
<p>{{ intro }}</p>

<h2 style="font-size:20px;">{{ t.details_heading }}</h2>
<dl>
<dt style="font-weight:bold;">{{ t.label_reference }}</dt>
<dd style="margin:0 0 8px 0;">{{ reference }}</dd>
<dt style="font-weight:bold;">{{ t.label_when }}</dt>
<dd style="margin:0 0 8px 0;">{{ when }}</dd>
<dt style="font-weight:bold;">{{ t.label_kep }}</dt>
<dd style="margin:0 0 8px 0;">{{ kep_name }}<br>{{ kep_address }}{% if show_phone %}<br>\
{{ t.label_phone }}: <a href="tel:{{ kep_phone_uri }}" style="color:#003476;">{{ kep_phone }}</a>{% endif %}</dd>
<dt style="font-weight:bold;">{{ t.label_procedure }}</dt>
<dd style="margin:0 0 8px 0;">{{ procedure }}</dd>
<dt style="font-weight:bold;">{{ t.label_category }}</dt>
<dd style="margin:0 0 8px 0;">{{ category }}</dd>
{% if not cancelled %}
<dt style="font-weight:bold;">{{ t.label_needs }}</dt>
<dd style="margin:0 0 8px 0;">
<ul style="margin:0; padding-left:20px;">
{% for need in needs %}
<li>{{ need }}</li>
{% endfor %}
</ul>
</dd>
<dt style="font-weight:bold;">{{ t.label_delivery }}</dt>
<dd style="margin:0 0 8px 0;">{{ delivery }}</dd>
{% endif %}
</dl>
{% if not cancelled %}

<h2 style="font-size:20px;">{{ t.join_heading }}</h2>
<p><a href="{{ links.join }}" style="color:#003476; font-weight:bold;">{{ t.join_link }}</a></p>
<ul style="padding-left:20px;">
<li>{{ t.join_early }}</li>
<li>{{ t.join_identity }}</li>
<li>{{ t.join_not_recorded }}</li>
</ul>

<h2 style="font-size:20px;">{{ t.manage_heading }}</h2>
<ul style="padding-left:20px;">
<li><a href="{{ links.view }}" style="color:#003476;">{{ t.manage_view }}</a></li>
<li><a href="{{ links.reschedule }}" style="color:#003476;">{{ t.manage_reschedule }}</a></li>
<li><a href="{{ links.cancel }}" style="color:#003476;">{{ t.manage_cancel }}</a></li>
</ul>
{% else %}

<h2 style="font-size:20px;">{{ t.book_again_heading }}</h2>
<p>{{ t.book_again_intro }}</p>
<p><a href="{{ book_again }}" style="color:#003476; font-weight:bold;">{{ t.book_again_link }}</a></p>
{% endif %}

<p>{{ calendar_note }}</p>
<p>{{ questions }}<br>{{ t.automatic }}</p>
{% endblock %}
"""

def email_environment(templates: dict, html: bool) -> Environment:
    """Templates of one kind of email; the HTML ones escape every value and share `EMAIL_PAGE`."""
    return Environment(loader=DictLoader({**templates, "email_page.html": EMAIL_PAGE}), autoescape=html,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


_text = email_environment({"booking.txt": TEXT}, html=False)
_html = email_environment({"booking.html": HTML}, html=True)


def render_text(context: dict) -> str:
    return _text.get_template("booking.txt").render(context)


def render_html(context: dict) -> str:
    return _html.get_template("booking.html").render(context)
