"""Text messages (SMS) beside the booking emails, the sandbox SMS outbox that stands in
for the gateway, and no phone offered to citizens who declared a hearing need."""

from __future__ import annotations

import base64
import re
import socket
import time

import pytest
import requests

from sandbox import outbox as outbox_module
from sandbox.scheduling import Settings, mailer
from sandbox.scheduling.mail.sms_texts import SMS_TEXTS, sms_text
from sandbox.scheduling.sms import SMS_KINDS, HttpSmsProvider, SmsGatewayUnreachable, SmsNotSent, provider_for
from tests.conftest import ServerThread
from tests.sandbox.conftest import NIKOS, athens

SMS_TOKEN = "test-sms-token"
MOBILE = "+306912345678"


@pytest.fixture(scope="module")
def module_gateway(outbox_server):
    """The outbox serving as the SMS gateway over real HTTP; it keeps the emails too."""
    server = ServerThread(outbox_module.create_app(outbox_server, sms_token=SMS_TOKEN))
    yield f"{server.url}/sms/messages"
    server.stop()


@pytest.fixture
def gateway(module_gateway, outbox):
    """The gateway, its outbox emptied."""
    return module_gateway


@pytest.fixture
def messages_to_outbox(settings, outbox, gateway):
    settings.smtp_port = outbox.port
    settings.sms_url = gateway
    settings.sms_token = SMS_TOKEN
    settings.sms_timeout = 2.0
    return outbox


