"""Invitations: the interpreter and the third person are invited with the booking,
told of a new time or a withdrawal, and join with a signed link of their own that
opens on one device and ends with the call.

The interpreter is allocated by availability (another part of the service); these
tests put an interpreter of their own on the hold, as availability would.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeSerializer

from sandbox.scheduling import Settings, create_app, invitations, mailer
from sandbox.scheduling.mail.invitation import KINDS, invitation_email
from sandbox.scheduling.mail.invitation_texts import INVITATION_TEXTS
from tests.sandbox.conftest import ADMIN, FRONTEND, MARIA, Api, athens
from tests.sandbox.test_contract_fuzz import Contract, mounted
from tests.sandbox.test_mail import SENDER, Parts, make_booking

NEEDS = ["sign_language", "third_person"]
COMPANION = {"name": "Νίκος Παπαδόπουλος", "email": "nikos@example.com"}
ELENI = {"id": "gsl-test-1", "name": "Ελένη Σταθοπούλου", "email": "eleni@interpreters.mykeplive.example"}
PETROS = {"id": "gsl-test-2", "name": "Πέτρος Ιωάννου", "email": "petros@interpreters.mykeplive.example"}
PHONE = "device-aaaaaaaaaaaaaaaa"
LAPTOP = "device-bbbbbbbbbbbbbbbb"
TUESDAY_NINE = athens(2026, 12, 1, 9, 0)
THURSDAY_ELEVEN = athens(2026, 12, 3, 11, 0)


# -- helpers ------------------------------------------------------------------------------

def scheduling_of(service):
    return service.extensions["scheduling"]


def add_interpreter(service, interpreter):
    """An interpreter who works every weekday of the service's hours."""
    with scheduling_of(service).database.write() as connection:
        connection.execute("INSERT INTO interpreters (id, name, email) VALUES (?,?,?)",
                           (interpreter["id"], interpreter["name"], interpreter["email"]))
        for weekday in range(5):
            connection.execute("INSERT INTO interpreter_hours VALUES (?,?,?,?)",
                               (interpreter["id"], weekday, "08:00", "14:30"))


@pytest.fixture
def interpreters(service):
    add_interpreter(service, ELENI)
    add_interpreter(service, PETROS)


def hold_with_interpreter(api, service, start, interpreter=ELENI, **extra):
    hold = api.hold(start, needs=NEEDS, **extra)
    assert hold.status_code == 201, hold.json
    with scheduling_of(service).database.write() as connection:
        connection.execute("UPDATE holds SET interpreter_id=? WHERE id=?", (interpreter["id"], hold.json["id"]))
    return hold.json


def book_with_guests(api, service, start=TUESDAY_NINE, language="el"):
    hold = hold_with_interpreter(api, service, start)
    booking = api.book(hold["id"], needs=NEEDS, third_person=COMPANION, language=language)
    assert booking.status_code == 201, booking.json
    return booking.json


def reschedule(api, service, booking, start=THURSDAY_ELEVEN, interpreter=ELENI):
    hold = hold_with_interpreter(api, service, start, interpreter, for_booking=booking["reference"])
    moved = api.post(f"/bookings/{booking['reference']}/reschedule", {"hold_id": hold["id"]})
    assert moved.status_code == 200, moved.json
    return moved.json


def token_of(service, role, state_not="withdrawn"):
    row = scheduling_of(service).database.read().execute(
        "SELECT id, nonce FROM invitations WHERE role=? AND state != ? ORDER BY id DESC", (role, state_not)).fetchone()
    return invitations.token_for(scheduling_of(service).settings, row["id"], row["nonce"])


def open_link(api, token, device=PHONE, action="open"):
    return api.post(f"/invitations/{token}/{action}", {"device": device}, citizen=None)


def invitations_of(api, booking):
    return api.get(f"/bookings/{booking['reference']}").json["invitations"]


def deliver(service):
    mailer.run_once(scheduling_of(service))


@pytest.fixture
def mail_to_outbox(settings, outbox):
    settings.smtp_port = outbox.port
    return outbox


def to(outbox, address):
    return [message for message in outbox.messages() if message["to"] == [address]]


