"""The audit log: append-only and hash-chained, so that tampering is detected.

Each entry's hash covers its content and the previous entry's hash; changing,
removing or reordering any entry breaks every hash after it.

The chain is keyed: each hash is an HMAC-SHA256 under a key derived from the
file's data key (``db.keys.chain_key``), which is never stored, so the hashes
cannot be recomputed by anyone who holds only the file. A file made by this
version is keyed from its first entry. Files written before the chain was
keyed have plain SHA-256 hashes; when such a file is upgraded to this version
(in the upgrade's transaction, migration 0010), one entry (action ``key``,
entity ``audit_chain``) is appended whose keyed hash covers the plain chain's
last hash, so the older entries are sealed by it, and every entry from it on
is keyed. Nothing already written changes. A chain of plain hashes with no such
entry was therefore re-hashed outside the app, and ``verify_chain`` says so.

The chain's head (last entry number and hash) is written into every backup,
month-end workbook and month close; ``anchors.py`` checks that the chain still
passes through a head recorded there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.engine import CHAIN_KEY
from db.models import AuditEntry, Practice
from db.models.base import utcnow
from db.queries.plain import plain_rows

GENESIS = "0" * 64
_TIP_KEY = "audit.tip"
# The entry from which the chain is keyed (see the module's docstring).
KEYED_ACTION = "key"
CHAIN_ENTITY = "audit_chain"


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
    *,
    key: bytes | None,
) -> str:
    """The entry's hash: HMAC-SHA256 under the chain key, or plain SHA-256 (older entries)."""
    stamp = at.replace(tzinfo=None).isoformat(timespec="microseconds")
    return _digest(key, (prev_hash, stamp, user, action, entity, entity_id, unit_id, before, after))


def _digest(key: bytes | None, fields: tuple[object, ...]) -> str:
    return _Hasher(key)(fields)


# The escaper ``json.dumps(..., ensure_ascii=False)`` itself uses (its C version).
_json_string = json.encoder.encode_basestring


def _json_item(value: object) -> str:
    if value.__class__ is str:
        return _json_string(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value.__class__ is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    return json.dumps(value, ensure_ascii=False)


def payload(fields: tuple[object, ...]) -> bytes:
    """What a hash covers: ``json.dumps(list(fields), ensure_ascii=False)`` in UTF-8, byte for
    byte, built without the encoder's setup for every one of a hundred thousand entries."""
    items = [_json_string(f) if f.__class__ is str else _json_item(f) for f in fields]
    return ("[" + ", ".join(items) + "]").encode("utf-8")


class _Hasher:
    """An entry's hash under one key (HMAC-SHA256), or plain SHA-256 without one; the keyed
    state is set up once and copied for each entry."""

    def __init__(self, key: bytes | None) -> None:
        self._keyed = None if key is None else hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, fields: tuple[object, ...]) -> str:
        if self._keyed is None:
            return hashlib.sha256(payload(fields)).hexdigest()
        mac = self._keyed.copy()
        mac.update(payload(fields))
        return mac.hexdigest()


def chain_key_of(session: Session) -> bytes:
    """The chain key the open file put in every session it made."""
    try:
        return session.info[CHAIN_KEY]
    except KeyError:
        raise RuntimeError("this session was not made by an open practice file") from None


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
    # The chain's tip and the user are read once per unit of work; nothing else can
    # append to the log while this transaction holds the file.
    key = chain_key_of(session)
    prev, user = session.info.get(_TIP_KEY) or _read_tip(session)
    entry = _entry(
        key, prev, user, action, entity, entity_id, unit_id, to_json(before), to_json(after)
    )
    # No flush of its own: the entry is written with the rest of the action (in the order
    # entries were added, which is the chain's order), and it needs no id before that.
    session.add(entry)
    session.info[_TIP_KEY] = (entry.entry_hash, user)
    return entry


def _entry(
    key: bytes,
    prev: str,
    user: str,
    action: str,
    entity: str,
    entity_id: int | None,
    unit_id: int | None,
    before: str,
    after: str,
) -> AuditEntry:
    at = utcnow()
    return AuditEntry(
        at=at,
        user_name=user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        unit_id=unit_id,
        before_json=before,
        after_json=after,
        prev_hash=prev,
        entry_hash=entry_hash(
            prev, at, user, action, entity, entity_id, unit_id, before, after, key=key
        ),
    )


