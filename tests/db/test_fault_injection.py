"""Fault injection: damaged files, tampering with the data key, other names for the file,
a lost key file. Each case is done to a real practice file the way a failing disk, a bad
copy or someone with the key would do it, then met through the command line."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from db import keys
from db.errors import AlreadyOpen
from db.lock import WriterLock
from db.unlock import connect_raw
from desktop.app.cli import main
from desktop.services.audit.log import GENESIS
from desktop.services.backups.backup import make_backup
from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.workspace import UnlockFailed, Workspace
from tests.books_helpers import add_unit
from tests.conftest import PASSPHRASE
from tests.tampering import rehash_with_key, tamper

NEW_PASSPHRASE = "amber lighthouse seventy quietly"


@pytest.fixture
def books(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A closed practice file with two sessions; the passphrase is in the environment."""
    unit = workspace.run(add_unit, "A1", "Avery Stone")
    for day in (date(2026, 3, 2), date(2026, 3, 9)):
        workspace.run(record_session, SessionInput(unit, day, "90837", fee=Decimal("150.00")))
    path = workspace.path
    workspace.close()
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("QUIETLEDGER_HOME", str(path.parent / "home"))
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def plain_sentence(output: str, *names: str) -> None:
    assert "Something unexpected" not in output, output
    assert "Traceback" not in output, output
    for name in names:
        assert name in output, output


# --- finding 1 and 3: empty, cut-short and damaged files ---------------------------------


@pytest.mark.parametrize("size", [0, 10, 1024, 4096, 5000])
def test_an_empty_or_cut_short_file_is_refused_never_initialised(
    books: Path, capsys: pytest.CaptureFixture[str], size: int
) -> None:
    with books.open("r+b") as handle:
        handle.truncate(size)
    for command in (["check"], ["backup", "--to", str(books.parent)]):
        code, output = run_cli(capsys, *command, "--db", str(books))
        assert code == 1
        plain_sentence(output, books.name)
        assert "restore" in output
    assert books.stat().st_size == size  # never grown into an empty schema
    assert not list(books.parent.glob("*.qlbak"))


@pytest.mark.parametrize(
    ("mode", "said"),
    [([], "SQLite's quick check; 'check --full' also proves"), (["--full"], "full check")],
    ids=["quick", "full"],
)
def test_an_intact_file_is_ok_and_check_says_what_it_proved(
    books: Path, capsys: pytest.CaptureFixture[str], mode: list[str], said: str
) -> None:
    code, output = run_cli(capsys, "check", *mode, "--db", str(books))
    assert code == 0, output
    assert output.count("\n") == 1
    plain_sentence(output, f"OK: {books.name} passed every check", "authentication code", said)


# Which page (counted from 0) of a file of ``pages`` pages to damage.
PAGES = {
    "first": lambda pages: 0,
    "second": lambda pages: 1,
    "third": lambda pages: 2,
    "middle": lambda pages: pages // 2,
    "last": lambda pages: pages - 1,
}


@pytest.mark.parametrize("mode", [[], ["--full"]], ids=["quick", "full"])
@pytest.mark.parametrize("which", list(PAGES))
def test_a_flipped_byte_in_any_page_is_named(
    books: Path, capsys: pytest.CaptureFixture[str], which: str, mode: list[str]
) -> None:
    """The first pages (read to open the file), one in the middle and the last one: both
    modes read every page and verify its authentication code."""
    data = bytearray(books.read_bytes())
    page = PAGES[which](len(data) // 4096)
    data[page * 4096 + 100] ^= 0x40
    books.write_bytes(bytes(data))
    code, output = run_cli(capsys, "check", *mode, "--db", str(books))
    assert code == 1
    plain_sentence(output, books.name if page < 2 else f"page {page + 1}")
    assert "backup" in output


def test_a_key_file_of_random_bytes_says_what_to_do(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = keys.key_file_for(books)
    key_file.write_bytes(secrets.token_bytes(200))
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, key_file.name, "recovery key", "quietledger unlock --recovery-key")


def test_a_file_that_is_not_a_practice_file_is_refused(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    books.write_bytes(b"%PDF-1.7\n" + secrets.token_bytes(8183))
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, books.name)


def test_a_practice_file_given_to_restore_is_named(
    books: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output = run_cli(capsys, "restore", str(books), "--to", str(tmp_path / "new.qlb"))
    assert code == 1
    plain_sentence(output, f"{books.name} is not a Quiet Ledger backup file")


# --- finding 2: tampering done with the data key ------------------------------------------


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("UPDATE sessions SET fee_cents = 1 WHERE id = 1", "Session 1 (03/02/2026) has fee 0.01"),
        (
            "UPDATE sessions SET service_date = '2026-01-05' WHERE id = 2",
            "Session 2 (01/05/2026) has service date 01/05/2026",
        ),
        (
            "INSERT INTO sessions (unit_id, service_date, service_id, fee_cents, status, "
            "place_of_service, modifiers, memo, created_at) SELECT unit_id, '2026-03-16', "
            "service_id, 9900, status, place_of_service, modifiers, memo, created_at "
            "FROM sessions WHERE id = 1",
            "Session 3 (03/16/2026) has no audit entry",
        ),
    ],
)
def test_a_row_changed_without_an_audit_entry_is_named(
    books: Path, capsys: pytest.CaptureFixture[str], statement: str, said: str
) -> None:
    tamper(books, statement)
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, said)


