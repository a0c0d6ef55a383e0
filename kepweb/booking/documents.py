"""Supporting documents of the identity step: checked by content, kept with the answers.

The files stay with the wizard's answers on the server until the booking is
made; the scheduling contract has no place for them yet (see the README).
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from kepweb.uploads import check_uploads, describe_size


def _message(problem) -> str:
    name = problem.display_name
    if problem.reason == "too_big":
        return _("“%(name)s” is larger than 5 MB. Send a smaller file, or a scan at a lower resolution.", name=name)
    if problem.reason == "wrong_type":
        return _("“%(name)s” is not a PDF, JPEG or PNG file. Save it as one of these and send it again.", name=name)
    if problem.reason == "empty":
        return _("“%(name)s” is empty. Choose the file again.", name=name)
    return _("You can send at most 3 files. “%(name)s” was not added.", name=name)


def accept(files, kept: list[dict]) -> tuple[list[dict], list[str]]:
    """Add the valid new files to those kept; on any problem add none and say why."""
    uploads, problems = check_uploads(files, already_kept=len(kept))
    if problems:
        return kept, [_message(problem) for problem in problems]
    locale = str(get_locale())
    added = [{"id": upload.id, "display_name": upload.display_name, "media_type": upload.media_type,
              "size": upload.size, "size_text": describe_size(upload.size, locale), "content": upload.content}
             for upload in uploads]
    return kept + added, []