def calendar_of(message) -> Calendar:
    import base64

    [attachment] = message["attachments"]
    return Calendar.from_ical(base64.b64decode(attachment["content_base64"]))


def join_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:5000/join/(\S+)", message["text"]).group(1)


# -- at booking ---------------------------------------------------------------------------

def test_booking_invites_the_interpreter_and_the_third_person(api, service, interpreters):
    booking = book_with_guests(api, service)
    assert booking["invitations"] == [
        {"role": "interpreter", "name": ELENI["name"], "state": "queued", "sent_at": None, "confirmed_at": None,
         "withdrawn_at": None},
        {"role": "third_person", "name": COMPANION["name"], "state": "queued", "sent_at": None,
         "confirmed_at": None, "withdrawn_at": None},
    ]
    queued = scheduling_of(service).database.read().execute(
        "SELECT kind, channel, invitation_id FROM mail_queue ORDER BY id").fetchall()
    assert sorted(row["kind"] for row in queued) == ["confirmed", "invitation", "invitation"]
    assert all(row["channel"] == "email" for row in queued)
    assert sum(row["invitation_id"] is not None for row in queued) == 2


def test_without_those_needs_nobody_is_invited(api, service, interpreters):
    hold = api.hold(TUESDAY_NINE, needs=["lip_reading"]).json
    booking = api.book(hold["id"], needs=["lip_reading"], third_person=COMPANION).json
    assert booking["invitations"] == []
    assert scheduling_of(service).database.read().execute("SELECT count(*) FROM invitations").fetchone()[0] == 0


def test_staff_see_the_invitations_too(api, service, interpreters):
    book_with_guests(api, service)
    [booking] = api.get("/admin/bookings", admin=True).json["bookings"]
    assert [invitation["role"] for invitation in booking["invitations"]] == ["interpreter", "third_person"]


# -- emails -------------------------------------------------------------------------------

def test_each_invitee_gets_an_email_with_their_own_link_and_calendar(api, service, interpreters, mail_to_outbox):
    booking = book_with_guests(api, service)
    deliver(service)
    [interpreter] = to(mail_to_outbox, ELENI["email"])
    [companion] = to(mail_to_outbox, COMPANION["email"])
    assert len(mail_to_outbox.messages()) == 3  # and the citizen's confirmation
    for message in (interpreter, companion):
        assert booking["reference"] in message["subject"]
        assert "Invitation" not in message["subject"]  # a Greek booking: Greek only
        assert "Τρίτη 1 Δεκεμβρίου 2026, 09:00–09:50" in message["text"]
        assert "ΚΕΠ: ΚΕΠ Δήμου Μεγίστης, Μιαούλη 9, 85111 Καστελλόριζο" in message["text"]
        assert "Taxisnet" in message["text"]
        # Nothing about the citizen or why they call.
        assert "Μαρία" not in message["text"] + message["html"]
        assert booking["procedure"]["title"]["el"] not in message["text"] + message["html"]
        assert booking["meeting_url"] not in message["text"] + message["html"]
        event = calendar_of(message).walk("VEVENT")[0]
        assert calendar_of(message)["method"] == "REQUEST"
        assert str(event["attendee"]) == f"mailto:{message['to'][0]}"
    assert "διερμηνέα" in interpreter["text"] and "τρίτο πρόσωπο" in companion["text"]
    assert join_link(interpreter) != join_link(companion)
    assert [i["state"] for i in invitations_of(api, booking)] == ["sent", "sent"]
    assert {i["sent_at"] for i in invitations_of(api, booking)} == {"2026-11-30T06:00:00Z"}
    deliver(service)
    assert len(mail_to_outbox.messages()) == 3  # sent once


def test_the_link_in_the_email_opens_the_invitation(api, service, interpreters, mail_to_outbox):
    book_with_guests(api, service)
    deliver(service)
    [message] = to(mail_to_outbox, COMPANION["email"])
    opened = open_link(api, join_link(message))
    assert opened.status_code == 200
    assert opened.json["role"] == "third_person" and opened.json["access"] == "granted"


