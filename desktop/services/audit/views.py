"""What the Audit log page shows, in one read: the filter's choices, whether the hash
chain is whole, and the first page of entries matching the filter.

The statements it takes are fixed however long the log and the client list grow
(tests/test_read_scaling.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BillingUnit
from desktop.services.audit.log import ChainReport
from desktop.services.audit.review import (
    AuditFilter,
    AuditPage,
    chain_status,
    change_kinds,
    list_audit,
)
from desktop.services.errors import InvalidInput


@dataclass(frozen=True)
class UnitChoice:
    """A client, couple or family the log can be filtered by."""

    unit_id: int
    ref: str
    name: str


@dataclass(frozen=True)
class AuditPageView:
    units: tuple[UnitChoice, ...]  # every one, active or not, by name
    kinds: tuple[tuple[str, str], ...]  # every (entity, action) in the log
    chain: ChainReport
    entries: AuditPage | None  # None when the filter was not read (see ``problem``)
    problem: str = ""  # why the filter could not be used, in words a person can act on


def audit_page_view(
    session: Session, wanted: AuditFilter | None, *, page_size: int = 100
) -> AuditPageView:
    """The page as filtered by ``wanted`` (None: the filter as typed is incomplete, so no
    entries are read)."""
    units = session.execute(
        select(BillingUnit.id, BillingUnit.ref, BillingUnit.name).order_by(
            func.lower(BillingUnit.name), BillingUnit.ref
        )
    )
    entries, problem = None, ""
    if wanted is not None:
        try:
            entries = list_audit(session, wanted, page_size=page_size)
        except InvalidInput as exc:
            problem = str(exc)
    return AuditPageView(
        units=tuple(UnitChoice(*row) for row in units),
        kinds=tuple(change_kinds(session)),
        chain=chain_status(session),
        entries=entries,
        problem=problem,
    )
