"""Anchors: chain heads recorded outside the log's reach, and the proof the log still meets them.

Every backup, month-end workbook and month close records the audit chain's head
(its last entry's number and hash) at that moment. When the whole chain
verifies and entry N still has the hash recorded, the log as it is now grows
out of the log as it was then: nothing at or before entry N was changed,
removed or re-hashed since, even by someone holding the key, as long as the
anchor itself (a backup, a workbook handed to the bookkeeper) is out of their
reach. It says nothing of entries written after N.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry

ANCHOR_ADVICE = "restore the file from a backup made before it was changed"


@dataclass(frozen=True)
class Anchor:
    """A chain head someone kept, and where: 'the backup books-2026-03-01.qlbak'."""

    entry_id: int
    entry_hash: str
    source: str


def anchor_problem(session: Session, anchor: Anchor) -> str | None:
    """Why the chain does not pass through ``anchor``, or None when it does.

    Only the anchored entry is looked up here; that every entry after it still
    follows from it is the chain check's part (``log.verify_chain``).
    """
    found = session.execute(
        select(AuditEntry.entry_hash).where(AuditEntry.id == anchor.entry_id)
    ).scalar_one_or_none()
    if found is None:
        return (
            f"The audit log no longer has entry {anchor.entry_id}, the last one {anchor.source} "
            f"saw: entries were removed since; {ANCHOR_ADVICE}"
        )
    if found != anchor.entry_hash:
        return (
            f"Audit entry {anchor.entry_id} is not the one {anchor.source} saw: the log was "
            f"rewritten at or before it since; {ANCHOR_ADVICE}"
        )
    return None


class CloseAnchors:
    """The chain heads the month closes recorded, gathered as the log streams past."""

    def __init__(self) -> None:
        self.anchors: list[Anchor] = []

    def visit(self, row: tuple[object, ...]) -> None:
        entry_id, at, _user, action, entity, _id, _unit, _before, after = row[:9]
        if action != "close" or entity != "period" or not after:
            return
        values = json.loads(after)  # type: ignore[arg-type]
        seen = values.get("audit_head") if isinstance(values, dict) else None
        if isinstance(seen, dict) and "entry" in seen and "hash" in seen:
            day = str(at)[:10]
            source = (
                f"the close of the books through {_us_date(values.get('closed_through'))} "
                f"(audit entry {entry_id}, {_us_date(day)})"
            )
            self.anchors.append(Anchor(int(seen["entry"]), str(seen["hash"]), source))

    def problems(self, session: Session) -> list[str]:
        return [p for a in self.anchors if (p := anchor_problem(session, a)) is not None]


def _us_date(iso: object) -> str:
    text = str(iso or "")
    if len(text) < 10:
        return text or "an unknown date"
    return f"{text[5:7]}/{text[8:10]}/{text[:4]}"
