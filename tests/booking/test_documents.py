"""Supporting documents reach the KEP: sent to the scheduling API when the booking is made (then
gone from the upload store), said plainly when one did not arrive, and on the appointment's page
listed, downloaded, added and removed, with the wizard's checks and messages, CSRF, and no JavaScript.

The frontend talks to the real reference service over HTTP. A thin WSGI layer in front of it
makes the next uploads fail when a test asks (the API down, slow, or refusing one file), so that
what the citizen is told can be checked against what the API really keeps.
"""

from __future__ import annotations

import io
import time
import zipfile
from io import BytesIO

import pytest

from kepweb.booking import documents, state
from sandbox import scheduling
from tests.booking.conftest import MARIA, sign_in_as
from tests.booking.test_appointments import NIKOS
from tests.booking.test_final_submit import book, confirmed, to_the_check_page
from tests.booking.test_steps import answers_of
from tests.conftest import API_TOKEN, HOLD_MINUTES, ServerThread
from tests.page_checks import check_page, text_of

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
TIMEOUT = 2  # seconds the frontend waits for the API in this module
FILES = [("Βεβαίωση κατοικίας.pdf", PDF), ("taftotita.jpg", JPEG), ("Ε9.png", PNG)]


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


class UploadFaults:
    """WSGI middleware: the next uploads (POST …/documents) meet what `plan` says, in order:
    "ok" goes through, "down" is a 503, "slow" answers only after the frontend has given up,
    "refused" is a `validation` problem. Everything else goes through."""

    def __init__(self, app):
        self.app, self.plan, self.uploads = app, [], 0

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/documents"):
            self.uploads += 1
            fault = self.plan.pop(0) if self.plan else "ok"
            if fault != "ok":
                environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                if fault == "slow":
                    time.sleep(TIMEOUT + 1)
                if fault == "refused":
                    start_response("422 Unprocessable Content", [("Content-Type", "application/problem+json")])
                    return [b'{"type": "about:blank", "title": "refused", "status": 422, "code": "validation",'
                            b' "errors": {"file": {"el": "\\u0395\\u03bd", "en": "Refused"}}}']
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"down"]
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def faults(scheduling_database, outbox_server, module_sandbox_clock):
    settings = scheduling.Settings(database=scheduling_database, frontend_token=API_TOKEN, background_loops=False,
                                   smtp_port=outbox_server.port, hold_minutes=HOLD_MINUTES, clock=module_sandbox_clock)
    wrapper = UploadFaults(scheduling.create_app(settings))
    server = ServerThread(wrapper)
    wrapper.url = f"{server.url}/v1"
    yield wrapper
    server.stop()


@pytest.fixture(scope="module")
def scheduling_api(faults):
    return faults.url


@pytest.fixture
def upload_faults(faults):
    faults.plan, faults.uploads = [], 0
    yield faults
    faults.plan = []


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SCHEDULING_API_TIMEOUT": TIMEOUT}


@pytest.fixture
def api(citizen_request):
    return citizen_request.client.application.extensions["scheduling"]


# -- at booking ---------------------------------------------------------------------------

