"""Supporting documents a citizen sends for a booking, kept by the service for the KEP.

At most `MAX_DOCUMENTS` per booking, of at most `MAX_BYTES` each, and only PDF, JPEG or
PNG: the type is told by the first bytes of the content (its magic number), never by
the file's name or the Content-Type the client sent. The same content sent twice for
one booking (a double click, a retry) is kept once: each document keeps the SHA-256
of its content, unique per booking, and a repeat answers with the document kept.

Documents are added and removed only while the booking is confirmed and has not
ended; the citizen can download their own at any time until they are deleted.
Every upload, download, listing and removal is written to the access log (article
7.2). `delete_documents_of` deletes the documents of given bookings, for the job
that applies the retention period.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from urllib.parse import quote

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from sandbox.scheduling.problems import Problem, field_error

MAX_DOCUMENTS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 200
#: What a whole upload request may weigh: one file of MAX_BYTES, its name and the multipart framing.
MAX_REQUEST_BYTES = MAX_BYTES + 64 * 1024

# Magic numbers: what the first bytes of each accepted type are (as the frontend checks them).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

CHOOSE_A_FILE = field_error("Επιλέξτε ένα αρχείο", "Choose a file")
EMPTY = field_error("Το αρχείο είναι κενό", "The file is empty")
WRONG_TYPE = field_error("Το αρχείο δεν είναι PDF, JPEG ή PNG", "The file is not a PDF, JPEG or PNG")
TOO_BIG = field_error("Το αρχείο είναι μεγαλύτερο από 5 MB", "The file is larger than 5 MB")


def sniff(content: bytes) -> str | None:
    """The media type of content that starts with an accepted signature, else None."""
    for signature, media_type in SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def tidy_name(raw, media_type: str) -> str:
    """The name as sent, fit to show and store: no folders, no control or direction
    characters, single spaces. Empty, it is "document" with the type's extension."""
    name = unicodedata.normalize("NFC", raw if isinstance(raw, str) else "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if character.isspace() else character for character in name
                   if character.isspace() or not unicodedata.category(character).startswith("C"))
    name = " ".join(name.split())
    return name if name.strip(".") else "document" + EXTENSIONS[media_type]


def ascii_name(name: str, media_type: str) -> str:
    """A plain ASCII name for clients that do not read `filename*`: "Βεβαίωση.pdf" is "document.pdf"."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = secure_filename(stem).strip("._") or "document"
    if not (extension.isascii() and extension.isalnum() and len(extension) <= 5):
        return stem + EXTENSIONS[media_type]
    return f"{stem}.{extension.lower()}"


def view(row) -> dict:
    from sandbox.scheduling.bookings import iso

    return {"id": row["id"], "name": row["name"], "media_type": row["media_type"], "size": row["size"],
            "sha256": row["sha256"], "uploaded_at": iso(row["created"])}


def documents_of(connection, booking_id: int) -> list[dict]:
    """A booking's documents, oldest first, without their content."""
    return [view(row) for row in connection.execute(
        "SELECT id, name, media_type, size, sha256, created FROM documents WHERE booking_id=? ORDER BY created, rowid",
        (booking_id,))]


def delete_documents_of(connection, booking_ids) -> int:
    """Delete every document of these bookings (their `bookings.id`), content and all.

    For the retention job, inside its own write transaction; returns how many were deleted.
    """
    ids = [int(booking_id) for booking_id in booking_ids]
    deleted = 0
    for start in range(0, len(ids), 500):  # SQLite takes a limited number of parameters at once
        chunk = ids[start:start + 500]
        cursor = connection.execute(
            f"DELETE FROM documents WHERE booking_id IN ({','.join('?' * len(chunk))})", chunk)
        deleted += cursor.rowcount
    return deleted


def _is_upcoming(scheduling, booking) -> bool:
    return booking["status"] == "confirmed" and booking["ends"] > scheduling.now()


def _read_upload() -> tuple[str, str, bytes]:
    """The checked upload of this request: (name, media type, content), or a `validation` problem."""
    request.max_content_length = MAX_REQUEST_BYTES
    try:
        upload = request.files.get("file")
        given_name = request.form.get("name")
    except RequestEntityTooLarge:
        raise Problem("validation", errors={"file": TOO_BIG}) from None
    if upload is None:
        raise Problem("validation", errors={"file": CHOOSE_A_FILE})
    content = upload.stream.read(MAX_BYTES + 1)
    if not content:
        raise Problem("validation", errors={"file": EMPTY})
    media_type = sniff(content)
    if media_type is None:
        raise Problem("validation", errors={"file": WRONG_TYPE})
    if len(content) > MAX_BYTES:
        raise Problem("validation", errors={"file": TOO_BIG})
    name = tidy_name(given_name if given_name and given_name.strip() else upload.filename, media_type)
    if len(name) > MAX_NAME:
        raise Problem("validation", errors={"name": field_error(
            f"Γράψτε έως {MAX_NAME} χαρακτήρες", f"Write {MAX_NAME} characters or fewer")})
    return name, media_type, content


