"""Client documents as PDF: superbills, statements, receipts and Good Faith Estimates.

Pure functions from the frozen rows in ``rows`` to PDF bytes; no database,
no Qt. The same rows always give the same bytes, so a stored document can be
rebuilt and compared.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name loads its module (and reportlab) on first use, so that importing the
# rows, or a service that renders only when asked, costs the window's start-up nothing.
_HOMES = {
    "Cancelled": ".batch",
    "render_batch": ".batch",
    "render_blank_claim_form": ".claim_form",
    "render_claim_form": ".claim_form",
    "render_estimate": ".estimate",
    "render_for_issue": ".issue_batch",
    "render_receipt": ".receipt",
    "render_statement": ".statement",
    "render_superbill": ".superbill",
}

__all__ = [
    "Cancelled",
    "render_batch",
    "render_blank_claim_form",
    "render_claim_form",
    "render_estimate",
    "render_for_issue",
    "render_receipt",
    "render_statement",
    "render_superbill",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