@pytest.fixture
def silent_gateway():
    """Takes connections and never answers: the kernel accepts them, nobody reads."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sms/messages"


def deliver(service):
    mailer.run_once(service.extensions["scheduling"])


def queued_texts(service):
    connection = service.extensions["scheduling"].database.read()
    return [dict(row) for row in connection.execute(
        "SELECT kind, sent, attempts FROM mail_queue WHERE channel='sms' ORDER BY id")]


def book_with_sms(api, start=None, **answers):
    hold = api.hold(start or athens(2026, 12, 1, 9, 0), **answers.pop("hold", {})).json
    booked = api.book(hold["id"], contact_preference="sms", **answers)
    assert booked.status_code == 201, booked.json
    return booked.json


def every_kind(api, clock, service, **answers):
    """Booked, moved, reminded and cancelled: each of the four messages, delivered."""
    needs = answers.get("needs", [])
    booking = book_with_sms(api, hold={"needs": needs}, **answers)
    reference = booking["reference"]
    hold = api.hold(athens(2026, 12, 3, 11, 0), needs=needs, for_booking=reference).json
    assert api.post(f"/bookings/{reference}/reschedule", {"hold_id": hold["id"]}).status_code == 200
    deliver(service)
    clock.now = athens(2026, 12, 3, 10, 0)
    deliver(service)
    assert api.post(f"/bookings/{reference}/cancel").status_code == 200
    deliver(service)
    return booking


# Queued and sent, per kind -------------------------------------------------------------


def test_a_booking_with_sms_preference_sends_a_text_beside_the_email(api, service, messages_to_outbox):
    booking = book_with_sms(api, start=athens(2026, 12, 3, 9, 0))
    assert [row["kind"] for row in queued_texts(service)] == ["confirmed"]
    deliver(service)
    [text] = messages_to_outbox.sms_messages()
    assert text["to"] == MOBILE
    assert text["sender"] == "myKEPlive"
    assert text["text"] == (f"Το ραντεβού σας {booking['reference']} επιβεβαιώθηκε: βιντεοκλήση με το ΚΕΠ"
                            f" την Πέμπτη 3 Δεκεμβρίου 2026 στις 09:00."
                            f" http://127.0.0.1:5000/appointments/{booking['reference']}")
    assert len(messages_to_outbox.messages()) == 1  # the email went too
    assert queued_texts(service)[0]["sent"] is not None


def test_reschedule_reminder_and_cancel_each_send_a_text(api, service, clock, messages_to_outbox):
    booking = every_kind(api, clock, service)
    assert [row["kind"] for row in queued_texts(service)] == ["confirmed", "rescheduled", "reminder", "cancelled"]
    assert all(row["sent"] for row in queued_texts(service))
    texts = [message["text"] for message in messages_to_outbox.sms_messages()]
    assert len(texts) == 4
    assert all(booking["reference"] in text for text in texts)
    assert all(f"/appointments/{booking['reference']}" in text for text in texts)
    assert "άλλαξε" in texts[1] and "την Πέμπτη 3 Δεκεμβρίου 2026 στις 11:00" in texts[1]
    assert texts[2].startswith("Υπενθύμιση") and "σήμερα στις 11:00" in texts[2]
    assert "ακυρώθηκε" in texts[3]
    assert len(messages_to_outbox.messages()) == 4  # and the four emails


def test_english_bookings_get_english_texts(api, service, messages_to_outbox):
    booking = book_with_sms(api, language="en")
    deliver(service)
    [text] = messages_to_outbox.sms_messages()
    assert text["text"].startswith(f"Appointment {booking['reference']} confirmed: video call with the KEP"
                                   " tomorrow at 09:00.")


def test_email_preference_sends_no_text(api, service, messages_to_outbox):
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"])
    deliver(service)
    assert queued_texts(service) == []
    assert messages_to_outbox.sms_messages() == []
    assert len(messages_to_outbox.messages()) == 1


def test_a_text_is_sent_once(api, service, messages_to_outbox):
    book_with_sms(api)
    deliver(service)
    deliver(service)
    assert len(messages_to_outbox.sms_messages()) == 1


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("kind", ["confirmed", "rescheduled", "cancelled", "reminder"])
def test_texts_are_short(kind, language):
    """Three parts of a long message at most, in the UCS-2 alphabet Greek needs (67 characters each)."""
    from tests.sandbox.test_mail import NOW, make_booking

    link = "https://mykeplive.gov.gr/appointments/KEP-7Q4M-2XK9"
    text = sms_text(kind, make_booking(language=language), link, NOW)
    assert len(text) <= 3 * 67
    assert link in text and "KEP-7Q4M-2XK9" in text


def test_every_kind_has_a_text_in_both_languages():
    assert {language: set(texts) for language, texts in SMS_TEXTS.items()} == {
        language: set(SMS_KINDS) for language in ("el", "en")}


# The sandbox SMS outbox ----------------------------------------------------------------


def test_the_outbox_gateway_wants_its_bearer_token(outbox, gateway):
    message = {"to": MOBILE, "text": "Γεια σας", "sender": "myKEPlive"}
    assert requests.post(gateway, json=message, timeout=5).status_code == 401
    refused = requests.post(gateway, json=message, headers={"Authorization": "Bearer wrong"}, timeout=5)
    assert refused.status_code == 401
    assert outbox.sms_messages() == []
    taken = requests.post(gateway, json=message, headers={"Authorization": f"Bearer {SMS_TOKEN}"}, timeout=5)
    assert taken.status_code == 201
    [stored] = outbox.sms_messages()
    assert taken.json() == {"id": stored["id"]}


@pytest.mark.parametrize("body", [None, [], {"to": MOBILE, "text": "x"}, {"to": MOBILE, "text": " ", "sender": "S"},
                                  {"to": 306912345678, "text": "x", "sender": "S"}])
def test_the_outbox_gateway_refuses_a_malformed_message(outbox, gateway, body):
    answer = requests.post(gateway, json=body, headers={"Authorization": f"Bearer {SMS_TOKEN}"}, timeout=5)
    assert answer.status_code == 400
    assert outbox.sms_messages() == []


def test_the_outbox_lists_texts_as_a_page_and_as_json(outbox, gateway):
    HttpSmsProvider(gateway, SMS_TOKEN, "myKEPlive", 5).send(MOBILE, "Το ραντεβού σας <KEP-7Q4M-2XK9>")
    base = gateway.removesuffix("/messages")
    [listed] = requests.get(f"{base}/messages.json", timeout=5).json()["messages"]
    assert listed["to"] == MOBILE and listed["text"] == "Το ραντεβού σας <KEP-7Q4M-2XK9>"
    page = requests.get(f"{base}/", timeout=5).text
    assert "Sandbox SMS outbox (1 messages)" in page
    assert "&lt;KEP-7Q4M-2XK9&gt;" in page  # escaped
    assert 'href="sms/"' in requests.get(base.removesuffix("/sms") + "/", timeout=5).text


def test_the_embedded_default_sends_texts_to_its_own_outbox(tmp_path):
    from tests.live_service import LiveService

    live = LiveService(tmp_path / "scheduling.sqlite3")
    try:
        settings = live.server.app.mounts["/sandbox/scheduling"].extensions["scheduling"].settings
        # On the back channel: the sandbox's mail loop takes no thread of the citizens' port either.
        assert settings.sms_url == f"{live.back_channel.url}/sandbox/outbox/sms/messages"
        provider_for(settings).send(MOBILE, "Δοκιμή")
        assert [m["text"] for m in live.outbox.sms_messages()] == ["Δοκιμή"]
        assert "Δοκιμή" in requests.get(f"{live.url}/sandbox/outbox/sms/", timeout=5).text
    finally:
        live.stop()


# A gateway that fails, or does not answer --------------------------------------------------


def test_a_refused_text_is_tried_again(api, service, settings, messages_to_outbox):
    settings.sms_token = "wrong"
    book_with_sms(api)
    deliver(service)
    assert messages_to_outbox.sms_messages() == []
    assert queued_texts(service) == [{"kind": "confirmed", "sent": None, "attempts": 1}]
    settings.sms_token = SMS_TOKEN
    deliver(service)
    assert len(messages_to_outbox.sms_messages()) == 1
    assert queued_texts(service)[0]["attempts"] == 2


def test_a_gateway_that_is_down_is_tried_again_then_given_up(api, service, settings, messages_to_outbox):
    working = settings.sms_url
    settings.sms_url = "http://127.0.0.1:9/sms/messages"  # nothing listens
    book_with_sms(api)
    for _ in range(mailer.MAX_ATTEMPTS):
        deliver(service)
    assert queued_texts(service)[0]["attempts"] == mailer.MAX_ATTEMPTS
    settings.sms_url = working
    deliver(service)
    assert messages_to_outbox.sms_messages() == []  # like an email: given up after MAX_ATTEMPTS


def test_a_gateway_that_does_not_answer_times_out(silent_gateway):
    provider = HttpSmsProvider(silent_gateway, SMS_TOKEN, "myKEPlive", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SmsGatewayUnreachable):
        provider.send(MOBILE, "Γεια σας")
    assert time.monotonic() - started < 2


def test_a_silent_gateway_holds_up_one_text_per_round(api, service, settings, silent_gateway, messages_to_outbox):
    book_with_sms(api)
    book_with_sms(api, start=athens(2026, 12, 1, 10, 0), hold={"citizen": NIKOS}, citizen=NIKOS)
    settings.sms_url = silent_gateway
    settings.sms_timeout = 0.3
    started = time.monotonic()
    deliver(service)
    assert time.monotonic() - started < 2
    # The first waited for the timeout; the second waits for the next round, not a timeout of its own.
    assert [row["attempts"] for row in queued_texts(service)] == [1, 0]
    assert len(messages_to_outbox.messages()) == 2  # the emails went regardless


def test_a_refusal_is_not_mistaken_for_a_gateway_that_is_down(gateway):
    with pytest.raises(SmsNotSent) as refused:
        HttpSmsProvider(gateway, "wrong", "myKEPlive", 5).send(MOBILE, "x")
    assert not isinstance(refused.value, SmsGatewayUnreachable)
    assert str(refused.value) == "HTTP 401"


def test_the_log_never_holds_the_phone_number(api, service, settings, messages_to_outbox, caplog):
    settings.sms_token = "wrong"
    book_with_sms(api)
    deliver(service)
    assert "not delivered" in caplog.text
    assert "691" not in caplog.text and "Γεια" not in caplog.text


# Texts need a Greek mobile -------------------------------------------------------------------


@pytest.mark.parametrize(("phone", "says"), [
    ("210 123 4567", "For text messages, enter a Greek mobile number"),  # a Greek landline
    ("+44 7700 900123", "Enter a Greek phone number"),  # no Greek number at all: the general message
])
def test_sms_preference_needs_a_greek_mobile(api, phone, says):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    contact = {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": phone,
               "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}}
    refused = api.book(hold["id"], contact=contact, contact_preference="sms")
    assert refused.status_code == 422
    assert refused.json["code"] == "validation"
    assert list(refused.json["errors"]) == ["contact.phone"]
    assert refused.json["errors"]["contact.phone"]["en"].startswith(says)


def test_a_landline_is_fine_for_email(api):
    hold = api.hold(athens(2026, 12, 1, 9, 0)).json
    contact = {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "210 123 4567",
               "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}}
    assert api.book(hold["id"], contact=contact, contact_preference="email").status_code == 201


def test_a_mobile_in_international_form_is_fine_for_sms(api):
    booking = book_with_sms(api, contact={"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com",
                                          "phone": "0030 691-234-5678",
                                          "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}})
    assert booking["contact"]["phone"] == MOBILE


# No phone for citizens who do not use it -----------------------------------------------------

ASKS_TO_PHONE = re.compile(r"καλέστε|τηλέφων|\bcall (us|the|on)\b|\bphone\b|tel:", re.IGNORECASE)


def everything_said(outbox) -> list[str]:
    """Every email's text, HTML and calendar file, and every text message."""
    said = []
    for message in outbox.messages():
        said += [message["subject"], message["text"], message["html"]]
        said += [base64.b64decode(a["content_base64"]).decode() for a in message["attachments"]]
    return said + [message["text"] for message in outbox.sms_messages()]


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("need", ["sign_language", "lip_reading", "text_chat"])
def test_no_message_asks_a_citizen_with_a_hearing_need_to_phone(api, service, clock, messages_to_outbox,
                                                                 need, language):
    booking = every_kind(api, clock, service, needs=[need], language=language)
    said = everything_said(messages_to_outbox)
    # The citizen's four emails and texts; a sign-language call also invites (and updates, and
    # withdraws) its interpreter, who is told nothing about phoning either.
    to_the_citizen = [m for m in messages_to_outbox.messages() if m["to"] == [booking["contact"]["email"]]]
    assert len(to_the_citizen) == 4 and len(messages_to_outbox.sms_messages()) == 4
    kep_phone = booking["kep"]["phone"]
    for content in said:
        assert not ASKS_TO_PHONE.search(content), ASKS_TO_PHONE.search(content)
        assert kep_phone not in content and re.sub(r"\D", "", kep_phone) not in content
    for message in to_the_citizen:
        assert "help@mykeplive.example" in message["text"]