def test_deleting_the_last_entries_reports_the_missing_trigger(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(
        books,
        "DROP TRIGGER trg_audit_log_no_delete",
        "DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)",
    )
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, "trg_audit_log_no_delete is missing")


def test_an_index_redefined_over_another_column_is_named_by_both_modes(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its content no longer matches its table: the quick check names the changed index
    from the schema; the full one also has SQLite find each row missing from it."""
    tamper(
        books,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_sessions_date ON sessions (memo)' "
        "WHERE name = 'ix_sessions_date'",
        "PRAGMA writable_schema = OFF",
    )
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, "The index ix_sessions_date on sessions is missing or was changed")
    assert "missing from index" not in output
    code, output = run_cli(capsys, "check", "--full", "--db", str(books))
    assert code == 1
    plain_sentence(output, "ix_sessions_date on sessions is missing", "missing from index")


def test_an_entry_rehashed_with_plain_sha256_breaks_the_keyed_chain(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edit an entry and re-hash the whole chain as the app once did: plain SHA-256."""
    conn = connect_raw(books, keys.read_envelope(books).open(PASSPHRASE))
    try:
        conn.execute("DROP TRIGGER trg_audit_log_no_update")
        rows = conn.execute(
            "SELECT id, at, user_name, action, entity, entity_id, unit_id, before_json, "
            "after_json FROM audit_log ORDER BY id"
        ).fetchall()
        prev = GENESIS
        for entry_id, at, *rest in rows:
            after = rest[-1].replace("150.00", "15.00") if entry_id == 4 else rest[-1]
            fields = [prev, at.replace(" ", "T"), *rest[:-1], after]
            digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()
            conn.execute(
                "UPDATE audit_log SET after_json = ?, prev_hash = ?, entry_hash = ? WHERE id = ?",
                (after, prev, digest, entry_id),
            )
            prev = digest
        conn.execute(
            "CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log rows are never changed'); END"
        )
    finally:
        conn.close()
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, "only plain hashes", "re-hashed without Quiet Ledger")


