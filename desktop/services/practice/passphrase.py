"""The passphrase that unlocks the practice file: how strong a new one is, and changing it.

Strength is zxcvbn's estimate (``db/keys.py``), told what an attacker who knows the
practice would try first: its name, the provider's name and the email. Only the key
file's wrapping changes; the data key stays the same, so the recovery key keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from desktop.services.practice.settings import Profile, get_profile
from desktop.services.workspace import Workspace


def profile_words(profile: Profile) -> tuple[str, ...]:
    """The profile's words a passphrase must not be built from."""
    return tuple(
        text
        for text in (
            profile.practice_name,
            profile.provider_name,
            profile.credentials,
            profile.email,
        )
        if text
    )


def practice_words(session: Session) -> tuple[str, ...]:
    """The open practice's words a passphrase must not be built from."""
    return profile_words(get_profile(session))


def passphrase_problem(passphrase: str, known_words: Iterable[str] = ()) -> str | None:
    """Why ``passphrase`` is too weak to protect the books, in a sentence; None if it will do."""
    return Workspace.passphrase_problem(passphrase, known_words)


def change_passphrase(workspace: Workspace, new_passphrase: str) -> None:
    """From now on ``new_passphrase`` unlocks the open file; the old one no longer does."""
    workspace.change_passphrase(new_passphrase, workspace.read(practice_words))