def test_everyone_else_is_offered_email_first_then_the_phone(api, service, messages_to_outbox):
    booking = book_with_sms(api, needs=[], language="en")
    deliver(service)
    [message] = messages_to_outbox.messages()
    line = next(line for line in message["text"].splitlines() if line.startswith("If you have any questions"))
    assert line == f"If you have any questions, email us at help@mykeplive.example or call the KEP on " \
                   f"{booking['kep']['phone']}."
    assert not any(ASKS_TO_PHONE.search(m["text"]) for m in messages_to_outbox.sms_messages())


def test_replies_go_to_the_support_address(api, service, settings, messages_to_outbox):
    settings.support_email = "support@kep.example"
    api.book(api.hold(athens(2026, 12, 1, 9, 0)).json["id"], needs=["lip_reading"])
    deliver(service)
    [message] = messages_to_outbox.messages()
    assert message["reply_to"] == "support@kep.example"
    assert "γράψτε μας στο support@kep.example." in message["text"]


# Settings -------------------------------------------------------------------------------------


def test_sms_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KEPWEB_SANDBOX_SMS_URL", "https://sms.example/v1/messages")
    monkeypatch.setenv("KEPWEB_SANDBOX_SMS_TOKEN", "secret")
    monkeypatch.setenv("KEPWEB_SANDBOX_SMS_SENDER", "KEP")
    monkeypatch.setenv("KEPWEB_SANDBOX_SUPPORT_EMAIL", "help@kep.example")
    settings = Settings.from_environment()
    assert (settings.sms_gateway_url, settings.sms_token, settings.sms_sender, settings.support_email) == (
        "https://sms.example/v1/messages", "secret", "KEP", "help@kep.example")


def test_without_an_sms_url_texts_go_to_the_outbox_beside_the_frontend():
    settings = Settings(frontend_url="https://kep.example/")
    assert settings.sms_gateway_url == "https://kep.example/sandbox/outbox/sms/messages"


def test_a_sender_name_longer_than_phones_show_is_refused(monkeypatch):
    monkeypatch.setenv("KEPWEB_SANDBOX_SMS_SENDER", "myKEPlive.gov")
    with pytest.raises(ValueError, match="11 characters"):
        Settings.from_environment()