def test_an_english_booking_invites_in_greek_and_english(api, service, interpreters, mail_to_outbox):
    booking = book_with_guests(api, service, language="en")
    deliver(service)
    [message] = to(mail_to_outbox, COMPANION["email"])
    assert message["subject"] == (f"Πρόσκληση σε βιντεοκλήση με ΚΕΠ / Invitation to a video call with a KEP"
                                  f" ({booking['reference']}) – myKEPlive")
    text = message["text"]
    assert text.index("Τρίτη 1 Δεκεμβρίου 2026") < text.index("Tuesday 1 December 2026")
    assert 'lang="en"' in message["html"]


def test_mail_that_cannot_be_delivered_is_tried_again(api, service, settings, interpreters, mail_to_outbox):
    port, settings.smtp_port = settings.smtp_port, 9  # nothing listens
    booking = book_with_guests(api, service)
    deliver(service)
    assert [i["state"] for i in invitations_of(api, booking)] == ["queued", "queued"]
    settings.smtp_port = port
    deliver(service)
    assert len(to(mail_to_outbox, ELENI["email"])) == 1
    assert [i["state"] for i in invitations_of(api, booking)] == ["sent", "sent"]


# -- reschedule and cancel ---------------------------------------------------------------

def test_a_new_time_updates_the_invitees_with_the_same_link(api, service, interpreters, mail_to_outbox, clock):
    booking = book_with_guests(api, service)
    deliver(service)
    first_link = join_link(to(mail_to_outbox, COMPANION["email"])[0])
    clock.advance(minutes=5)
    moved = reschedule(api, service, booking)
    assert [(i["state"], i["sent_at"]) for i in moved["invitations"]] == [("queued", None), ("queued", None)]
    deliver(service)
    invitation, update = to(mail_to_outbox, COMPANION["email"])
    assert update["subject"].startswith("Νέα ώρα")
    assert "Πέμπτη 3 Δεκεμβρίου 2026, 11:00–11:50" in update["text"]
    assert join_link(update) == first_link
    first, second = (calendar_of(m).walk("VEVENT")[0] for m in (invitation, update))
    assert first["uid"] == second["uid"] and (first["sequence"], second["sequence"]) == (0, 1)
    assert len(to(mail_to_outbox, ELENI["email"])) == 2
    assert {i["sent_at"] for i in invitations_of(api, booking)} == {"2026-11-30T06:05:00Z"}


def test_a_new_time_asks_for_confirmation_again(api, service, interpreters):
    booking = book_with_guests(api, service)
    token = token_of(service, "third_person")
    open_link(api, token)
    assert open_link(api, token, action="confirm").json["state"] == "confirmed"
    moved = reschedule(api, service, booking)
    assert moved["invitations"][1]["state"] == "queued" and moved["invitations"][1]["confirmed_at"] is None
    assert open_link(api, token).json["access"] == "granted"  # the same device, the same link


def test_another_interpreter_is_invited_and_the_first_withdrawn(api, service, interpreters, mail_to_outbox):
    booking = book_with_guests(api, service)
    deliver(service)
    eleni_token = token_of(service, "interpreter")
    moved = reschedule(api, service, booking, interpreter=PETROS)
    assert [(i["name"], i["state"]) for i in moved["invitations"]] == [
        (ELENI["name"], "withdrawn"), (COMPANION["name"], "queued"), (PETROS["name"], "queued")]
    deliver(service)
    invited, withdrawn = to(mail_to_outbox, ELENI["email"])
    assert calendar_of(withdrawn)["method"] == "CANCEL"
    assert calendar_of(withdrawn).walk("VEVENT")[0]["uid"] == calendar_of(invited).walk("VEVENT")[0]["uid"]
    assert "/join/" not in withdrawn["text"] and "δεν χρειάζεται πια" in withdrawn["text"]
    [petros] = to(mail_to_outbox, PETROS["email"])
    assert "Πέμπτη 3 Δεκεμβρίου 2026" in petros["text"]
    opened = open_link(api, eleni_token)
    assert opened.json["state"] == "withdrawn" and opened.json["booking"]["meeting_url"] is None


