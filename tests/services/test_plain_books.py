"""The aging read on a raw connection (``PlainBooks``) is the aging the workspace reads,
and a file the raw road cannot vouch for goes through the workspace, which upgrades it
or refuses it in its own sentences."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from db import keys
from db.queries.closed_balances import window_to
from db.unlock import connect_raw
from desktop.domain.kinds import AgingBasis
from desktop.reports.tabular import write_csv
from desktop.services.books import payments, periods, sessions
from desktop.services.books.aging import aging_table
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import ServiceError, UnlockFailed
from desktop.services.plain_books import PlainBooks
from desktop.services.practice.settings import get_settings, update_settings
from desktop.services.unlocking import Unlocked, unlock
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id
from tests.conftest import PASSPHRASE
from tests.db.test_migrations import backups_of, bare_file, revisions_in_order, upgrade

Books = PlainBooks | Workspace
CLOSED = date(2026, 2, 28)
# Before the first entry, early (the whole history is nearer), just before the close, at
# it, and after it (both from the balances kept at the close).
DAYS = (
    date(2025, 12, 31),
    date(2026, 1, 20),
    date(2026, 2, 20),
    CLOSED,
    date(2026, 3, 31),
    date(2026, 6, 30),
)


def plain_books(path: Path) -> PlainBooks:
    return PlainBooks(unlock(path, passphrase=PASSPHRASE))


def csv_of(table: object) -> str:
    out = io.StringIO()
    write_csv(table, out)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture
def books(workspace: Workspace) -> Path:
    """Three clients over four months, aged from the due date 20 days after service, a
    payment left partly as credit, the books closed through February; then closed."""
    ana = workspace.run(add_unit, "A1", "Ana Lopez")
    ben = workspace.run(add_unit, "B1", "Ben Okafor")
    cy = workspace.run(add_unit, "C1", "Cy Young")
    cash = workspace.run(method_id, "Cash")
    for day in (date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 9), date(2026, 4, 13)):
        for unit in (ana, ben):
            workspace.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))
    workspace.run(sessions.record_session, SessionInput(cy, date(2026, 1, 12), "90837"))
    workspace.run(payments.record_payment, PaymentInput(ben, date(2026, 2, 10), D("500.00"), cash))
    workspace.run(payments.record_payment, PaymentInput(cy, date(2026, 3, 2), D("60.00"), cash))
    settings = workspace.read(get_settings)
    workspace.run(update_settings, replace(settings, due_days=20, aging_basis=AgingBasis.DUE_DATE))
    workspace.run(periods.close_period, CLOSED, today=date(2026, 3, 15))
    path = workspace.path
    workspace.close()
    return path


def test_the_raw_road_reads_the_tables_the_workspace_reads(books: Path) -> None:
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        expected = {day: ws.read(aging_table, day) for day in DAYS}
        windows = {day: ws.read(window_to, day) for day in DAYS}
    # Guards: the days take both roads to the books, and the tables have something in them.
    assert windows[date(2026, 1, 20)] is None
    assert windows[date(2026, 3, 31)] is not None
    assert windows[date(2026, 2, 20)] is not None  # back from the close
    march = expected[date(2026, 3, 31)]
    assert [row[0] for row in march.rows] == ["A1", "C1", "UNAPPLIED CREDIT"]  # B1 paid ahead
    assert "20 days after its date of service" in march.notes[0]
    assert march.rows[-1][-1] != D("0.00")
    with plain_books(books) as plain:
        assert plain.plain
        for day in DAYS:
            found = plain.read(aging_table, day)
            assert found == expected[day], day
            assert csv_of(found) == csv_of(expected[day])
        assert plain.plain  # no read needed the workspace


def test_the_raw_road_holds_the_lock_until_closed(books: Path) -> None:
    plain = plain_books(books)
    with pytest.raises(UnlockFailed, match="already open"):
        Workspace.open(books, passphrase=PASSPHRASE)
    plain.close()
    Workspace.open(books, passphrase=PASSPHRASE).close()


def test_an_older_file_is_upgraded_through_the_workspace(tmp_path: Path) -> None:
    older = bare_file(tmp_path / "books.qlb")
    previous = revisions_in_order()[-2]
    upgrade(older, previous)
    older.close()
    with plain_books(older.path) as plain:
        assert not plain.plain
        table = plain.read(aging_table, date(2026, 3, 31))
    assert table.rows == (("UNAPPLIED CREDIT", "", None, None, None, None, None, D("0.00")),)
    assert f"books.qlb.before-{previous}" in backups_of(older.path)
    with plain_books(older.path) as plain:
        assert plain.plain  # at the head now


def sentence_of_opening(path: Path, opening: Callable[[Unlocked], Books]) -> str:
    """What opening ``path`` this way and reading its aging is refused with."""
    with (
        pytest.raises(ServiceError) as caught,
        opening(unlock(path, passphrase=PASSPHRASE)) as books,
    ):
        books.read(aging_table, date(2026, 3, 31))
    return str(caught.value)


def open_workspace(unlocked: Unlocked) -> Workspace:
    return Workspace.open_unlocked(unlocked)


def test_a_file_from_a_newer_app_is_refused_as_the_workspace_refuses_it(books: Path) -> None:
    conn = connect_raw(books, keys.read_envelope(books).open(PASSPHRASE))
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    said = sentence_of_opening(books, PlainBooks)
    assert "newer Quiet Ledger" in said
    assert said == sentence_of_opening(books, open_workspace)


def test_a_file_with_no_books_is_refused_as_the_workspace_refuses_it(tmp_path: Path) -> None:
    bare = bare_file(tmp_path / "books.qlb")
    bare.close()
    said = sentence_of_opening(bare.path, PlainBooks)
    assert "holds no books" in said
    assert said == sentence_of_opening(bare.path, open_workspace)


def test_a_damaged_file_is_refused_as_the_workspace_refuses_it(books: Path) -> None:
    """A page the aging reads fails its authentication code; the file still unlocks and
    says its revision, so the raw road starts, fails, and hands over to the workspace."""
    conn = connect_raw(books, keys.read_envelope(books).open(PASSPHRASE))
    sql = "SELECT rootpage FROM sqlite_master WHERE name = 'ledger_splits'"
    (root,) = conn.execute(sql).fetchone()
    conn.close()
    data = bytearray(books.read_bytes())
    data[(root - 1) * 4096 + 100] ^= 0x40
    books.write_bytes(bytes(data))
    with plain_books(books) as plain:
        assert plain.plain
        with pytest.raises(ServiceError) as caught:
            plain.read(aging_table, date(2026, 3, 31))
        assert not plain.plain
    assert "damaged" in str(caught.value)
    assert str(caught.value) == sentence_of_opening(books, open_workspace)


def test_a_key_file_to_rewrap_is_rewrapped_through_the_workspace(books: Path) -> None:
    data_key = keys.read_envelope(books).open(PASSPHRASE)
    salt = secrets.token_bytes(16)
    old = hashlib.scrypt(PASSPHRASE.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    envelope = keys.KeyEnvelope(
        salt=salt, wrapped=aes_key_wrap(old, data_key), kdf="scrypt", n=2**14, r=8, p=1
    )
    keys.write_envelope(books, envelope)
    with plain_books(books) as plain:
        assert not plain.plain
        assert plain.read(aging_table, date(2026, 3, 31)).rows
    assert json.loads(keys.key_file_for(books).read_text())["kdf"] == "argon2id"
    with plain_books(books) as plain:
        assert plain.plain
