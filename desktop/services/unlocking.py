"""Unlocking a practice file before its books are opened.

Nothing here imports the ORM: a command that can start work on the file itself
(``quietledger check`` runs SQLite's own checks on a raw connection) unlocks it
first and opens the books with ``Workspace.open_unlocked`` while that work runs.
"""

from __future__ import annotations

from pathlib import Path

from db import keys
from db.errors import PracticeFileError
from db.unlock import Unlocked, unlock_practice_file
from desktop.services.errors import UnlockFailed

__all__ = ["Unlocked", "unlock"]


def unlock(
    path: Path, *, passphrase: str | None = None, recovery_key: str | None = None
) -> Unlocked:
    """The file's key and writer lock; ``UnlockFailed`` says why it cannot be had."""
    try:
        return unlock_practice_file(path, passphrase=passphrase, recovery_key=recovery_key)
    except (PracticeFileError, keys.KeyProblem) as exc:
        raise UnlockFailed(str(exc)) from None
