"""Client documents as PDF: superbills, statements and receipts.

Pure functions from the frozen rows in ``rows`` to PDF bytes; no database,
no Qt. The same rows always give the same bytes, so a stored document can be
rebuilt and compared.
"""

from __future__ import annotations

from .batch import Cancelled, render_batch
from .receipt import render_receipt
from .statement import render_statement
from .superbill import render_superbill

__all__ = ["Cancelled", "render_batch", "render_receipt", "render_statement", "render_superbill"]
