"""The passphrase that unlocks the practice file: how strong a new one is, and changing it.

Only the key file's wrapping changes; the data key stays the same, so the
recovery key keeps working.
"""

from __future__ import annotations

from desktop.services.workspace import Workspace


def passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` is too weak to protect the books, in a sentence; None if it will do."""
    return Workspace.passphrase_problem(passphrase)


def change_passphrase(workspace: Workspace, new_passphrase: str) -> None:
    """From now on ``new_passphrase`` unlocks the open file; the old one no longer does."""
    workspace.change_passphrase(new_passphrase)
