"""The supporting documents of a citizen's booking, which the scheduling API keeps for the KEP.

The API checks every file again (type by content, size, at most 3, only while the
booking is upcoming) and keeps the same content once per booking, so sending a
file twice (a double click, a booking sent twice) adds it once.
"""

from __future__ import annotations

from werkzeug.http import parse_options_header

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import DOCUMENT_TYPES, Document, DocumentContent, parse_list, parse_one


class DocumentsClient(ApiClient):
    def documents(self, citizen_tax_id, reference) -> list[Document]:
        return parse_list(self.get(f"/bookings/{reference}/documents", citizen_tax_id=citizen_tax_id), "documents",
                          Document.parse)

    def add(self, citizen_tax_id, reference, *, name: str, file_name: str, media_type: str,
            content: bytes) -> Document:
        """Send one file. `name` is what the citizen calls it (any script); `file_name` an ASCII one
        for the multipart part. Tried once: a failure is the caller's to report."""
        return parse_one(self.post(f"/bookings/{reference}/documents", citizen_tax_id=citizen_tax_id,
                                   files={"file": (file_name, content, media_type)}, data={"name": name}),
                         Document.parse)

    def download(self, citizen_tax_id, reference, document_id) -> DocumentContent:
        response = self.get(f"/bookings/{reference}/documents/{document_id}", citizen_tax_id=citizen_tax_id,
                            accept=", ".join(DOCUMENT_TYPES))
        _disposition, options = parse_options_header(response.headers.get("Content-Disposition", ""))
        media_type = response.headers["Content-Type"].split(";")[0].strip()
        return DocumentContent(name=options.get("filename") or "document", media_type=media_type,
                               content=response.content)

    def remove(self, citizen_tax_id, reference, document_id) -> None:
        self.delete(f"/bookings/{reference}/documents/{document_id}", citizen_tax_id=citizen_tax_id)
