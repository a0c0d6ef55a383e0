"""Supporting documents: PDF, JPEG or PNG by their content, at most 3 of at most 5 MB each."""

import io
import struct
import zipfile
import zlib

import pytest
from flask import Flask, request
from werkzeug.datastructures import FileStorage

from kepweb.uploads import (
    ALLOWED,
    MAX_BYTES,
    MAX_FILES,
    REASONS,
    Upload,
    UploadProblem,
    check_uploads,
    describe_size,
    display_name,
    sniff,
)

# -- real tiny files, made here ----------------------------------------------------------------

def tiny_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png() -> bytes:
    """A 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
            + chunk(b"IEND", b""))


def tiny_jpeg() -> bytes:
    """The start of a JFIF JPEG (SOI, APP0) and its end (EOI): all that sniffing reads."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(content: bytes, filename: str, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename, content_type=content_type)


class LazyFile(io.RawIOBase):
    """`size` bytes that start like a PDF, made as they are read; counts what was read."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        start = self.position
        count = min(len(buffer), self.size - start)
        head = b"%PDF-1.4\n"
        data = (head[start:start + count] if start < len(head) else b"").ljust(count, b"\0")
        buffer[:count] = data
        self.position += count
        return count


# -- sniffing ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "content, media_type",
    [
        (tiny_pdf(), "application/pdf"),
        (tiny_jpeg(), "image/jpeg"),
        (tiny_png(), "image/png"),
        (tiny_zip(), None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"%PDF", None),  # too short to be sure
        (b"\x89PNG\r\n", None),  # a cut PNG signature
        (b"<html>%PDF-1.4", None),  # only at the very start
        (b"", None),
    ],
)
def test_the_type_is_told_by_the_first_bytes(content, media_type):
    assert sniff(content) == media_type


# -- accepting ----------------------------------------------------------------------------------

def test_a_pdf_a_jpeg_and_a_png_are_accepted():
    accepted, problems = check_uploads([
        upload(tiny_pdf(), "Πιστοποιητικό γέννησης.pdf", "application/pdf"),
        upload(tiny_jpeg(), "taftotita.jpg", "image/jpeg"),
        upload(tiny_png(), "scan.PNG", "image/png"),
    ])
    assert problems == []
    assert [(u.display_name, u.original_name, u.media_type, u.size) for u in accepted] == [
        ("Πιστοποιητικό γέννησης.pdf", "document.pdf", "application/pdf", len(tiny_pdf())),
        ("taftotita.jpg", "taftotita.jpg", "image/jpeg", len(tiny_jpeg())),
        ("scan.PNG", "scan.png", "image/png", len(tiny_png())),
    ]
    assert accepted[0].content == tiny_pdf()
    assert [u.extension for u in accepted] == [".pdf", ".jpg", ".png"]


def test_each_upload_gets_its_own_random_url_safe_id():
    accepted, _ = check_uploads([upload(tiny_pdf(), "a.pdf"), upload(tiny_pdf(), "a.pdf")])
    first, second = (u.id for u in accepted)
    assert first != second
    assert len(first) >= 20 and all(c.isalnum() or c in "-_" for c in first)


def test_the_content_is_not_printed_with_the_upload():
    accepted, _ = check_uploads([upload(tiny_pdf(), "a.pdf")])
    assert "content" not in repr(accepted[0]) and "PDF-1.4" not in repr(accepted[0])


def test_a_jpeg_named_png_is_accepted_as_what_it_is():
    accepted, problems = check_uploads([upload(tiny_jpeg(), "photo.png", "image/png")])
    assert problems == []
    assert accepted[0].media_type == "image/jpeg"
    assert accepted[0].display_name == "photo.png"
    assert accepted[0].original_name == "photo.jpg"  # stored under an extension that fits


def test_the_browsers_content_type_is_ignored():
    accepted, problems = check_uploads([upload(tiny_png(), "x", "application/pdf")])
    assert problems == [] and accepted[0].media_type == "image/png"
    accepted, problems = check_uploads([upload(tiny_zip(), "x.pdf", "application/pdf")])
    assert accepted == [] and problems == [UploadProblem("x.pdf", "wrong_type")]


# -- refusing, and saying why ---------------------------------------------------------------------

def test_a_zip_named_pdf_is_the_wrong_type():
    accepted, problems = check_uploads([upload(tiny_zip(), "Βεβαίωση.pdf", "application/pdf")])
    assert accepted == []
    assert problems == [UploadProblem(display_name="Βεβαίωση.pdf", reason="wrong_type")]


def test_a_word_document_is_the_wrong_type():
    _, problems = check_uploads([upload(tiny_zip(), "x.docx")])
    assert problems == [UploadProblem("x.docx", "wrong_type")]


def test_a_file_over_5_mb_is_too_big_and_is_not_read_to_its_end():
    lazy = LazyFile(MAX_BYTES + 1)
    accepted, problems = check_uploads([FileStorage(stream=lazy, filename="scan.pdf")])
    assert accepted == []
    assert problems == [UploadProblem("scan.pdf", "too_big")]

    huge = LazyFile(50 * MAX_BYTES)
    _, problems = check_uploads([FileStorage(stream=huge, filename="huge.pdf")])
    assert problems == [UploadProblem("huge.pdf", "too_big")]
    assert huge.position == MAX_BYTES + 1


def test_a_file_of_exactly_5_mb_is_accepted():
    accepted, problems = check_uploads([FileStorage(stream=LazyFile(MAX_BYTES), filename="scan.pdf")])
    assert problems == []
    assert accepted[0].size == MAX_BYTES == 5 * 1024 * 1024


def test_a_fourth_file_is_one_too_many():
    files = [upload(tiny_pdf(), f"{n}.pdf") for n in range(1, 5)]
    accepted, problems = check_uploads(files)
    assert [u.display_name for u in accepted] == ["1.pdf", "2.pdf", "3.pdf"]
    assert problems == [UploadProblem("4.pdf", "too_many")]
    assert MAX_FILES == 3


def test_files_kept_from_before_count_towards_the_three():
    accepted, problems = check_uploads([upload(tiny_pdf(), "a.pdf"), upload(tiny_png(), "b.png")], already_kept=2)
    assert [u.display_name for u in accepted] == ["a.pdf"]
    assert problems == [UploadProblem("b.png", "too_many")]
    accepted, problems = check_uploads([upload(tiny_pdf(), "a.pdf")], already_kept=3)
    assert accepted == [] and problems == [UploadProblem("a.pdf", "too_many")]


def test_a_bad_file_does_not_take_the_place_of_a_good_one():
    accepted, problems = check_uploads([
        upload(tiny_zip(), "x.docx"), upload(tiny_pdf(), "1.pdf"), upload(tiny_pdf(), "2.pdf"),
        upload(tiny_pdf(), "3.pdf"),
    ])
    assert len(accepted) == 3
    assert problems == [UploadProblem("x.docx", "wrong_type")]


def test_an_empty_file_input_is_ignored_but_an_empty_file_is_a_problem():
    accepted, problems = check_uploads([
        FileStorage(stream=io.BytesIO(b""), filename="", content_type="application/octet-stream"),
        FileStorage(),
        upload(b"", "κενό.pdf"),
    ])
    assert accepted == []
    assert problems == [UploadProblem("κενό.pdf", "empty")]


def test_every_reason_is_one_the_view_knows():
    _, problems = check_uploads([
        upload(b"", "a.pdf"), upload(tiny_zip(), "b.pdf"),
        FileStorage(stream=LazyFile(MAX_BYTES + 1), filename="c.pdf"),
        *(upload(tiny_png(), f"{n}.png") for n in range(4)),
    ])
    assert {problem.reason for problem in problems} == REASONS == {"too_big", "wrong_type", "empty", "too_many"}


# -- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sent, shown, stored",
    [
        ("../../etc/passwd.pdf", "passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf", "x.pdf"),
        ("C:\\Users\\Μαρία\\Desktop\\Βεβαίωση κατοικίας.pdf", "Βεβαίωση κατοικίας.pdf", "document.pdf"),
        ("/", "document.pdf", "document.pdf"),
        ("..", "document.pdf", "document.pdf"),
        ("my\x00scan\n(1).pdf", "myscan (1).pdf", "myscan_1.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe", "invoicefdp.pdf"),  # right-to-left override dropped
        ("Αίτηση.PDF", "Αίτηση.PDF", "document.pdf"),
    ],
)
def test_names_are_reduced_to_something_safe(sent, shown, stored):
    accepted, _ = check_uploads([upload(tiny_pdf(), sent)])
    assert accepted[0].display_name == shown
    assert accepted[0].original_name == stored


def test_a_long_name_is_cut_to_100_characters_keeping_its_extension():
    shown = display_name("Πολύ μακρύ όνομα αρχείου " * 10 + ".pdf")
    assert len(shown) == 100
    assert shown.endswith("….pdf")


def test_the_problem_names_the_file_the_citizen_chose():
    _, problems = check_uploads([upload(tiny_zip(), "../Σπίτι/συμβόλαιο.docx")])
    assert problems[0].display_name == "συμβόλαιο.docx"


# -- through a real multipart request -----------------------------------------------------------

def test_files_as_a_browser_posts_them():
    app = Flask(__name__)
    data = {"files": [
        (io.BytesIO(tiny_pdf()), "Πιστοποιητικό.pdf", "application/pdf"),
        (io.BytesIO(b""), "", "application/octet-stream"),  # an input left empty
        (io.BytesIO(tiny_zip()), "a.pdf", "application/pdf"),
    ]}
    with app.test_request_context("/book/document", method="POST", data=data, content_type="multipart/form-data"):
        accepted, problems = check_uploads(request.files.getlist("files"))
    assert [(u.display_name, u.media_type) for u in accepted] == [("Πιστοποιητικό.pdf", "application/pdf")]
    assert problems == [UploadProblem("a.pdf", "wrong_type")]


# -- sizes in words -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "size, greek, english",
    [
        (0, "0 KB", "0 KB"),
        (200, "1 KB", "1 KB"),
        (350 * 1024, "350 KB", "350 KB"),
        (1_258_291, "1,2 MB", "1.2 MB"),
        (MAX_BYTES, "5 MB", "5 MB"),
        (1024 * 1024 - 100, "1 MB", "1 MB"),
        (1000 * 1024, "1.000 KB", "1,000 KB"),
        (3 * 1024**3 // 2, "1,5 GB", "1.5 GB"),
    ],
)
def test_sizes_are_described_in_the_citizens_language(size, greek, english):
    assert describe_size(size, "el") == greek
    assert describe_size(size, "en") == english


def test_the_limits_are_as_agreed():
    assert ALLOWED == {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    assert MAX_BYTES == 5 * 1024 * 1024
    assert isinstance(check_uploads([])[0], list)
    assert Upload.__dataclass_fields__.keys() >= {
        "id", "original_name", "display_name", "media_type", "size", "content"}
