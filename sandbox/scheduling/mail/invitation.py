"""The invitation emails to the interpreter and the third person, as `EmailMessage`s.

    invitation_email(kind, invitation, booking, *, sender, join_url, now) -> EmailMessage
    invitation_calendar(kind, invitation, booking, *, organizer, join_url, now) -> bytes

kind: "invitation", "invitation_updated" or "invitation_withdrawn". Greek, then
English too when the booking's language is English; a plain-text part, an HTML
part and an .ics (METHOD:REQUEST, or CANCEL when withdrawn) with the invitee as
attendee. The invitee's own join link is the only link: the meeting itself is
given on the join page, to the one device the link opened on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from sandbox.scheduling.mail import formatting
from sandbox.scheduling.mail.ics import ALARM_BEFORE, PRODID, UID_DOMAIN, athens_timezone
from sandbox.scheduling.mail.invitation_texts import INVITATION_TEXTS, languages_for
from sandbox.scheduling.mail.message import mail_domain
from sandbox.scheduling.mail.templates import email_environment

KINDS = ("invitation", "invitation_updated", "invitation_withdrawn")
ROLES = ("interpreter", "third_person")

TEXT = """\
{% for s in sections %}
{% if not loop.first %}

{% endif %}
{{ s.heading }}

{{ s.greeting }}

{{ s.intro }}
{% if withdrawn %}
{{ s.t.withdrawn_link }}
{% endif %}

{{ s.t.details_heading }}

{{ s.t.label_reference }}: {{ reference }}
{{ s.t.label_when }}: {{ s.when }}
{{ s.t.label_kep }}: {{ s.kep_name }}, {{ s.kep_address }}
{% if not withdrawn %}

{{ s.t.join_heading }}

{{ s.t.join_link }}:
{{ join_url }}

{{ s.t.join_confirm }}
{{ s.t.join_one_device }}
{{ s.t.join_no_taxisnet }}
{{ s.t.join_expires }}
{{ s.t.join_not_recorded }}
{% endif %}

{{ s.calendar_note }}
{{ s.t.automatic }}
{% endfor %}
"""

HTML = """\
{% extends "email_page.html" %}
{% block language %}{{ sections[0].language }}{% endblock %}
{% block content %}
{% for s in sections %}
<div lang="{{ s.language }}">
<h1 style="font-size:24px; line-height:1.25;">{{ s.heading }}</h1>
<p>{{ s.greeting }}</p>
<p>{{ s.intro }}</p>
{% if withdrawn %}
<p>{{ s.t.withdrawn_link }}</p>
{% endif %}
<h2 style="font-size:20px;">{{ s.t.details_heading }}</h2>
<dl>
<dt style="font-weight:bold;">{{ s.t.label_reference }}</dt>
<dd style="margin:0 0 8px 0;">{{ reference }}</dd>
<dt style="font-weight:bold;">{{ s.t.label_when }}</dt>
<dd style="margin:0 0 8px 0;">{{ s.when }}</dd>
<dt style="font-weight:bold;">{{ s.t.label_kep }}</dt>
<dd style="margin:0 0 8px 0;">{{ s.kep_name }}<br>{{ s.kep_address }}</dd>
</dl>
{% if not withdrawn %}
<h2 style="font-size:20px;">{{ s.t.join_heading }}</h2>
<p><a href="{{ join_url }}" style="color:#003476; font-weight:bold;">{{ s.t.join_link }}</a></p>
<ul style="padding-left:20px;">
<li>{{ s.t.join_confirm }}</li>
<li>{{ s.t.join_one_device }}</li>
<li>{{ s.t.join_no_taxisnet }}</li>
<li>{{ s.t.join_expires }}</li>
<li>{{ s.t.join_not_recorded }}</li>
</ul>
{% endif %}
<p>{{ s.calendar_note }}</p>
<p>{{ s.t.automatic }}</p>
</div>
{% endfor %}
{% endblock %}
"""

_text = email_environment({"invitation.txt": TEXT}, html=False)
_html = email_environment({"invitation.html": HTML}, html=True)


def _intro(kind: str, role: str, booking: dict, language: str) -> str:
    texts = INVITATION_TEXTS[language]
    if kind == "invitation":
        return texts[f"intro_invitation_{role}"]
    if kind == "invitation_updated":
        return texts["intro_invitation_updated"].format(when=formatting.when(booking, language))
    return texts["intro_withdrawn_cancelled" if booking["status"] == "cancelled" else "intro_withdrawn_changed"]


def _section(kind: str, invitation: dict, booking: dict, language: str, filename: str) -> dict:
    texts = INVITATION_TEXTS[language]
    withdrawn = kind == "invitation_withdrawn"
    return {
        "language": language,
        "t": texts,
        "heading": texts[f"heading_{kind}"],
        "greeting": texts["greeting"].format(name=invitation["name"]),
        "intro": _intro(kind, invitation["role"], booking, language),
        "when": formatting.when(booking, language),
        "kep_name": formatting.localised(booking["kep"]["name"], language),
        "kep_address": formatting.kep_address(booking["kep"], language),
        "calendar_note": texts["calendar_note_withdrawn" if withdrawn else "calendar_note"].format(filename=filename),
    }


def _check(kind: str, invitation: dict, now: datetime) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if invitation["role"] not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {invitation['role']!r}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")


def invitation_email(kind: str, invitation: dict, booking: dict, *, sender: str, join_url: str,
                     now: datetime | None = None) -> EmailMessage:
    """The email to one invitee (invitation: id, role, name, email) about the booking
    (as `mailer.booking_for_mail` gives it), with their own join link."""
    now = now or datetime.now(timezone.utc)
    _check(kind, invitation, now)
    languages = languages_for(booking)
    filename = f"{booking['reference']}.ics"
    subject = " / ".join(INVITATION_TEXTS[language][f"subject_{kind}"] for language in languages)
    values = {
        "subject": f"{subject} ({booking['reference']}) – myKEPlive",
        "sections": [_section(kind, invitation, booking, language, filename) for language in languages],
        "withdrawn": kind == "invitation_withdrawn",
        "reference": booking["reference"],
        "join_url": join_url,
    }

    message = EmailMessage()
    message["From"] = sender
    message["To"] = invitation["email"]
    message["Subject"] = values["subject"]
    message["Date"] = format_datetime(now.astimezone(timezone.utc))
    message["Message-ID"] = make_msgid(domain=mail_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(_text.get_template("invitation.txt").render(values), subtype="plain", charset="utf-8")
    message.add_alternative(_html.get_template("invitation.html").render(values), subtype="html", charset="utf-8")
    method = "CANCEL" if values["withdrawn"] else "REQUEST"
    calendar = invitation_calendar(kind, invitation, booking, organizer=sender, join_url=join_url, now=now)
    message.add_attachment(calendar, maintype="text", subtype="calendar", filename=filename,
                           params={"method": method, "charset": "utf-8"})
    # After the parts: set_content() and make_mixed() move Content-* headers down.
    message["Content-Language"] = ", ".join(languages)
    return message


def invitation_uid(invitation: dict, booking: dict) -> str:
    """One calendar event per invitation: a new interpreter gets a new event, not the old one's."""
    return f"{booking['reference']}-invitation-{invitation['id']}@{UID_DOMAIN}"