def test_a_chain_rewritten_with_the_key_fails_against_an_earlier_backup(
    books: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Someone holding the key can rewrite the log so that it verifies, but not the head
    a backup already recorded."""
    backups = tmp_path / "backups"
    backups.mkdir()
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        backup = make_backup(ws, backups).info.path
    assert run_cli(capsys, "check", "--db", str(books), "--against", str(backup))[0] == 0
    rehash_with_key(books, edit_entry=3)
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 0, output  # the rewritten chain verifies on its own
    code, output = run_cli(capsys, "check", "--db", str(books), "--against", str(backup))
    assert code == 1
    plain_sentence(output, "is not the one the backup", backup.name)


# --- finding 4: the lock follows the real file --------------------------------------------


def test_the_same_file_through_a_symlink_or_a_hard_link_is_refused(
    books: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    symlink = elsewhere / "linked.qlb"
    symlink.symlink_to(books)
    hard = elsewhere / "hard.qlb"
    os.link(books, hard)
    with Workspace.open(books, passphrase=PASSPHRASE):
        for other in (symlink, hard, books.parent / ".." / books.parent.name / books.name):
            with pytest.raises(AlreadyOpen):
                WriterLock(other).acquire()
        with pytest.raises(UnlockFailed, match="already open"):
            Workspace.open(symlink, passphrase=PASSPHRASE)
    Workspace.open(symlink, passphrase=PASSPHRASE).close()  # free again once closed


# --- finding 5: the recovery key from the command line ------------------------------------


def test_unlock_with_the_recovery_key_writes_a_new_key_file(
    books: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        recovery = ws.recovery_key()
    keys.key_file_for(books).unlink()
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 1
    plain_sentence(output, "quietledger unlock --recovery-key")
    monkeypatch.setenv("QUIETLEDGER_RECOVERY_KEY", recovery)
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", NEW_PASSPHRASE)
    code, output = run_cli(capsys, "unlock", "--recovery-key", "--db", str(books))
    assert code == 0, output
    assert keys.key_file_for(books).exists()
    monkeypatch.delenv("QUIETLEDGER_RECOVERY_KEY")
    code, output = run_cli(capsys, "check", "--db", str(books))
    assert code == 0, output
    with pytest.raises(UnlockFailed, match="does not open"):
        Workspace.open(books, passphrase=PASSPHRASE)


def test_unlock_with_a_wrong_recovery_key_changes_nothing(
    books: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = keys.key_file_for(books).read_bytes()
    monkeypatch.setenv("QUIETLEDGER_RECOVERY_KEY", "ABCD-" * 13 + "ABCD")
    code, output = run_cli(capsys, "unlock", "--recovery-key", "--db", str(books))
    assert code == 1
    plain_sentence(output, "recovery key")
    assert keys.key_file_for(books).read_bytes() == before


# --- finding 6: the passphrase's stretching ------------------------------------------------


def test_a_new_key_file_records_owasp_argon2id(books: Path) -> None:
    stored = json.loads(keys.key_file_for(books).read_text())
    cost = (stored["kdf"], stored["memory_kib"], stored["iterations"], stored["lanes"])
    assert cost == ("argon2id", 46 * 1024, 1, 1)  # OWASP: m=46 MiB, t=1, p=1


@pytest.mark.parametrize("n", [2**15, 2**17])
def test_a_scrypt_key_file_is_rewrapped_with_argon2id_at_its_next_unlock(
    books: Path, n: int
) -> None:
    key_file = keys.key_file_for(books)
    data_key = keys.read_envelope(books).open(PASSPHRASE)
    salt = secrets.token_bytes(16)
    old = hashlib.scrypt(PASSPHRASE.encode(), salt=salt, n=n, r=8, p=1, maxmem=2**28, dklen=32)
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    older = keys.KeyEnvelope(
        salt=salt, wrapped=aes_key_wrap(old, data_key), kdf="scrypt", n=n, r=8, p=1
    )
    keys.write_envelope(books, older)
    assert json.loads(key_file.read_text())["n"] == n
    with pytest.raises(UnlockFailed):
        Workspace.open(books, passphrase="not the passphrase at all")
    assert json.loads(key_file.read_text())["n"] == n  # a failed unlock rewraps nothing
    Workspace.open(books, passphrase=PASSPHRASE).close()
    stored = json.loads(key_file.read_text())
    assert (stored["kdf"], stored["memory_kib"]) == ("argon2id", 46 * 1024)
    assert base64.b64decode(stored["salt"]) != salt
    assert not list(books.parent.glob(f".{key_file.name}.*.tmp"))  # replaced atomically
    Workspace.open(books, passphrase=PASSPHRASE).close()


def test_a_key_file_asking_for_absurd_memory_is_refused_with_a_sentence(books: Path) -> None:
    key_file = keys.key_file_for(books)
    stored = json.loads(key_file.read_text())
    stored["memory_kib"] = 64 * 1024 * 1024  # 64 GiB
    key_file.write_text(json.dumps(stored))
    with pytest.raises(UnlockFailed) as refused:
        Workspace.open(books, passphrase=PASSPHRASE)
    plain_sentence(str(refused.value), "recovery key")