def add(scheduling, citizen: str, reference: str) -> tuple[int, dict]:
    """Keep the request's file for the booking: 201 with the new document, or 200 with the
    one already kept when the same content was sent before."""
    scheduling._own_booking(scheduling.database.read(), citizen, reference)  # somebody else's: 404 before all
    name, media_type, content = _read_upload()
    digest = hashlib.sha256(content).hexdigest()
    with scheduling.database.write() as connection:
        booking = scheduling._own_booking(connection, citizen, reference)
        if not _is_upcoming(scheduling, booking):
            raise Problem("not_allowed", detail="Documents are added only to a confirmed booking that has not ended.")
        kept = connection.execute("SELECT * FROM documents WHERE booking_id=? AND sha256=?",
                                  (booking["id"], digest)).fetchone()
        if kept is not None:
            scheduling.log(connection, citizen, "document.upload", reference)
            return 200, view(kept)
        count = connection.execute("SELECT COUNT(*) FROM documents WHERE booking_id=?", (booking["id"],)).fetchone()[0]
        if count >= MAX_DOCUMENTS:
            raise Problem("not_allowed", detail=f"A booking takes at most {MAX_DOCUMENTS} documents.")
        document_id = secrets.token_urlsafe(18)
        connection.execute(
            "INSERT INTO documents (id, booking_id, name, media_type, size, sha256, content, created)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (document_id, booking["id"], name, media_type, len(content), digest, content, scheduling.now()))
        scheduling.log(connection, citizen, "document.upload", reference)
        return 201, view(connection.execute("SELECT * FROM documents WHERE id=?", (document_id,)).fetchone())


def listed(scheduling, citizen: str, reference: str) -> list[dict]:
    with scheduling.database.write() as connection:
        booking = scheduling._own_booking(connection, citizen, reference)
        scheduling.log(connection, citizen, "document.list", reference)
        return documents_of(connection, booking["id"])


def _own_document(connection, booking, document_id):
    row = connection.execute("SELECT * FROM documents WHERE id=? AND booking_id=?",
                             (document_id, booking["id"])).fetchone()
    if row is None:
        raise Problem("not_found", detail="No such document of this booking.")
    return row


def download(scheduling, citizen: str, reference: str, document_id: str):
    with scheduling.database.write() as connection:
        booking = scheduling._own_booking(connection, citizen, reference)
        row = _own_document(connection, booking, document_id)
        scheduling.log(connection, citizen, "document.download", reference)
    return document_response(row)


def document_response(row) -> Response:
    """A kept document: the sniffed type, never guessed again by the browser, saved rather than shown,
    and never cached. For the citizen's download and the KEP staff's alike."""
    return Response(bytes(row["content"]), mimetype=row["media_type"], headers={
        "Content-Disposition": (f'attachment; filename="{ascii_name(row["name"], row["media_type"])}";'
                                f" filename*=UTF-8''{quote(row['name'], safe='')}"),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


def remove(scheduling, citizen: str, reference: str, document_id: str) -> None:
    """Remove a document while the booking is upcoming; one already gone is no error."""
    with scheduling.database.write() as connection:
        booking = scheduling._own_booking(connection, citizen, reference)
        if not _is_upcoming(scheduling, booking):
            raise Problem("not_allowed", detail="Documents are removed only from a booking that has not ended.")
        connection.execute("DELETE FROM documents WHERE id=? AND booking_id=?", (document_id, booking["id"]))
        scheduling.log(connection, citizen, "document.delete", reference)


def register(app, scheduling, citizen) -> None:
    """The citizen's own documents; `citizen()` gives the ΑΦΜ the frontend sent, or refuses."""

    @app.post("/v1/bookings/<reference>/documents")
    def add_document(reference):
        status, document = add(scheduling, citizen(), reference)
        return document, status

    @app.get("/v1/bookings/<reference>/documents")
    def list_documents(reference):
        return {"documents": listed(scheduling, citizen(), reference)}

    @app.get("/v1/bookings/<reference>/documents/<document_id>")
    def get_document(reference, document_id):
        return download(scheduling, citizen(), reference, document_id)

    @app.delete("/v1/bookings/<reference>/documents/<document_id>")
    def delete_document(reference, document_id):
        remove(scheduling, citizen(), reference, document_id)
        return "", 204
