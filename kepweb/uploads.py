"""Supporting documents that a citizen attaches to a booking: checked before they are kept.

At most `MAX_FILES` files of at most `MAX_BYTES` each, and only PDF, JPEG or PNG. The type is
told by the first bytes of the content (its magic number), never by the file's name or by the
Content-Type that the browser sent: a ".pdf" that is really a zip is refused, a JPEG named
".png" is a JPEG. No file is read past `MAX_BYTES + 1` bytes.

`check_uploads` says what it kept and, for what it refused, why, as a reason code that the
view turns into words: "too_big", "wrong_type", "empty" or "too_many".
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import BinaryIO, Literal

from babel import Locale
from babel.numbers import format_decimal
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

ALLOWED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024

#: Longest name shown back to the citizen, in characters.
MAX_NAME = 100
#: What a file without a usable name is called.
UNNAMED = "document"

Reason = Literal["too_big", "wrong_type", "empty", "too_many"]
REASONS: frozenset[str] = frozenset({"too_big", "wrong_type", "empty", "too_many"})

# Magic numbers: what the first bytes of each allowed type are.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
#: How many first bytes `sniff` needs.
HEAD_BYTES = max(len(signature) for signature, _ in _SIGNATURES)

# Extensions a name may keep for each type; any other is replaced by the one in ALLOWED.
_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
}

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """An accepted document."""

    id: str  #: random, URL-safe: the handle by which the citizen may remove it
    original_name: str  #: ASCII-only, safe as a file name; its extension agrees with the content
    display_name: str  #: the name as the citizen knows it (Greek letters too), safe to show
    media_type: str  #: as sniffed from the content: one of ALLOWED
    size: int  #: in bytes
    content: bytes = field(repr=False)

    @property
    def extension(self) -> str:
        return ALLOWED[self.media_type]


@dataclass(frozen=True)
class UploadProblem:
    """A document that was not accepted, and why."""

    display_name: str
    reason: Reason


def sniff(head: bytes) -> str | None:
    """The media type of content that starts with `head`, if it is an allowed type.

    >>> sniff(b"%PDF-1.7\\n")
    'application/pdf'
    >>> sniff(b"PK\\x03\\x04") is None
    True
    """
    head = bytes(head[:HEAD_BYTES])
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None


def check_uploads(files: Iterable[FileStorage], already_kept: int = 0) -> tuple[list[Upload], list[UploadProblem]]:
    """Check the files of one form submission, in order.

    Returns the files accepted and the problems with the rest. A file input left empty (no
    name, no content) is neither. A named file without content is "empty"; content that is
    not PDF, JPEG or PNG is "wrong_type"; over MAX_BYTES is "too_big"; a good file beyond
    MAX_FILES, counting the `already_kept` ones from earlier submissions, is "too_many".
    """
    accepted: list[Upload] = []
    problems: list[UploadProblem] = []
    room = MAX_FILES - max(already_kept, 0)
    for file in files:
        name = display_name(file.filename or "")
        content = _read_at_most(file.stream, MAX_BYTES + 1)
        if not content:
            if name:
                problems.append(UploadProblem(name, "empty"))
            continue  # else: an input left empty
        media_type = sniff(content)
        if media_type is None:
            problems.append(UploadProblem(name or UNNAMED, "wrong_type"))
        elif len(content) > MAX_BYTES:
            problems.append(UploadProblem(name or UNNAMED + ALLOWED[media_type], "too_big"))
        elif len(accepted) >= room:
            problems.append(UploadProblem(name or UNNAMED + ALLOWED[media_type], "too_many"))
        else:
            accepted.append(Upload(
                id=secrets.token_urlsafe(16),
                original_name=safe_name(name, media_type),
                display_name=name or UNNAMED + ALLOWED[media_type],
                media_type=media_type,
                size=len(content),
                content=content,
            ))
    return accepted, problems


def display_name(filename: str) -> str:
    """The name a browser sent, fit to show: no folders, no control or direction characters,
    single spaces, at most MAX_NAME characters (keeping the extension). May be empty.

    >>> display_name("C:\\\\Users\\\\Μαρία\\\\Πιστοποιητικό\\u202e.pdf")
    'Πιστοποιητικό.pdf'
    """
    name = unicodedata.normalize("NFC", filename)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc controls, Cf format characters (right-to-left overrides that disguise ".exe"),
    # Cs/Co/Cn surrogates, private use and unassigned code points
    name = "".join(" " if char.isspace() else char for char in name
                   if char.isspace() or not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split())
    if name.strip(".") == "":
        return ""
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        extension = dot + extension if stem and len(extension) < 10 else ""
        name = name[:MAX_NAME - len(extension) - 1].rstrip() + "…" + extension
    return name


def safe_name(name: str, media_type: str) -> str:
    """An ASCII file name for `name` (see werkzeug's secure_filename) whose extension is one
    that the sniffed `media_type` goes by: "scan.png" that is a JPEG becomes "scan.jpg".

    >>> safe_name("../../Πιστοποιητικό γέννησης.PDF", "application/pdf")
    'document.pdf'
    >>> safe_name("my scan (1).jpeg", "image/jpeg")
    'my_scan_1.jpeg'
    """
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    extension = "." + extension.lower() if extension else ""
    if extension not in _EXTENSIONS[media_type]:
        extension = ALLOWED[media_type]
    stem = secure_filename(stem)[:MAX_NAME].strip("._") or UNNAMED
    return stem + extension


def describe_size(n: int, locale: str | Locale) -> str:
    """A size for people: "350 KB", "1,2 MB" in Greek, "1.2 MB" in English.

    Units of 1024, so that MAX_BYTES is "5 MB"; below 1 KB a file is "1 KB", as file
    managers say.

    >>> describe_size(1_258_291, "el"), describe_size(1_258_291, "en"), describe_size(358_400, "en")
    ('1,2 MB', '1.2 MB', '350 KB')
    """
    if n <= 0:
        return f"{format_decimal(0, locale=locale)} KB"
    kilobytes = _rounded(Decimal(n) / 1024, "1")
    if kilobytes < 1024:
        return f"{format_decimal(max(kilobytes, Decimal(1)), format='#,##0', locale=locale)} KB"
    amount, unit = _rounded(Decimal(n) / 1024**2, "0.1"), "MB"
    if amount >= 1024:
        amount, unit = _rounded(Decimal(n) / 1024**3, "0.1"), "GB"
    return f"{format_decimal(amount, format='#,##0.#', locale=locale)} {unit}"


def _rounded(amount: Decimal, step: str) -> Decimal:
    return amount.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """Read until the end of `stream` or `limit` bytes, whichever comes first."""
    content = bytearray()
    while len(content) < limit:
        chunk = stream.read(min(_CHUNK, limit - len(content)))
        if not chunk:
            break
        content += chunk
    return bytes(content)


def attachment_response(name: str, media_type: str, content: bytes):
    """A kept file as a download: saved rather than shown, its type never guessed again by the browser,
    never cached; the name in ASCII for old browsers and in full (RFC 6266) for the rest."""
    from urllib.parse import quote

    from flask import Response

    fallback = safe_name(name, media_type)
    return Response(content, mimetype=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })
