"""The schema's guards: a new file has every one, and a missing or changed one is named."""

from __future__ import annotations

from db.guards import expected_triggers, missing_guards
from desktop.services.workspace import Workspace


def test_a_new_file_has_every_guard_exactly_as_listed(workspace: Workspace) -> None:
    conn = workspace.practice_file.raw_connection()
    try:
        stored = {
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert set(expected_triggers()) <= stored
        assert missing_guards(conn) == []
    finally:
        conn.close()


def test_a_dropped_or_weakened_trigger_is_named(
    workspace: Workspace,
) -> None:
    conn = workspace.practice_file.raw_connection()
    try:
        conn.execute("DROP TRIGGER trg_sessions_no_delete")
        conn.execute("DROP TRIGGER trg_charges_void_only")
        conn.execute(
            "CREATE TRIGGER trg_charges_void_only BEFORE UPDATE ON charges "
            "WHEN 0 BEGIN SELECT 1; END"
        )
        problems = missing_guards(conn)
    finally:
        conn.close()
    assert any("trg_sessions_no_delete is missing" in p for p in problems)
    assert any("trg_charges_void_only was changed" in p for p in problems)
