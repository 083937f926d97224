"""Bringing books in: clients, sessions and payments from CSV or XLSX, and
SimplePractice's appointment status report. See docs/IMPORT.md for the layouts."""

from __future__ import annotations

from desktop.services.transfer.format import LAYOUTS, ImportKind, Layout
from desktop.services.transfer.importing.common import ImportResult
from desktop.services.transfer.importing.layouts import default_matches
from desktop.services.transfer.importing.problems import ImportCancelled, ImportRejected, Problem
from desktop.services.transfer.importing.service import (
    HeaderCheck,
    ImportPreview,
    check_header,
    preview_import,
    run_import,
)

__all__ = [
    "LAYOUTS",
    "HeaderCheck",
    "ImportCancelled",
    "ImportKind",
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "Layout",
    "Problem",
    "check_header",
    "default_matches",
    "preview_import",
    "run_import",
]
