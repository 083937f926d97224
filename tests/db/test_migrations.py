"""Schema migrations: every revision applies in order, the models match, old files are backed up."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import db.migrate
from db import keys
from db.engine import PracticeFile
from db.lock import WriterLock
from db.migrate import alembic_config, current_revision, head_revision
from db.models import Base, Client
from db.unlock import connect_raw
from desktop.services.workspace import UnlockFailed, Workspace
from tests.conftest import PASSPHRASE


def bare_file(path: Path) -> PracticeFile:
    """An encrypted file with a key file and no schema at all (base), open and locked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data_key = keys.new_data_key()
    connect_raw(path, data_key).close()
    keys.write_envelope(path, keys.KeyEnvelope.seal(data_key, PASSPHRASE))
    return PracticeFile(path, data_key, WriterLock(path).acquire())


def upgrade(practice: PracticeFile, revision: str) -> None:
    config = alembic_config()
    with practice.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def revisions_in_order() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def schema_differences(practice: PracticeFile) -> list[object]:
    with practice.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def backups_of(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(f"{path.name}.before-*"))


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[PracticeFile]:
    practice = bare_file(tmp_path / "old" / "books.qlb")
    yield practice
    if practice.is_open:
        practice.close()


def test_every_revision_applies_in_order_and_the_models_match(bare: PracticeFile) -> None:
    assert current_revision(bare) is None
    order = revisions_in_order()
    assert order[0] == "0001"
    assert order[-1] == head_revision()
    for revision in order:
        upgrade(bare, revision)
        assert current_revision(bare) == revision
    assert schema_differences(bare) == []


def test_the_difference_check_notices_a_missing_column(bare: PracticeFile) -> None:
    """Guard: compare_metadata really looks at this file's schema."""
    upgrade(bare, "head")
    with bare.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE clients DROP COLUMN email")
    assert schema_differences(bare) != []


def test_a_file_with_no_schema_is_refused_never_initialised(bare: PracticeFile) -> None:
    """Only ``init`` and ``demo`` make books: a keyed file with no schema is not upgraded."""
    path = bare.path
    bare.close()
    with pytest.raises(UnlockFailed, match="holds no books") as caught:
        Workspace.open(path, passphrase=PASSPHRASE)
    assert path.name in str(caught.value)
    assert current_revision_of(path) is None
    assert backups_of(path) == []


def current_revision_of(path: Path) -> str | None:
    data_key = keys.read_envelope(path).open(PASSPHRASE)
    conn = connect_raw(path, data_key)
    try:
        found = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()
        return None if found[0] == 0 else "present"
    finally:
        conn.close()


def test_opening_a_current_file_makes_no_backup(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    Workspace.open(path, passphrase=PASSPHRASE).close()
    assert backups_of(path) == []


# A later revision, written only into a copy of the migrations folder under tmp_path,
# lets the real "file behind head" path run today, while the app has one revision.
_LATER_REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("later_scratch", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("later_scratch")
"""


def test_opening_an_older_file_backs_it_up_first(workspace: Workspace, tmp_path: Path) -> None:
    path = workspace.path
    old_head = head_revision()
    with workspace.practice_file.transaction() as session:
        session.add(Client(client_ref="B1", legal_last_name="Backed-Up"))
    workspace.close()

    later = tmp_path / "later_migrations"
    shutil.copytree(db.migrate.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "9001_later.py").write_text(_LATER_REVISION.format(head=old_head))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db.migrate, "MIGRATIONS_DIR", later)
        with Workspace.open(path, passphrase=PASSPHRASE) as ws:
            assert current_revision(ws.practice_file) == "9001"

    backup = path.with_name(f"{path.name}.before-{old_head}")
    assert backups_of(path) == [backup.name, backup.name + ".keys"]
    assert not backup.read_bytes().startswith(b"SQLite format 3")
    assert oct(backup.stat().st_mode & 0o777) == oct(0o600)
    # The copy is this app's own file, untouched by the upgrade, and opens with the passphrase.
    with Workspace.open(backup, passphrase=PASSPHRASE) as ws:
        assert current_revision(ws.practice_file) == old_head
        with ws.practice_file.reading() as session:
            assert [c.legal_last_name for c in session.query(Client)] == ["Backed-Up"]


def test_a_file_from_a_newer_app_is_refused(workspace: Workspace) -> None:
    path = workspace.path
    conn = workspace.practice_file.raw_connection()
    try:
        # What a later version of the app would have written.
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    finally:
        conn.close()
    workspace.close()
    with pytest.raises(UnlockFailed, match="newer Quiet Ledger") as caught:
        Workspace.open(path, passphrase=PASSPHRASE)
    assert "\n" not in str(caught.value)
    assert backups_of(path) == []


def test_the_fast_reading_of_revisions_agrees_with_alembic(
    bare: PracticeFile, workspace: Workspace
) -> None:
    # Start-up reads the head off the scripts and the file's revision by plain SQL,
    # without importing Alembic; both must say what Alembic says.
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(bare) is None
    for revision in revisions_in_order():
        upgrade(bare, revision)
        with bare.engine.connect() as conn:
            expected = MigrationContext.configure(conn).get_current_revision()
        assert current_revision(bare) == expected == revision
    assert current_revision(workspace.practice_file) == head_revision()


def test_unit_balances_are_backfilled_and_kept_by_the_trigger(workspace: Workspace) -> None:
    # Books written before 0004 get their totals on upgrade; later splits keep them up.
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import text

    from desktop.services.books import payments, sessions
    from desktop.services.books import queries as books
    from tests.books_helpers import add_unit, method_id
    from tests.services.books.test_books_examples import session_on

    unit = workspace.run(add_unit, "A1", "Ana Lopez")
    workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 5)))
    cash = workspace.run(method_id, "Cash")
    pay = payments.PaymentInput(unit, date(2026, 1, 6), Decimal("250.00"), cash)
    workspace.run(payments.record_payment, pay)
    expected = workspace.read(books.balances, date(2026, 1, 6))  # summed from the splits
    config = alembic_config()
    with workspace.practice_file.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        command.upgrade(config, "head")
    assert workspace.read(books.balances) == expected  # today: read from the kept totals
    workspace.run(sessions.record_session, session_on(unit, date(2026, 1, 12)))
    assert workspace.read(books.balance, unit).owed == Decimal("50.00")
    assert workspace.read(books.ledger_problems) == []

    with workspace.practice_file.transaction() as session:
        session.execute(text("UPDATE unit_balances SET owed_cents = owed_cents + 1"))
        assert books.ledger_problems(session) == [
            f"client account {unit} shows a balance its ledger entries do not add up to"
        ]
