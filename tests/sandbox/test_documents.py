"""Supporting documents of a booking, kept by the service for the KEP: PDF, JPEG or PNG by their
content, at most 3 of at most 5 MB, only the citizen's own, the same content kept once, the bytes
back as they were sent, and every upload, download and removal in the access log."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from sandbox.scheduling import documents
from sandbox.scheduling.bookings import actor_hash
from sandbox.scheduling.settings import SANDBOX_AUDIT_KEY as KEY
from tests.sandbox.conftest import MARIA, NIKOS, athens
from tests.sandbox.test_contract_fuzz import Contract, mounted

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(api, reference, content, filename="scan.pdf", citizen=MARIA, content_type="application/pdf", **form):
    data = {"file": (io.BytesIO(content), filename, content_type), **form}
    return api.client.post(f"/v1/bookings/{reference}/documents", data=data, content_type="multipart/form-data",
                           headers=api._headers(citizen))


def book(api, day=1, procedure="maternity-benefit", citizen=MARIA) -> dict:
    hold = api.hold(athens(2026, 12, day, 9), procedure=procedure, citizen=citizen)
    assert hold.status_code == 201, hold.json
    booking = api.book(hold.json["id"], citizen=citizen)
    assert booking.status_code == 201, booking.json
    return booking.json


@pytest.fixture
def reference(api):
    """MARIA's booking: Tuesday 1 December 2026, 09:00 in Athens (the clock says Monday 08:00)."""
    return book(api)["reference"]


def test_a_new_booking_has_no_documents(api):
    assert book(api)["documents"] == []


def test_the_type_is_told_by_the_content_not_by_the_name_or_the_content_type(api, reference):
    refused = upload(api, reference, zip_file(), "Βεβαίωση.pdf", content_type="application/pdf")
    assert refused.status_code == 422
    assert refused.json["code"] == "validation"
    assert refused.json["errors"] == {"file": {"el": "Το αρχείο δεν είναι PDF, JPEG ή PNG",
                                               "en": "The file is not a PDF, JPEG or PNG"}}
    photo = upload(api, reference, JPEG, "photo.png", content_type="image/png")
    assert photo.status_code == 201
    assert photo.json["media_type"] == "image/jpeg" and photo.json["name"] == "photo.png"
    scan = upload(api, reference, PNG, "scan", content_type="application/pdf")
    assert scan.status_code == 201 and scan.json["media_type"] == "image/png"


def test_an_empty_or_too_big_file_or_none_is_refused_with_a_field_error(api, reference):
    assert upload(api, reference, b"", "empty.pdf").json["errors"]["file"]["en"] == "The file is empty"
    too_big = upload(api, reference, PDF.ljust(documents.MAX_BYTES + 1, b"0"))
    assert too_big.status_code == 422
    assert too_big.json["errors"]["file"]["en"] == "The file is larger than 5 MB"
    # A request far larger than a file may be is refused the same way, without being read.
    huge = upload(api, reference, PDF.ljust(3 * documents.MAX_BYTES, b"0"))
    assert huge.status_code == 422 and huge.json["errors"]["file"]["en"] == "The file is larger than 5 MB"
    none = api.client.post(f"/v1/bookings/{reference}/documents", data={"name": "x.pdf"},
                           content_type="multipart/form-data", headers=api._headers(MARIA))
    assert none.status_code == 422 and none.json["errors"]["file"]["en"] == "Choose a file"
    assert api.get(f"/bookings/{reference}/documents").json["documents"] == []


def test_a_file_of_exactly_5_mb_is_kept(api, reference):
    exactly = upload(api, reference, PDF.ljust(documents.MAX_BYTES, b"0"))
    assert exactly.status_code == 201 and exactly.json["size"] == 5 * 1024 * 1024


def test_at_most_three_documents_a_booking(api, reference):
    for number in range(3):
        assert upload(api, reference, PDF + bytes([number]), f"{number}.pdf").status_code == 201
    fourth = upload(api, reference, PDF + b"4", "4.pdf")
    assert fourth.status_code == 409
    assert fourth.json["code"] == "not_allowed"
    # The same content as one kept is no fourth document: it answers with the one kept.
    again = upload(api, reference, PDF + bytes([2]), "2.pdf")
    assert again.status_code == 200 and again.json["name"] == "2.pdf"
    assert len(api.get(f"/bookings/{reference}").json["documents"]) == 3


