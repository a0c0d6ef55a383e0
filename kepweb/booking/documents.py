"""Supporting documents of the identity step: checked by content, kept in a store of their own
until the booking is made, then sent to the KEP through the scheduling API.

The wizard's answers hold only a reference to each file (id, name, type, size
and a digest of the content); the bytes live in the upload store, keyed by the
citizen's hash and the file's id, never in the session or its cookie. So a
request never reloads megabytes it does not need, and the same file sent twice
(a double click) is kept once.

At booking, `send_to_kep` sends each file to the API for the new booking and
then deletes it from the store, whether it arrived or not. What arrived is what
the API lists for the booking afterwards (each document carries the digest of
its content); the confirmation page compares that list with the files the
citizen chose, and says which did not arrive.
"""

from __future__ import annotations

import hashlib
import logging

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from kepweb.booking.state import citizen_key, store
from kepweb.i18n import in_greek
from kepweb.scheduling import SchedulingProblem, SchedulingUnavailable, clients
from kepweb.uploads import MAX_BYTES, check_uploads, describe_size, safe_name

log = logging.getLogger(__name__)

PREFIX = "upload:"
#: How long a chosen file waits in the store for its booking: longer than a held time can
#: last (110 minutes; the documents step comes after the time is chosen), so that a file
#: is not lost while the citizen finishes, and no longer. Booking deletes it at once.
FILE_SECONDS = 2 * 60 * 60


def message_for(problem) -> Markup:
    """Why a file was refused, naming it as the citizen knows it (in Greek letters, marked as Greek)."""
    if problem.reason == "too_big":
        text = _("“%(name)s” is larger than 5 MB. Send a smaller file, or a scan at a lower resolution.")
    elif problem.reason == "wrong_type":
        text = _("“%(name)s” is not a PDF, JPEG or PNG file. Save it as one of these and send it again.")
    elif problem.reason == "empty":
        text = _("“%(name)s” is empty. Choose the file again.")
    else:
        text = _("You can send at most 3 files. “%(name)s” was not added.")
    return Markup(text) % {"name": in_greek(problem.display_name)}


def content_key(file_id: str) -> str:
    return f"{citizen_key(PREFIX)}:{file_id}"


def digest_of(file) -> str | None:
    """The digest of a file as sent (read once more by the checks: the stream is rewound)."""
    if not file.filename:
        return None
    content = file.stream.read(MAX_BYTES + 1)
    file.stream.seek(0)
    return hashlib.sha256(content).hexdigest()


def accept(files, kept: list[dict]) -> tuple[list[dict], list[Markup]]:
    """Add the valid new files to those kept; on any problem add none and say why.

    A file whose content is already kept is not added again (a form sent twice).
    """
    digests = {entry.get("digest") for entry in kept}
    uploads, problems = check_uploads([file for file in files if digest_of(file) not in digests],
                                      already_kept=len(kept))
    if problems:
        return kept, [message_for(problem) for problem in problems]
    locale = str(get_locale())
    added = []
    for upload in uploads:
        digest = hashlib.sha256(upload.content).hexdigest()
        if digest in digests:
            continue  # the same file twice in one form
        digests.add(digest)
        store().set(content_key(upload.id), upload.content, timeout=FILE_SECONDS)
        added.append({"id": upload.id, "display_name": upload.display_name, "media_type": upload.media_type,
                      "size": upload.size, "size_text": describe_size(upload.size, locale), "digest": digest})
    return kept + added, []


def discard(entries: list[dict]) -> None:
    for entry in entries:
        store().delete(content_key(entry["id"]))


def send_to_kep(citizen_tax_id: str, reference: str, entries: list[dict]) -> None:
    """Send each chosen file to the API for the booking `reference`, then delete it from the store.

    The booking is made whatever happens here. A file the API refuses is logged and
    the others still go; once the API does not answer, the rest are not tried (each
    would wait for the timeout). Every file leaves the store: the citizen can add a
    missing one on the appointment's page.
    """
    api = clients().documents
    answering = True
    for entry in entries:
        content = store().get(content_key(entry["id"]))
        try:
            if content is not None and answering:
                api.add(citizen_tax_id, reference, name=entry["display_name"], media_type=entry["media_type"],
                        file_name=safe_name(entry["display_name"], entry["media_type"]), content=content)
            elif content is None:
                # Gone from the store: its time ran out, or a twin of this request sent it already.
                log.warning("a chosen document was no longer in the upload store at booking")
        except SchedulingUnavailable:
            answering = False
            log.warning("a document did not reach the scheduling API: it did not answer")
        except SchedulingProblem as problem:
            log.warning("the scheduling API refused a document: code=%s", problem.code)
        finally:
            store().delete(content_key(entry["id"]))


def not_received(chosen: list[dict], booking) -> list[dict]:
    """The chosen files (as the wizard kept them) that the API does not list for the booking."""
    received = {document.sha256 for document in booking.documents}
    return [entry for entry in chosen if entry.get("digest") not in received]
