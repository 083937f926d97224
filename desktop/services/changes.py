"""What kinds of records an action changed: the typed notice the screens receive.

After an action commits, the screens are told which kinds of records it wrote
(``Topic``), and each decides whether it cares. The kinds come from the tables
the action's SQL wrote (``db.writes``), so no service has to remember to say.
A table that is not mapped here counts as everything, and a test checks that
every table is mapped.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Topic(Enum):
    """A kind of record a screen may show."""

    CLIENTS = "clients"  # clients, couples and families, diagnoses, regular slots
    SESSIONS = "sessions"
    MONEY = "money"  # charges, payments, allocations, adjustments, refunds, the ledger
    DOCUMENTS = "documents"  # issued superbills, statements, receipts
    CLAIMS = "claims"
    ESTIMATES = "estimates"  # Good Faith Estimates and their expected services
    PRACTICE = "practice"  # profile, settings, catalogues, closed months
    AUDIT = "audit"


Changes = frozenset[Topic]
NOTHING: Changes = frozenset()
EVERYTHING: Changes = frozenset(Topic)

TABLE_TOPICS: dict[str, Topic] = {
    "clients": Topic.CLIENTS,
    "billing_units": Topic.CLIENTS,
    "unit_members": Topic.CLIENTS,
    "diagnoses": Topic.CLIENTS,
    "sessions": Topic.SESSIONS,
    "charges": Topic.MONEY,
    "payments": Topic.MONEY,
    "allocations": Topic.MONEY,
    "adjustments": Topic.MONEY,
    "refunds": Topic.MONEY,
    "ledger_txns": Topic.MONEY,
    "ledger_splits": Topic.MONEY,
    "unit_balances": Topic.MONEY,
    "closed_balances": Topic.MONEY,
    "documents": Topic.DOCUMENTS,
    "document_lines": Topic.DOCUMENTS,
    "claims": Topic.CLAIMS,
    "claim_events": Topic.CLAIMS,
    "estimates": Topic.ESTIMATES,
    "estimate_lines": Topic.ESTIMATES,
    "estimates_owed": Topic.ESTIMATES,
    "practice": Topic.PRACTICE,
    "settings": Topic.PRACTICE,
    "payment_methods": Topic.PRACTICE,
    "services": Topic.PRACTICE,
    "payers": Topic.PRACTICE,
    "audit_log": Topic.AUDIT,
    "imported_rows": Topic.CLIENTS,  # re-import keys: only the import screens read them
}


def topics_of(tables: Iterable[str]) -> Changes:
    """The kinds of records behind these table names (everything, for an unknown one)."""
    topics: set[Topic] = set()
    for table in tables:
        topic = TABLE_TOPICS.get(table)
        if topic is None:
            return EVERYTHING
        topics.add(topic)
    return frozenset(topics)
