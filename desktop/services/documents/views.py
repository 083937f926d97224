"""What the Superbills page lists, in one read: the documents issued, newest first.

One statement however many documents there are (the PDFs themselves are not
read; tests/test_read_scaling.py counts the statements).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.domain.kinds import DocumentKind
from desktop.services.documents.store import IssuedDocument, list_documents


@dataclass(frozen=True)
class DocumentsPageView:
    kind: DocumentKind | None  # None: every kind
    documents: tuple[IssuedDocument, ...]  # newest first; replaced versions too


def documents_page_view(session: Session, kind: DocumentKind | None) -> DocumentsPageView:
    """The documents of one kind (None: all of them), as the Superbills page lists them."""
    return DocumentsPageView(kind, tuple(list_documents(session, kind=kind)))