def _address(email: str, name: str, **parameters) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in parameters.items():
        address.params[key] = vText(value)
    return address


def _description(withdrawn: bool, booking: dict, join_url: str, languages) -> str:
    paragraphs = []
    for language in languages:
        texts = INVITATION_TEXTS[language]
        lines = [texts["ics_withdrawn"]] if withdrawn else []
        lines.append(f"{texts['label_reference']}: {booking['reference']}")
        if not withdrawn:
            lines.append(f"{texts['join_link']}: {join_url}")
        kep = booking["kep"]
        lines.append(f"{texts['label_kep']}: {formatting.localised(kep['name'], language)}, "
                     f"{formatting.kep_address(kep, language)}")
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def invitation_calendar(kind: str, invitation: dict, booking: dict, *, organizer: str, join_url: str,
                        now: datetime | None = None) -> bytes:
    """The call as an iTIP request to the invitee (RFC 5546), or its cancellation.

    The invitee answers with the join link, not by calendar reply: RSVP is FALSE.
    SEQUENCE is the booking's, which goes up with each change.
    """
    now = now or datetime.now(timezone.utc)
    _check(kind, invitation, now)
    withdrawn = kind == "invitation_withdrawn"
    languages = languages_for(booking)
    start = formatting.in_athens(booking["start"])

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if withdrawn else "REQUEST")
    calendar.add_component(athens_timezone(start))

    event = Event()
    event.add("uid", invitation_uid(invitation, booking))
    event.add("sequence", int(booking.get("sequence", 0)))
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", formatting.in_athens(booking["end"]))
    event.add("status", "CANCELLED" if withdrawn else "CONFIRMED")
    name, address = parseaddr(organizer)
    event.add("organizer", _address(address, name or "myKEPlive"))
    event.add("attendee", _address(invitation["email"], invitation["name"], role="REQ-PARTICIPANT",
                                   partstat="NEEDS-ACTION", rsvp="FALSE"))
    summary = " / ".join(INVITATION_TEXTS[language]["ics_summary"].format(reference=booking["reference"])
                         for language in languages)
    event.add("summary", summary)
    if not withdrawn:
        event.add("location", join_url)
        event.add("url", join_url)
    event.add("description", _description(withdrawn, booking, join_url, languages))
    if not withdrawn:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -ALARM_BEFORE)
        alarm.add("description", INVITATION_TEXTS[languages[0]]["ics_alarm"])
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