def _read_tip(session: Session) -> tuple[str, str]:
    """The chain's last hash and the user, read once per unit of work.

    Nothing else can append to the log while this transaction holds the file.
    """
    last = session.execute(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    user = session.execute(select(Practice.user_name)).scalar_one_or_none() or ""
    return last or GENESIS, user


def is_keyed(session: Session) -> bool:
    """Whether new entries may be keyed: an empty log, a log keyed from its first entry, or
    one that has its keyed entry (older files have neither, until they are sealed)."""
    first = session.connection().exec_driver_sql(_CHAIN_ROWS + " LIMIT 1").first()
    if first is None or _keyed_from_start(chain_key_of(session), tuple(first)):
        return True
    found = session.execute(
        select(AuditEntry.id)
        .where(AuditEntry.entity == CHAIN_ENTITY, AuditEntry.action == KEYED_ACTION)
        .limit(1)
    ).first()
    return found is not None


def _row_fields(row: tuple[object, ...]) -> tuple[object, ...]:
    """What an entry's hash covers, from its plain SQL row (``at`` as SQLite stores it)."""
    _id, at, user, action, entity, entity_id, unit_id, before, after, prev_hash, _ = row
    stamp = str(at).replace(" ", "T", 1)
    return (prev_hash, stamp, user, action, entity, entity_id, unit_id, before, after)


def _keyed_from_start(key: bytes, first: tuple[object, ...]) -> bool:
    """Whether a chain is keyed from its first entry: only a first entry that is a valid
    plain hash marks an older file (a damaged one is checked as keyed, and reported)."""
    fields = _row_fields(first)
    return _digest(key, fields) == first[-1] or _digest(None, fields) != first[-1]


def _marker(session: Session, key: bytes, prev: str, user: str) -> AuditEntry:
    plain = int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
    note = {"plain_entries": plain, "plain_head": prev}
    return _entry(key, prev, user, KEYED_ACTION, CHAIN_ENTITY, None, None, "", to_json(note))


def seal_chain(session: Session) -> None:
    """Key a chain of plain hashes from here on: one entry that seals the older ones.

    Run only while a file from before the keyed chain is upgraded, in that transaction.
    """
    if is_keyed(session):
        return
    key = chain_key_of(session)
    last, user = _read_tip(session)
    marker = _marker(session, key, last, user)
    session.add(marker)
    session.flush([marker])
    forget_cached(session)


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
    key = chain_key_of(session)
    prev, user = session.info.get(_TIP_KEY) or _read_tip(session)
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
            key=key,
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
class ChainHead:
    """Where the chain ended when someone looked: the last entry's number and hash."""

    entry_id: int
    entry_hash: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: tuple[str, ...]
    head: ChainHead | None = None
    keyed: bool = True

    @property
    def intact(self) -> bool:
        return not self.problems


# Plain SQL rows in the chain's order: no ORM objects, so ten years of entries stream.
_CHAIN_ROWS = (
    "SELECT id, at, user_name, action, entity, entity_id, unit_id, before_json, after_json, "
    "prev_hash, entry_hash FROM audit_log ORDER BY id"
)
_PROBLEMS_NAMED = 20  # a rewritten log breaks every entry after it; name the first ones


def chain_rows(session: Session) -> Iterable[tuple[object, ...]]:
    """The audit log's rows in order, as plain tuples read in batches."""
    return plain_rows(session, _CHAIN_ROWS)


def verify_chain(
    session: Session, *, visit: Callable[[tuple[object, ...]], None] | None = None
) -> ChainReport:
    """Recompute every hash in order; each break is named by its entry.

    The log streams past as plain rows, one batch at a time, and only the first
    breaks are kept: memory stays the same whatever the length of the log.
    ``visit`` sees every row as it streams past (the month closes' anchors are
    gathered in the same pass).
    """
    key = chain_key_of(session)
    keyed_hash, plain_hash = _Hasher(key), _Hasher(None)
    problems: list[str] = []
    unnamed = 0
    prev = GENESIS
    count = 0
    keyed = False
    last_id: object = None
    for row in chain_rows(session):
        entry_id, _at, _user, action, entity, *_middle, prev_hash, got = row
        count += 1
        if count == 1:
            keyed = _keyed_from_start(key, row)
        elif action == KEYED_ACTION and entity == CHAIN_ENTITY:
            keyed = True
        found = []
        if prev_hash != prev:
            found.append(f"{_describe(row)} does not follow the entry before it")
        if (keyed_hash if keyed else plain_hash)(_row_fields(row)) != got:
            found.append(f"{_describe(row)} was altered after it was written")
        if found:
            room = max(_PROBLEMS_NAMED - len(problems), 0)
            problems += found[:room]
            unnamed += len(found[room:])
        prev = str(got)
        last_id = entry_id
        if visit is not None:
            visit(row)
    if count and not keyed:
        problems.append(
            "The audit chain has only plain hashes, which anyone can recompute, and no entry "
            "that keys it: it was re-hashed without Quiet Ledger; compare with a backup "
            "('quietledger check --against BACKUP')"
        )
    if unnamed:
        problems.insert(_PROBLEMS_NAMED, f"and {unnamed} more audit entries are broken")
    head = None if last_id is None else ChainHead(int(last_id), prev)  # type: ignore[call-overload]
    return ChainReport(entries=count, problems=tuple(problems), head=head, keyed=keyed)


def _describe(row: tuple[object, ...]) -> str:
    """An entry as a person would find it on the Audit page: number, what, when."""
    entry_id, at, _user, action, entity, entity_id = row[:6]
    what = f"{action} {entity.replace('_', ' ')}"  # type: ignore[union-attr]
    if entity_id is not None:
        what += f" {entity_id}"
    day = str(at)[:10]
    return f"audit entry {entry_id} ({what}, {day[5:7]}/{day[8:10]}/{day[:4]})"


def chain_head(session: Session) -> ChainHead | None:
    """The chain's last entry now, or None for an empty log."""
    row = session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return None if row is None else ChainHead(int(row[0]), str(row[1]))


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model, for an entry's before or after."""
    return {name: getattr(obj, name) for name in fields}