def test_cancelling_withdraws_every_invitation_and_tells_the_invitees(api, service, interpreters, mail_to_outbox,
                                                                      clock):
    booking = book_with_guests(api, service)
    deliver(service)
    clock.advance(minutes=7)
    cancelled = api.post(f"/bookings/{booking['reference']}/cancel").json
    assert [(i["state"], i["withdrawn_at"]) for i in cancelled["invitations"]] == [
        ("withdrawn", "2026-11-30T06:07:00Z"), ("withdrawn", "2026-11-30T06:07:00Z")]
    deliver(service)
    for address in (ELENI["email"], COMPANION["email"]):
        _, withdrawal = to(mail_to_outbox, address)
        assert withdrawal["subject"].startswith("Η πρόσκληση στη βιντεοκλήση με ΚΕΠ ανακλήθηκε")
        assert "ακυρώθηκε" in withdrawal["text"]
        event = calendar_of(withdrawal).walk("VEVENT")[0]
        assert calendar_of(withdrawal)["method"] == "CANCEL" and event["status"] == "CANCELLED"
        assert event["sequence"] == 1
    # Withdrawn stays withdrawn: the mail loop never makes it "sent" again.
    assert [i["state"] for i in invitations_of(api, booking)] == ["withdrawn", "withdrawn"]


def test_an_invitation_withdrawn_before_it_went_out_is_never_sent(api, service, interpreters, mail_to_outbox):
    booking = book_with_guests(api, service)
    api.post(f"/bookings/{booking['reference']}/cancel")
    deliver(service)
    assert [m["to"] for m in mail_to_outbox.messages()] == [["maria@example.com"], ["maria@example.com"]]
    pending = scheduling_of(service).database.read().execute(
        "SELECT count(*) FROM mail_queue WHERE sent IS NULL").fetchone()[0]
    assert pending == 0


# -- guests -------------------------------------------------------------------------------

def test_the_first_device_to_open_a_link_is_the_only_one(api, service, interpreters):
    booking = book_with_guests(api, service)
    token = token_of(service, "third_person")
    first = open_link(api, token, PHONE)
    assert first.status_code == 200
    assert first.json == {
        "role": "third_person", "name": COMPANION["name"], "state": "queued", "sent_at": None,
        "confirmed_at": None, "withdrawn_at": None, "access": "granted", "expires_at": booking["end"],
        "booking": {"reference": booking["reference"], "status": "confirmed", "start": booking["start"],
                    "end": booking["end"], "kep": {"name": booking["kep"]["name"]},
                    "meeting_url": booking["meeting_url"]},
    }
    assert open_link(api, token, PHONE).json["access"] == "granted"
    elsewhere = open_link(api, token, LAPTOP).json
    assert elsewhere["access"] == "other_device" and elsewhere["booking"]["meeting_url"] is None
    stored = scheduling_of(service).database.read().execute("SELECT device FROM invitations").fetchall()
    assert PHONE not in str([row["device"] for row in stored])  # only its hash


def test_only_the_device_that_opened_it_can_confirm(api, service, interpreters, clock):
    booking = book_with_guests(api, service)
    token = token_of(service, "interpreter")
    assert open_link(api, token, PHONE, "confirm").json["code"] == "not_allowed"  # not opened yet
    open_link(api, token, PHONE)
    refused = open_link(api, token, LAPTOP, "confirm")
    assert refused.status_code == 409 and refused.json["code"] == "not_allowed"
    clock.advance(minutes=3)
    confirmed = open_link(api, token, PHONE, "confirm")
    assert confirmed.status_code == 200
    assert (confirmed.json["state"], confirmed.json["confirmed_at"]) == ("confirmed", "2026-11-30T06:03:00Z")
    clock.advance(minutes=3)
    assert open_link(api, token, PHONE, "confirm").json["confirmed_at"] == "2026-11-30T06:03:00Z"
    assert invitations_of(api, booking)[0]["state"] == "confirmed"


