"""Schema migrations (Alembic), run on create and on open.

Opening a file whose schema is older than this version first writes an
encrypted copy beside it (``name.qlb.before-<revision>``), then upgrades.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from db.errors import PracticeFileError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(practice: object) -> str | None:
    with practice.engine.connect() as conn:  # type: ignore[attr-defined]
        return MigrationContext.configure(conn).get_current_revision()


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:  # alembic raises for a revision it has never heard of
        return False


def upgrade_to_head(practice: object, *, backup: bool) -> None:
    """Bring the practice file's schema up to this version of the app."""
    current = current_revision(practice)
    head = head_revision()
    if current == head:
        return
    script = ScriptDirectory.from_config(alembic_config())
    if current is not None and not _known(script, current):
        raise PracticeFileError(
            "This practice file was written by a newer Quiet Ledger; update the app to open it."
        )
    if backup and current is not None:
        path: Path = practice.path  # type: ignore[attr-defined]
        practice.copy_to(path.with_name(f"{path.name}.before-{current}"))  # type: ignore[attr-defined]
    config = alembic_config()
    with practice.engine.begin() as conn:  # type: ignore[attr-defined]
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
