"""Tampering as someone holding the data key would do it, for the tests that must catch it."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from db import keys
from db.unlock import connect_raw
from desktop.services.audit.log import GENESIS
from tests.conftest import PASSPHRASE


def tamper(path: Path, *statements: str) -> None:
    """Change the file with its data key, as someone holding the passphrase could."""
    conn = connect_raw(path, keys.read_envelope(path).open(PASSPHRASE))
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def rehash_with_key(path: Path, *, edit_entry: int) -> None:
    """Rewrite one entry's user and re-hash the whole chain with the key, as someone
    holding the data key could: the chain then verifies on its own."""
    data_key = keys.read_envelope(path).open(PASSPHRASE)
    conn = connect_raw(path, data_key)
    try:
        _rehash(conn, keys.chain_key(data_key), edit_entry)
    finally:
        conn.close()


def _rehash(conn: object, chain_key: bytes, edit_entry: int) -> None:
    conn.execute("DROP TRIGGER trg_audit_log_no_update")  # type: ignore[attr-defined]
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT id, at, user_name, action, entity, entity_id, unit_id, before_json, "
        "after_json FROM audit_log ORDER BY id"
    ).fetchall()
    prev = GENESIS
    for entry_id, at, *rest in rows:
        user = "Someone else" if entry_id == edit_entry else rest[0]
        fields = [prev, at.replace(" ", "T"), user, *rest[1:]]
        payload = json.dumps(fields, ensure_ascii=False).encode()
        digest = hmac.new(chain_key, payload, hashlib.sha256).hexdigest()
        conn.execute(  # type: ignore[attr-defined]
            "UPDATE audit_log SET user_name = ?, prev_hash = ?, entry_hash = ? WHERE id = ?",
            (user, prev, digest, entry_id),
        )
        prev = digest
    conn.execute(  # type: ignore[attr-defined]
        "CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log rows are never changed'); END"
    )