def test_a_withdrawn_invitation_shows_no_meeting_and_cannot_be_confirmed(api, service, interpreters):
    booking = book_with_guests(api, service)
    token = token_of(service, "third_person")
    open_link(api, token)
    api.post(f"/bookings/{booking['reference']}/cancel")
    opened = open_link(api, token).json
    assert opened["state"] == "withdrawn" and opened["booking"]["status"] == "cancelled"
    assert opened["booking"]["meeting_url"] is None
    assert open_link(api, token, action="confirm").json["code"] == "not_allowed"


def test_a_link_ends_with_the_call(api, service, interpreters, clock):
    book_with_guests(api, service)
    token = token_of(service, "third_person")
    clock.now = TUESDAY_NINE + timedelta(minutes=49)
    assert open_link(api, token).status_code == 200
    clock.now = TUESDAY_NINE + timedelta(minutes=50)
    gone = open_link(api, token)
    assert gone.status_code == 404 and gone.json["code"] == "not_found"


def test_forged_and_foreign_links_are_not_found(api, service, settings, interpreters):
    book_with_guests(api, service)
    token = token_of(service, "third_person")
    row = scheduling_of(service).database.read().execute("SELECT id FROM invitations WHERE role='third_person'")
    invitation_id = row.fetchone()["id"]
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        URLSafeSerializer("another secret", salt="invitation").dumps([invitation_id, "guess"]),
        invitations.token_for(settings, invitation_id, "not-its-nonce"),
        invitations.token_for(settings, 9999, "no-such-invitation"),
        URLSafeSerializer(settings.link_secret, salt="invitation").dumps({"id": invitation_id}),
        "not-a-token", "ΑΒΓ",
    ]
    for candidate in forged:
        response = open_link(api, candidate)
        assert response.status_code == 404, candidate
        assert response.json["code"] == "not_found"


def test_a_link_holds_no_personal_data(api, service, settings, interpreters):
    book_with_guests(api, service)
    token = token_of(service, "third_person")
    payload = URLSafeSerializer(settings.link_secret, salt="invitation").loads(token)
    assert isinstance(payload[0], int) and isinstance(payload[1], str) and len(payload) == 2
    assert "nikos" not in token.lower() and MARIA not in token


def test_links_outlive_a_restart_and_need_the_same_secret(api, service, settings, interpreters):
    book_with_guests(api, service)
    token = token_of(service, "third_person")
    restarted = Api(create_app(Settings(**{**vars(settings)})).test_client())
    assert open_link(restarted, token).status_code == 200
    other_secret = Api(create_app(Settings(**{**vars(settings), "link_secret": "rotated"})).test_client())
    assert open_link(other_secret, token).status_code == 404


def test_the_link_secret_comes_from_the_environment(monkeypatch):
    assert Settings().link_secret  # a fixed default: links in emails must outlive a restart
    monkeypatch.setenv("KEPWEB_SANDBOX_LINK_SECRET", "from-the-environment")
    assert Settings.from_environment().link_secret == "from-the-environment"


@pytest.mark.parametrize("body", [None, {}, {"device": "short"}, {"device": "x" * 201}, {"device": 12345678901234567},
                                  {"device": "\x00" * 20}])
def test_the_device_is_an_opaque_id_of_16_to_200_characters(api, service, interpreters, body):
    book_with_guests(api, service)
    response = api.post(f"/invitations/{token_of(service, 'third_person')}/open", body, citizen=None)
    assert response.status_code == 422 and response.json["code"] == "validation"
    if body is not None:
        assert set(response.json["errors"]) == {"device"}


def test_guests_need_the_frontend_token_and_no_citizen(api, service, interpreters):
    book_with_guests(api, service)
    token = token_of(service, "third_person")
    url = f"/v1/invitations/{token}/open"
    assert api.client.post(url, json={"device": PHONE}).status_code == 401
    admin = api.client.post(url, json={"device": PHONE}, headers={"Authorization": f"Bearer {ADMIN}"})
    assert admin.status_code == 401
    guest = api.client.post(url, json={"device": PHONE}, headers={"Authorization": f"Bearer {FRONTEND}"})
    assert guest.status_code == 200


