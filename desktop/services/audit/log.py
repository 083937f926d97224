"""The audit log: append-only and hash-chained, so that tampering is detected.

Each entry's hash covers its content and the previous entry's hash; changing,
removing or reordering any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Practice
from db.models.base import utcnow

GENESIS = "0" * 64
_TIP_KEY = "audit.tip"


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    raise TypeError(f"cannot audit a {type(value).__name__}")


def to_json(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return json.dumps(values, default=_default, sort_keys=True, ensure_ascii=False)


def entry_hash(
    prev_hash: str,
    at: datetime,
    user: str,
    action: str,
    entity: str,
    entity_id: int | None,
    unit_id: int | None,
    before: str,
    after: str,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.replace(tzinfo=None).isoformat(timespec="microseconds"),
            user,
            action,
            entity,
            entity_id,
            unit_id,
            before,
            after,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    unit_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (in the caller's transaction)."""
    prev, user = _tip(session)
    at = utcnow()
    before_text, after_text = to_json(before), to_json(after)
    entry = AuditEntry(
        at=at,
        user_name=user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        unit_id=unit_id,
        before_json=before_text,
        after_json=after_text,
        prev_hash=prev,
        entry_hash=entry_hash(
            prev, at, user, action, entity, entity_id, unit_id, before_text, after_text
        ),
    )
    # No flush of its own: the entry is written with the rest of the action (in the order
    # entries were added, which is the chain's order), and it needs no id before that.
    session.add(entry)
    session.info[_TIP_KEY] = (entry.entry_hash, user)
    return entry


def _tip(session: Session) -> tuple[str, str]:
    """The chain's last hash and the user's name.

    Read once per unit of work; nothing else can append to the log while this
    transaction holds the file.
    """
    tip = session.info.get(_TIP_KEY)
    if tip is None:
        last = session.execute(
            select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one_or_none()
        user = session.execute(select(Practice.user_name)).scalar_one_or_none() or ""
        tip = (last or GENESIS, user)
    return tip


@dataclass(frozen=True)
class Pending:
    """One entry for ``record_many``: what ``record`` takes, as a value."""

    action: str
    entity: str
    entity_id: int | None
    after: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    unit_id: int | None = None


def record_many(session: Session, entries: Sequence[Pending]) -> None:
    """Append many entries with one INSERT, chained exactly as ``record`` chains them
    (for writers that put thousands of rows in at once, such as the demo practice)."""
    if not entries:
        return
    # Entries added one at a time are written first: the chain runs in id order.
    session.flush()
    prev, user = _tip(session)
    at = utcnow()
    rows = []
    for entry in entries:
        before_text, after_text = to_json(entry.before), to_json(entry.after)
        digest = entry_hash(
            prev,
            at,
            user,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.unit_id,
            before_text,
            after_text,
        )
        rows.append(
            {
                "at": at,
                "user_name": user,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "unit_id": entry.unit_id,
                "before_json": before_text,
                "after_json": after_text,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
    session.execute(insert(AuditEntry), rows)
    session.info[_TIP_KEY] = (prev, user)


def forget_cached(session: Session) -> None:
    """Re-read the chain's tip and the user's name at the next entry (after a rename)."""
    session.info.pop(_TIP_KEY, None)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; each break is named by its entry number."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        count += 1
        if entry.prev_hash != prev:
            problems.append(f"audit entry {entry.id} does not follow the entry before it")
        expected = entry_hash(
            entry.prev_hash,
            entry.at,
            entry.user_name,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.unit_id,
            entry.before_json,
            entry.after_json,
        )
        if expected != entry.entry_hash:
            problems.append(f"audit entry {entry.id} was altered after it was written")
        prev = entry.entry_hash
    return ChainReport(entries=count, problems=tuple(problems))


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model, for an entry's before or after."""
    return {name: getattr(obj, name) for name in fields}