def choose_files(client, files):
    """The identity step again, now with files, as a browser without JavaScript sends them."""
    response = client.client.post("/book/document", data={
        "id_document": "passport", "csrf_token": client.csrf_token("/book/document"),
        "files": [(BytesIO(content), name) for name, content in files]}, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == "/book/check", response.status_code
    return answers_of(client)["document"]["files"]


def in_the_store(client, entries) -> list:
    with client.client.application.test_request_context():
        from flask import g

        g.citizen = MARIA
        return [state.store().get(documents.content_key(entry["id"])) for entry in entries]


def booked_one(client, procedure):
    made = confirmed(client, procedure)
    assert len(made) == 1, f"booked {len(made)} times"
    return made[0]


def cancel_afterwards(api, booking):
    api.bookings.cancel(MARIA.tax_id, booking.reference)


def test_the_files_chosen_reach_the_kep_when_the_booking_is_made(citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "child-benefit")
    chosen = choose_files(citizen_request, FILES)
    assert in_the_store(citizen_request, chosen) == [PDF, JPEG, PNG]
    page = citizen_request.get("/book/check")
    assert "When you book, we send your supporting documents to the KEP." in text_of(page)

    path, page = book(citizen_request)
    assert path == "/book/confirmation"
    made = booked_one(citizen_request, "child-benefit")
    assert [(d.name, d.media_type, d.size) for d in made.documents] == [
        ("Βεβαίωση κατοικίας.pdf", "application/pdf", len(PDF)), ("taftotita.jpg", "image/jpeg", len(JPEG)),
        ("Ε9.png", "image/png", len(PNG))]
    assert in_the_store(citizen_request, chosen) == [None, None, None], "sent, then gone from the upload store"
    rows = {text_of(row.dt): text_of(row.dd) for row in page.select(".govgr-summary-list__row")}
    assert rows["Supporting documents the KEP has received"] == "Βεβαίωση κατοικίας.pdf, taftotita.jpg, Ε9.png"
    assert "did not reach the KEP" not in text_of(page)
    cancel_afterwards(api, made)


def test_booking_twice_books_once_and_keeps_each_file_once(citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "birth-allowance")
    choose_files(citizen_request, FILES[:2])
    token = citizen_request.csrf_token("/book/check")
    answers = [citizen_request.client.post("/book/check", data={"csrf_token": token}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    assert {answer.headers["Location"] for answer in answers} == {"/book/confirmation"}
    made = booked_one(citizen_request, "birth-allowance")
    assert [d.name for d in made.documents] == ["Βεβαίωση κατοικίας.pdf", "taftotita.jpg"]
    # A twin request that finds the files still in the store sends them again: the API keeps them once.
    for name, content in FILES[:2]:
        api.documents.add(MARIA.tax_id, made.reference, name=name, file_name="x", media_type="image/png",
                          content=content)
    assert len(api.bookings.get_booking(MARIA.tax_id, made.reference).documents) == 2
    cancel_afterwards(api, made)


def test_when_the_api_fails_during_the_uploads_the_booking_stands_and_the_page_says_which_files_are_missing(
        citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "unemployment-benefit")
    chosen = choose_files(citizen_request, FILES)
    upload_faults.plan = ["ok", "down"]  # the first arrives; then the API stops answering
    citizen_request.use_language("el")
    path, page = book(citizen_request)
    assert path == "/book/confirmation"
    assert text_of(page.h1) == "Το ραντεβού σας κλείστηκε"
    made = booked_one(citizen_request, "unemployment-benefit")
    assert [d.name for d in made.documents] == ["Βεβαίωση κατοικίας.pdf"]
    assert upload_faults.uploads == 2, "once the API stopped answering, the third file was not tried"
    banner = page.find(id="not-received-title").find_parent(class_="govgr-notification-banner")
    assert text_of(banner.h2) == "Αυτά τα δικαιολογητικά δεν έφτασαν στο ΚΕΠ:"
    assert [text_of(item) for item in banner.select("li")] == ["taftotita.jpg", "Ε9.png"]
    assert "μπορείτε να προσθέσετε τα δικαιολογητικά" in text_of(banner).lower()
    assert banner.find("a", href=f"/appointments/{made.reference}")
    rows = {text_of(row.dt): text_of(row.dd) for row in page.select(".govgr-summary-list__row")}
    assert rows["Δικαιολογητικά που έλαβε το ΚΕΠ"] == "Βεβαίωση κατοικίας.pdf"
    assert in_the_store(citizen_request, chosen) == [None, None, None]
    # The appointment's page, where the missing ones can be added, lists only what the KEP has.
    shown = citizen_request.get(f"/appointments/{made.reference}")
    assert [text_of(a) for a in shown.select(".kepweb-files a")] == ["Βεβαίωση κατοικίας.pdf"]
    cancel_afterwards(api, made)


def test_a_file_the_api_refuses_does_not_stop_the_others(citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "maternity-benefit")
    choose_files(citizen_request, FILES[:2])
    upload_faults.plan = ["refused"]
    path, page = book(citizen_request)
    assert path == "/book/confirmation"
    made = booked_one(citizen_request, "maternity-benefit")
    assert [d.name for d in made.documents] == ["taftotita.jpg"]
    assert text_of(page.find(id="not-received-title")) == "This document did not reach the KEP:"
    banner = page.find(id="not-received-title").find_parent(class_="govgr-notification-banner")
    assert [text_of(item) for item in banner.select("li")] == ["Βεβαίωση κατοικίας.pdf"]
    assert "You can add the document on the page of your appointment." in text_of(banner)
    cancel_afterwards(api, made)


def test_a_slow_api_during_the_uploads_costs_one_timeout_and_is_told(citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "social-electricity-tariff")
    choose_files(citizen_request, FILES)
    upload_faults.plan = ["slow"]
    started = time.monotonic()
    path, page = book(citizen_request)
    assert time.monotonic() - started < 3 * TIMEOUT, "one wait for the API, not one per file"
    assert path == "/book/confirmation"
    made = booked_one(citizen_request, "social-electricity-tariff")
    assert made.documents == ()
    assert [text_of(item) for item in page.select(".govgr-notification-banner li")] == [n for n, _ in FILES]
    cancel_afterwards(api, made)


def test_a_booking_without_files_says_nothing_about_documents(citizen_request, api, upload_faults):
    to_the_check_page(citizen_request, "minimum-income")
    assert "supporting documents to the KEP" not in text_of(citizen_request.get("/book/check"))
    path, page = book(citizen_request)
    assert path == "/book/confirmation"
    assert "Supporting documents" not in text_of(page) and not page.find(id="not-received-title")
    assert upload_faults.uploads == 0
    cancel_afterwards(api, booked_one(citizen_request, "minimum-income"))


def test_the_wizard_names_a_refused_file_as_the_citizen_knows_it_in_greek_letters_marked_greek(citizen_request,
                                                                                                upload_faults):
    to_the_check_page(citizen_request, "amka-assignment")
    response = citizen_request.client.post("/book/document", data={
        "id_document": "passport", "csrf_token": citizen_request.csrf_token("/book/document"),
        "files": [(BytesIO(zip_file()), "Βεβαίωση.pdf")]}, content_type="multipart/form-data")
    page = citizen_request._checked(response, 200)  # every Greek word on this English page is marked lang="el"
    assert text_of(page.find(id="files-error")) == (
        "Error: “Βεβαίωση.pdf” is not a PDF, JPEG or PNG file. Save it as one of these and send it again.")
    assert page.find(id="files-error").find("span", lang="el").get_text() == "Βεβαίωση.pdf"
    hint = text_of(page.find(id="files-hint"))
    assert "We send them to the KEP when you book." in hint and "add or remove them on its page" in hint
    assert upload_faults.uploads == 0


# -- on the appointment's page -----------------------------------------------------------

def add(client, reference, files, token=None):
    """The add form as a browser without JavaScript sends it."""
    data = {"file": [(BytesIO(content), name) for name, content in files]}
    if token is not False:
        data["csrf_token"] = token or client.csrf_token(f"/appointments/{reference}")
    return client.client.post(f"/appointments/{reference}/documents", data=data, content_type="multipart/form-data")


def follow(client, response):
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"])


def kept(api, booking):
    return [d.name for d in api.bookings.get_booking(MARIA.tax_id, booking.reference).documents]


def test_the_appointment_page_lists_what_the_kep_has_and_offers_to_add_more(citizen_request, api, booked):
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert "You have not sent the KEP any supporting documents for this appointment." in text_of(page)
    for name, content in FILES[:2]:
        api.documents.add(MARIA.tax_id, booked.reference, name=name, file_name="x", media_type="x", content=content)
    page = citizen_request.get(f"/appointments/{booked.reference}")
    items = page.select(".kepweb-files li")
    assert [text_of(item.a) for item in items] == ["Βεβαίωση κατοικίας.pdf", "taftotita.jpg"]
    assert "(PDF, 1 KB)" in text_of(items[0]) and "(JPEG, 1 KB)" in text_of(items[1])
    assert [text_of(button) for button in page.select(".kepweb-files button")] == [
        "Remove Βεβαίωση κατοικίας.pdf", "Remove taftotita.jpg"]
    field = page.find("input", attrs={"type": "file"})
    assert field["id"] == "file" and page.find("label", attrs={"for": "file"})
    assert field["aria-describedby"] == "file-hint"
    assert "The KEP receives the document as soon as you send it." in text_of(page.find(id="file-hint"))
    form = field.find_parent("form")
    assert form["method"] == "post" and form["enctype"] == "multipart/form-data"
    assert form.find("input", attrs={"name": "csrf_token"})


def test_the_citizen_downloads_their_own_document_and_nobody_else_can(citizen_request, api, booked):
    document = api.documents.add(MARIA.tax_id, booked.reference, name="Βεβαίωση κατοικίας.pdf", file_name="x",
                                 media_type="x", content=PDF)
    href = citizen_request.get(f"/appointments/{booked.reference}").select_one(".kepweb-files a")["href"]
    assert href == f"/appointments/{booked.reference}/documents/{document.id}"
    response = citizen_request.client.get(href)
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="document.pdf"; filename*=UTF-8')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert citizen_request.client.get(f"/appointments/{booked.reference}/documents/nothing").status_code == 404
    sign_in_as(citizen_request.client, NIKOS)
    assert citizen_request.client.get(href).status_code == 404


def test_a_document_added_on_the_page_reaches_the_kep(citizen_request, api, booked):
    page = follow(citizen_request, add(citizen_request, booked.reference, [("Ε9 2025.pdf", PDF)]))
    assert "Your document has been sent to the KEP." in text_of(page.select_one("[role=alert]"))
    assert kept(api, booked) == ["Ε9 2025.pdf"]
    assert [text_of(a) for a in page.select(".kepweb-files a")] == ["Ε9 2025.pdf"]


def test_the_same_file_sent_twice_from_the_page_is_kept_once(citizen_request, api, booked):
    token = citizen_request.csrf_token(f"/appointments/{booked.reference}")
    answers = [add(citizen_request, booked.reference, [("scan.pdf", PDF)], token) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    page = follow(citizen_request, answers[1])
    assert "Your document has been sent to the KEP." in text_of(page.select_one("[role=alert]"))
    assert kept(api, booked) == ["scan.pdf"]


@pytest.mark.parametrize("files, message", [
    ([("Βεβαίωση.pdf", zip_file())], "“Βεβαίωση.pdf” is not a PDF, JPEG or PNG file. Save it as one of these and "
                                     "send it again."),
    ([("κενό.pdf", b"")], "“κενό.pdf” is empty. Choose the file again."),
    ([("big.pdf", PDF.ljust(5 * 1024 * 1024 + 1, b"0"))],
     "“big.pdf” is larger than 5 MB. Send a smaller file, or a scan at a lower resolution."),
    ([], "Choose the document you want to send"),
], ids=["wrong-type", "empty", "too-big", "none"])
def test_the_page_checks_a_file_as_the_wizard_does_and_says_why_at_the_field(citizen_request, api, booked, files,
                                                                          message):
    response = add(citizen_request, booked.reference, files)
    page = citizen_request._checked(response, 200)
    assert page.title.get_text().startswith(f"Error: Appointment {booked.reference}")
    summary = page.find(attrs={"data-error-summary": True})
    assert [(a["href"], text_of(a)) for a in summary.select("a")] == [("#file", message)]
    assert text_of(page.find(id="file-error")) == f"Error: {message}"
    assert page.find(id="file")["aria-describedby"] == "file-hint file-error"
    assert kept(api, booked) == []


def test_a_fourth_document_is_neither_offered_nor_accepted(citizen_request, api, booked):
    for name, content in FILES:
        api.documents.add(MARIA.tax_id, booked.reference, name=name, file_name="x", media_type="x", content=content)
    token = citizen_request.csrf_token(f"/appointments/{booked.reference}")
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert not page.find("input", attrs={"type": "file"})
    assert "You have sent 3 documents, the most an appointment takes. To send another, remove one first." in \
        text_of(page)
    page = citizen_request._checked(add(citizen_request, booked.reference, [("4.pdf", PDF + b"4")], token), 200)
    assert text_of(page.find(id="file-error")) == "Error: You can send at most 3 files. “4.pdf” was not added."
    assert len(kept(api, booked)) == 3


def test_removing_a_document_takes_it_from_the_kep_and_twice_is_the_same(citizen_request, api, booked):
    document = api.documents.add(MARIA.tax_id, booked.reference, name="Ε9.png", file_name="x", media_type="x",
                                 content=PNG)
    url = f"/appointments/{booked.reference}/documents/{document.id}/remove"
    form = citizen_request.get(f"/appointments/{booked.reference}").select_one(".kepweb-files form")
    assert form["action"] == url and form["method"] == "post"
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    answers = [citizen_request.client.post(url, data={"csrf_token": token}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    page = follow(citizen_request, answers[1])
    assert "The document has been removed. The KEP no longer has it." in text_of(page.select_one("[role=alert]"))
    assert kept(api, booked) == []


def test_adding_and_removing_need_the_pages_csrf_token(citizen_request, api, booked):
    document = api.documents.add(MARIA.tax_id, booked.reference, name="a.pdf", file_name="a.pdf", media_type="x",
                                 content=PDF)
    assert add(citizen_request, booked.reference, [("b.png", PNG)], token=False).status_code == 400
    removed = citizen_request.client.post(f"/appointments/{booked.reference}/documents/{document.id}/remove")
    assert removed.status_code == 400
    assert kept(api, booked) == ["a.pdf"]


def test_somebody_elses_appointment_takes_no_document(citizen_request, api, booked):
    token = citizen_request.csrf_token(f"/appointments/{booked.reference}")
    sign_in_as(citizen_request.client, NIKOS)
    assert add(citizen_request, booked.reference, [("a.pdf", PDF)], token).status_code == 404
    assert kept(api, booked) == []


def test_a_cancelled_appointment_keeps_its_documents_to_download_but_takes_no_changes(citizen_request, api, booked):
    document = api.documents.add(MARIA.tax_id, booked.reference, name="a.pdf", file_name="a.pdf", media_type="x",
                                 content=PDF)
    token = citizen_request.csrf_token(f"/appointments/{booked.reference}")
    api.bookings.cancel(MARIA.tax_id, booked.reference)
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert [text_of(a) for a in page.select(".kepweb-files a")] == ["a.pdf"]
    assert not page.select(".kepweb-files form") and not page.find("input", attrs={"type": "file"})
    assert "This appointment has ended or been cancelled, so you can no longer add or remove documents." in \
        text_of(page)
    page = follow(citizen_request, add(citizen_request, booked.reference, [("b.png", PNG)], token))
    assert "you can no longer add documents to it" in text_of(page.select_one("[role=alert]"))
    url = f"/appointments/{booked.reference}/documents/{document.id}/remove"
    page = follow(citizen_request, citizen_request.client.post(url, data={"csrf_token": token}))
    assert "can no longer be removed" in text_of(page.select_one("[role=alert]"))
    assert kept(api, booked) == ["a.pdf"]


def test_a_request_too_large_to_read_gets_a_page_that_leads_back_to_the_appointment(citizen_request, booked):
    response = add(citizen_request, booked.reference, [("huge.pdf", b"0" * (17 << 20))])
    page = citizen_request._checked(response, 413)
    assert "Your appointment has not changed." in text_of(page)
    back = page.find("a", string="Go back")["href"]
    assert back == f"/appointments/{booked.reference}/documents"
    response = citizen_request.client.get(back)
    assert response.status_code == 303 and response.headers["Location"] == f"/appointments/{booked.reference}"


def test_the_appointment_page_in_greek(citizen_request, api, booked):
    api.documents.add(MARIA.tax_id, booked.reference, name="Βεβαίωση.pdf", file_name="x", media_type="x",
                      content=PDF)
    citizen_request.use_language("el")
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert text_of(page.find(id="documents")) == "Δικαιολογητικά"
    assert "Το ΚΕΠ έχει λάβει από εσάς αυτά τα δικαιολογητικά:" in text_of(page)
    assert text_of(page.find("label", attrs={"for": "file"})) == "Προσθήκη δικαιολογητικού"
    assert text_of(page.select_one(".kepweb-files button")) == "Αφαίρεση Βεβαίωση.pdf"
    page = citizen_request._checked(add(citizen_request, booked.reference, [("x.pdf", b"")]), 200)
    assert page.title.get_text().startswith("Σφάλμα: ")
    assert check_page(str(page))