def test_guests_are_in_the_access_log_as_their_invitation(api, service, interpreters):
    booking = book_with_guests(api, service)
    for role in ("interpreter", "third_person"):
        token = token_of(service, role)
        open_link(api, token)
        open_link(api, token, action="confirm")
    entries = api.get("/admin/access-log", admin=True).json["entries"]
    guests = [entry for entry in entries if entry["action"].startswith("invitation.")]
    assert [entry["action"] for entry in guests] == ["invitation.confirm", "invitation.open"] * 2
    assert {entry["booking_reference"] for entry in guests} == {booking["reference"]}
    citizen = {entry["actor"] for entry in entries if entry["action"] == "booking.create"}
    assert len({entry["actor"] for entry in guests}) == 2 and not citizen & {entry["actor"] for entry in guests}


# -- the contract -------------------------------------------------------------------------

def test_invitations_keep_the_contract(service, interpreters):
    contract = Contract(mounted(service))
    api = Api(service.test_client())
    booking = book_with_guests(api, service)
    reference = {"reference": booking["reference"]}
    assert len(contract("GET", "/bookings/{reference}", path_parameters=reference, status=200)["invitations"]) == 2
    token = {"token": token_of(service, "third_person")}
    device = {"device": PHONE}
    contract("POST", "/invitations/{token}/confirm", path_parameters=token, body=device, citizen=None, status=409)
    contract("POST", "/invitations/{token}/open", path_parameters=token, body=device, citizen=None, status=200)
    contract("POST", "/invitations/{token}/open", path_parameters=token, body={"device": LAPTOP}, citizen=None,
             status=200)
    contract("POST", "/invitations/{token}/confirm", path_parameters=token, body=device, citizen=None, status=200)
    contract("POST", "/invitations/{token}/open", path_parameters=token, body={"device": "short"}, citizen=None,
             status=422)
    contract("POST", "/invitations/{token}/open", path_parameters={"token": "forged"}, body=device, citizen=None,
             status=404)
    contract("POST", "/bookings/{reference}/cancel", path_parameters=reference, status=200)
    contract("POST", "/invitations/{token}/open", path_parameters=token, body=device, citizen=None, status=200)
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert {"invitation.open", "invitation.confirm"} <= {entry["action"] for entry in log}


# -- the email as built -------------------------------------------------------------------

INVITEE = {"id": 7, "role": "interpreter", "name": ELENI["name"], "email": ELENI["email"]}
JOIN = "https://kep.example/join/token-7"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["el", "en"])
def test_every_invitation_email_has_text_html_and_a_calendar_request(kind, language):
    booking = make_booking(language=language, status="cancelled" if kind == "invitation_withdrawn" else "confirmed")
    parts = Parts(invitation_email(kind, INVITEE, booking, sender=SENDER, join_url=JOIN))
    assert parts.message["To"] == ELENI["email"]
    assert parts.message["Content-Language"] == ("el, en" if language == "en" else "el")
    assert parts.attachment.get_param("method") == ("CANCEL" if kind == "invitation_withdrawn" else "REQUEST")
    assert parts.calendar["method"] == parts.attachment.get_param("method")
    assert str(parts.event["organizer"]) == "mailto:no-reply@mykeplive.example"
    assert parts.event["attendee"].params["RSVP"] == "FALSE"
    withdrawn = kind == "invitation_withdrawn"
    assert (JOIN in parts.text) is not withdrawn and (JOIN in parts.html) is not withdrawn
    for private in ("Μαρία", "maria@example.com", "Πιστοποιητικό", "Family status", booking["meeting_url"]):
        assert private not in parts.text + parts.html + parts.ics.decode()
    assert [div["lang"] for div in parts.soup.find_all("div", lang=True)] == (
        ["el", "en"] if language == "en" else ["el"])


def test_both_languages_have_the_same_invitation_texts():
    assert INVITATION_TEXTS["el"].keys() == INVITATION_TEXTS["en"].keys()


def test_an_unknown_kind_or_role_is_refused():
    with pytest.raises(ValueError):
        invitation_email("invitation_moved", INVITEE, make_booking(), sender=SENDER, join_url=JOIN)
    with pytest.raises(ValueError):
        invitation_email("invitation", {**INVITEE, "role": "citizen"}, make_booking(), sender=SENDER, join_url=JOIN)
