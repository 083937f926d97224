"""What "the same books" means when a backup is compared with its source.

Row counts of the tables that hold the books, the last audit hash (which
covers every change ever made), and every client's balance and the aging as
of a day. Two files with equal fingerprints give the same reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.domain.dates import us_date
from desktop.services.books.queries import aging, balances

_COUNTED = (
    "clients",
    "billing_units",
    "sessions",
    "ledger_txns",
    "ledger_splits",
    "charges",
    "payments",
    "allocations",
    "adjustments",
    "refunds",
    "audit_log",
)


@dataclass(frozen=True)
class BooksFingerprint:
    as_of: date
    counts: tuple[tuple[str, int], ...]
    last_audit_hash: str
    balances: tuple[tuple[int, Decimal, Decimal], ...]
    aging: tuple[tuple[int, tuple[Decimal, ...]], ...]
    last_audit_id: int = 0  # with ``last_audit_hash``: the chain head a backup anchors

    def differences(self, other: BooksFingerprint) -> list[str]:
        """How ``other`` differs from this one, in words (empty when they match)."""
        found = [
            f"{table}: {mine} rows here, {theirs} in the copy"
            for (table, mine), (_, theirs) in zip(self.counts, other.counts, strict=True)
            if mine != theirs
        ]
        if self.last_audit_hash != other.last_audit_hash:
            found.append("the audit log ends differently")
        if self.balances != other.balances:
            found.append("client balances differ")
        if self.aging != other.aging:
            found.append(f"the aging as of {us_date(self.as_of)} differs")
        return found


def fingerprint(session: Session, as_of: date) -> BooksFingerprint:
    """The fingerprint of the open books, as of ``as_of``."""
    counts = tuple(
        (table, int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()))
        for table in _COUNTED
    )
    last = session.execute(
        text("SELECT id, entry_hash FROM audit_log ORDER BY id DESC LIMIT 1")
    ).first()
    owed = tuple(sorted((uid, b.owed, b.credit) for uid, b in balances(session, as_of).items()))
    report = aging(session, as_of)
    buckets = tuple(sorted((row.unit_id, (*row.buckets, row.total)) for row in report.rows))
    last_id, last_hash = (int(last[0]), str(last[1])) if last else (0, "")
    return BooksFingerprint(as_of, counts, last_hash, owed, buckets, last_id)
