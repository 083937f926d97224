"""Quiet Ledger: offline, encrypted bookkeeping for private-pay psychotherapists."""

__version__ = "0.1.0"
