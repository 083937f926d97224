"""Schema migrations (Alembic), run on create and on open.

Opening a file whose schema is older than this version first writes an
encrypted copy beside it (``name.qlb.before-<revision>``), then upgrades.

Alembic is imported only when a file actually needs upgrading: reading the
revisions off the migration scripts and the file's ``alembic_version`` row is
enough to know it does not, and that keeps every start-up fast.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.errors import PracticeFileError

if TYPE_CHECKING:
    from collections.abc import Callable

    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w-]+|None)['\"]?", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision among the scripts: the one no other revises.

    Read from the scripts' ``revision =`` and ``down_revision =`` lines rather
    than through Alembic, whose import costs a noticeable part of start-up.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        fields = dict(_REVISION_LINE.findall(script.read_text("utf-8")))
        if "revision" in fields:
            revisions.add(fields["revision"])
            revised.add(fields.get("down_revision", "None"))
    heads = revisions - revised
    if len(heads) != 1:
        raise PracticeFileError(f"The migration scripts have {len(heads)} heads; expected one.")
    return heads.pop()


_HAS_VERSION_SQL = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
_VERSION_SQL = "SELECT version_num FROM alembic_version"


def current_revision(practice: object) -> str | None:
    """The schema revision written in the file, or None for a file never migrated."""
    with practice.engine.connect() as conn:  # type: ignore[attr-defined]
        return revision_on(conn.connection.driver_connection)


def revision_on(conn: Any) -> str | None:
    """The schema revision written in the file, read on its DB-API connection: a command
    that reads the books without SQLAlchemy checks with it that they are at the head."""
    if conn.execute(_HAS_VERSION_SQL).fetchone() is None:
        return None
    row = conn.execute(_VERSION_SQL).fetchone()
    return None if row is None else str(row[0])


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:  # alembic raises for a revision it has never heard of
        return False


def upgrade_to_head(
    practice: object, *, backup: bool, after: Callable[[Connection], None] | None = None
) -> None:
    """Bring the practice file's schema up to this version of the app.

    ``after`` runs on the upgrade's connection, inside its transaction, when a file
    that had a schema was upgraded: data work that must land with the new revision
    or not at all (sealing the audit chain).
    """
    current = current_revision(practice)
    if current == head_revision():
        return
    from alembic import command
    from alembic.script import ScriptDirectory

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
        if after is not None and current is not None:
            after(conn)