def test_the_same_content_sent_twice_is_kept_once(api, reference):
    first = upload(api, reference, PDF, "Πιστοποιητικό.pdf")
    second = upload(api, reference, PDF, "Πιστοποιητικό.pdf")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json == second.json
    assert first.json["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [d["id"] for d in api.get(f"/bookings/{reference}/documents").json["documents"]] == [first.json["id"]]


def test_the_same_content_may_go_to_two_bookings(api, reference):
    other = book(api, day=2, procedure="child-benefit")["reference"]
    assert upload(api, reference, PDF).status_code == 201
    assert upload(api, other, PDF).status_code == 201


def test_the_bytes_come_back_as_they_were_sent_to_be_saved_not_shown(api, reference):
    kept = upload(api, reference, PDF, "scan.pdf", name="C:\\Έγγραφα\\Βεβαίωση κατοικίας.pdf").json
    assert kept["name"] == "Βεβαίωση κατοικίας.pdf"
    response = api.get(f"/bookings/{reference}/documents/{kept['id']}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''"
        "%CE%92%CE%B5%CE%B2%CE%B1%CE%AF%CF%89%CF%83%CE%B7%20%CE%BA%CE%B1%CF%84%CE%BF%CE%B9%CE%BA%CE%AF%CE%B1%CF%82.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_name_is_tidied_or_given_apart_from_the_file(api, reference):
    tidied = upload(api, reference, PDF, "../../etc/\u202eπαράρτημα\x00  1.pdf").json
    assert tidied["name"] == "παράρτημα 1.pdf"
    named = upload(api, reference, JPEG, "document.jpg", name="Ταυτότητα (πίσω).jpg").json
    assert named["name"] == "Ταυτότητα (πίσω).jpg"
    unnamed = upload(api, reference, PNG, "").json
    assert unnamed["name"] == "document.png"
    long = upload(api, book(api, day=2, procedure="child-benefit")["reference"], PDF, name="α" * 201 + ".pdf")
    assert long.status_code == 422 and set(long.json["errors"]) == {"name"}


def test_somebody_elses_booking_is_not_found_whatever_is_asked(api, reference):
    kept = upload(api, reference, PDF).json
    path = f"/v1/bookings/{reference}/documents"
    nikos = api._headers(NIKOS)
    answers = [
        upload(api, reference, PDF + b"x", citizen=NIKOS),
        api.client.get(path, headers=nikos),
        api.client.get(f"{path}/{kept['id']}", headers=nikos),
        api.client.delete(f"{path}/{kept['id']}", headers=nikos),
        upload(api, "KEP-2222-2222", PDF),
    ]
    assert [(answer.status_code, answer.json["code"]) for answer in answers] == [(404, "not_found")] * 5
    assert api.get(f"/bookings/{reference}/documents").json["documents"] == [kept]  # nothing changed
    denied = [e for e in api.get("/admin/access-log", admin=True).json["entries"] if e["action"] == "booking.denied"]
    assert len(denied) == 5 and {e["actor"] for e in denied} == {actor_hash(KEY, NIKOS), actor_hash(KEY, MARIA)}


def test_an_unknown_document_is_not_found(api, reference):
    assert api.get(f"/bookings/{reference}/documents/no-such-document").status_code == 404


def test_removing_deletes_it_and_removing_again_is_no_error(api, reference):
    kept = upload(api, reference, PDF).json
    assert api.delete(f"/bookings/{reference}/documents/{kept['id']}").status_code == 204
    assert api.get(f"/bookings/{reference}/documents/{kept['id']}").status_code == 404
    assert api.delete(f"/bookings/{reference}/documents/{kept['id']}").status_code == 204
    assert api.get(f"/bookings/{reference}").json["documents"] == []
    assert upload(api, reference, PDF).status_code == 201  # and it can be sent again


def test_documents_are_added_and_removed_only_while_the_booking_is_upcoming(api, clock, reference):
    kept = upload(api, reference, PDF).json
    clock.advance(days=1, hours=1, minutes=10)  # Tuesday 09:10: the call is on, and may still need a document
    assert upload(api, reference, JPEG).status_code == 201
    clock.advance(minutes=30)  # the call has ended
    assert upload(api, reference, PNG).json["code"] == "not_allowed"
    assert api.delete(f"/bookings/{reference}/documents/{kept['id']}").json["code"] == "not_allowed"
    # Still the citizen's to see, until the retention job deletes them.
    assert api.get(f"/bookings/{reference}/documents/{kept['id']}").data == PDF


def test_a_cancelled_booking_takes_no_more_documents(api, reference):
    kept = upload(api, reference, PDF).json
    assert api.post(f"/bookings/{reference}/cancel").status_code == 200
    assert upload(api, reference, JPEG).status_code == 409
    assert api.delete(f"/bookings/{reference}/documents/{kept['id']}").status_code == 409
    assert [d["id"] for d in api.get(f"/bookings/{reference}").json["documents"]] == [kept["id"]]


def test_every_upload_listing_download_and_removal_is_in_the_access_log(api, reference):
    kept = upload(api, reference, PDF).json
    upload(api, reference, PDF)  # a double click is a request too
    api.get(f"/bookings/{reference}/documents")
    api.get(f"/bookings/{reference}/documents/{kept['id']}")
    api.delete(f"/bookings/{reference}/documents/{kept['id']}")
    entries = api.get("/admin/access-log", admin=True).json["entries"]
    actions = [e["action"] for e in entries if e["action"].startswith("document.")]
    assert actions == ["document.delete", "document.download", "document.list", "document.upload",
                       "document.upload"]
    assert {(e["actor"], e["booking_reference"]) for e in entries if e["action"].startswith("document.")} == {
        (actor_hash(KEY, MARIA), reference)}
    assert MARIA not in str(entries)


def test_delete_documents_of_deletes_those_of_the_given_bookings_only(service, api, reference):
    other = book(api, day=2, procedure="child-benefit")["reference"]
    upload(api, reference, PDF)
    upload(api, reference, JPEG)
    upload(api, other, PNG)
    database = service.extensions["scheduling"].database
    booking_id = database.read().execute("SELECT id FROM bookings WHERE reference=?", (reference,)).fetchone()[0]
    with database.write() as connection:
        assert documents.delete_documents_of(connection, [booking_id]) == 2
        assert documents.delete_documents_of(connection, []) == 0
    assert api.get(f"/bookings/{reference}/documents").json["documents"] == []
    assert len(api.get(f"/bookings/{other}/documents").json["documents"]) == 1
    assert database.read().execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


@pytest.fixture
def contract(service):
    return Contract(mounted(service))


def test_the_documents_keep_the_contract(contract, clock):
    from tests.sandbox.conftest import booking_answers

    hold = contract("POST", "/holds", body={"category": "information", "procedure": "maternity-benefit",
                                            "kep_id": "kep-megisti-1", "start": "2026-12-01T07:00:00Z"}, status=201)
    reference = {"reference": contract("POST", "/bookings", body=booking_answers(hold["id"]), status=201)["reference"]}
    multipart = "multipart/form-data"
    kept = contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
                    body={"file": PDF, "name": "Βεβαίωση.pdf"}, status=201)
    assert kept["name"] == "Βεβαίωση.pdf"
    contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
             body={"file": PDF}, status=200)
    refused = contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
                       body={"file": zip_file()}, status=422)
    assert set(refused["errors"]) == {"file"}
    contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
             body={"file": PDF}, citizen=NIKOS, status=404)
    for content in (JPEG, PNG):
        contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
                 body={"file": content}, status=201)
    contract("POST", "/bookings/{reference}/documents", path_parameters=reference, media_type=multipart,
             body={"file": PDF + b"4"}, status=409)
    listed = contract("GET", "/bookings/{reference}/documents", path_parameters=reference, status=200)
    assert [d["media_type"] for d in listed["documents"]] == ["application/pdf", "image/jpeg", "image/png"]
    assert contract("GET", "/bookings/{reference}", path_parameters=reference, status=200)["documents"] == \
        listed["documents"]
    one = {**reference, "document_id": kept["id"]}
    downloaded = contract("GET", "/bookings/{reference}/documents/{document_id}", path_parameters=one, status=200)
    assert downloaded.content == PDF
    contract("GET", "/bookings/{reference}/documents/{document_id}", path_parameters={**one, "document_id": "x"},
             status=404)
    contract("DELETE", "/bookings/{reference}/documents/{document_id}", path_parameters=one, status=204)
    contract("DELETE", "/bookings/{reference}/documents/{document_id}", path_parameters=one, status=204)
    contract("GET", "/bookings/{reference}/documents", path_parameters=reference, citizen=None, status=401)
    clock.advance(days=2)
    contract("DELETE", "/bookings/{reference}/documents/{document_id}", path_parameters=one, status=409)
    log = contract("GET", "/admin/access-log", status=200)["entries"]
    assert {"document.upload", "document.list", "document.download", "document.delete"} <= {e["action"] for e in log}
