"""Supporting documents of the identity step: checked by content, kept in a store of their own.

The wizard's answers hold only a reference to each file (id, name, type, size
and a digest of the content); the bytes live in the upload store, keyed by the
citizen's hash and the file's id, for as long as the answers may. So a request
never reloads megabytes it does not need, and the same file sent twice (a double
click) is kept once. The scheduling contract has no place for them yet (see the
README).
"""

from __future__ import annotations

import hashlib

from flask_babel import get_locale
from flask_babel import gettext as _

from kepweb.booking.state import citizen_key, lifetime, store
from kepweb.uploads import MAX_BYTES, check_uploads, describe_size

PREFIX = "upload:"


def _message(problem) -> str:
    name = problem.display_name
    if problem.reason == "too_big":
        return _("“%(name)s” is larger than 5 MB. Send a smaller file, or a scan at a lower resolution.", name=name)
    if problem.reason == "wrong_type":
        return _("“%(name)s” is not a PDF, JPEG or PNG file. Save it as one of these and send it again.", name=name)
    if problem.reason == "empty":
        return _("“%(name)s” is empty. Choose the file again.", name=name)
    return _("You can send at most 3 files. “%(name)s” was not added.", name=name)


def content_key(file_id: str) -> str:
    return f"{citizen_key(PREFIX)}:{file_id}"


def _digest(file) -> str | None:
    """The digest of a file as sent (read once more by the checks: the stream is rewound)."""
    if not file.filename:
        return None
    content = file.stream.read(MAX_BYTES + 1)
    file.stream.seek(0)
    return hashlib.sha256(content).hexdigest()


def accept(files, kept: list[dict]) -> tuple[list[dict], list[str]]:
    """Add the valid new files to those kept; on any problem add none and say why.

    A file whose content is already kept is not added again (a form sent twice).
    """
    digests = {entry.get("digest") for entry in kept}
    uploads, problems = check_uploads([file for file in files if _digest(file) not in digests],
                                      already_kept=len(kept))
    if problems:
        return kept, [_message(problem) for problem in problems]
    locale = str(get_locale())
    added = []
    for upload in uploads:
        digest = hashlib.sha256(upload.content).hexdigest()
        if digest in digests:
            continue  # the same file twice in one form
        digests.add(digest)
        store().set(content_key(upload.id), upload.content, timeout=lifetime())
        added.append({"id": upload.id, "display_name": upload.display_name, "media_type": upload.media_type,
                      "size": upload.size, "size_text": describe_size(upload.size, locale), "digest": digest})
    return kept + added, []


def discard(entries: list[dict]) -> None:
    for entry in entries:
        store().delete(content_key(entry["id"]))
