"""An open practice as the screens and the command line see it.

``Workspace.run`` is the one way to change the books: it opens a database
session for one user action, calls a service function with it, and commits
only if the whole action succeeded. ``Workspace.read`` does the same for
queries and never commits. Errors from the file or the database come out as
``ServiceError`` with a sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session

from db import keys
from db.engine import PracticeFile, create_practice_file, open_unlocked
from db.errors import PracticeFileError
from db.writes import recording_writes
from desktop.services.audit import log as audit_log
from desktop.services.changes import Changes, topics_of
from desktop.services.errors import ServiceError, UnlockFailed, WeakPassphrase
from desktop.services.unlocking import Unlocked, unlock

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Performed(Generic[T]):
    """What one committed action gave, and which kinds of records it changed."""

    value: T
    changes: Changes


def _translate_db_error(exc: Exception, *, writing: bool = True) -> ServiceError:
    text = str(getattr(exc, "orig", exc)).lower()
    if "malformed" in text or "not a database" in text or "hmac" in text:
        return ServiceError(
            "The practice file is damaged; run 'quietledger check' and restore it from a "
            "backup. Nothing was saved."
        )
    if "disk is full" in text or "no space" in text:
        return ServiceError("The disk is full; free some space and try again. Nothing was saved.")
    if "readonly" in text or "read-only" in text:
        return ServiceError(
            "The practice file's folder cannot be written to; check its permissions or move "
            "the file. Nothing was saved."
        )
    if "locked" in text or "busy" in text:
        return ServiceError("The practice file is busy; try again in a moment. Nothing was saved.")
    if isinstance(exc, IntegrityError):
        detail = str(getattr(exc, "orig", exc))
        return ServiceError(f"The books refused this change ({detail}). Nothing was saved.")
    if not writing:
        return ServiceError(f"The practice file could not be read ({text}).")
    return ServiceError(f"The practice file could not be written ({text}). Nothing was saved.")


class Workspace:
    """One open, unlocked practice file."""

    def __init__(self, practice_file: PracticeFile) -> None:
        self._file = practice_file

    # --- opening ------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, passphrase: str | None = None, recovery_key: str | None = None
    ) -> Workspace:
        return cls.open_unlocked(
            unlock(Path(path), passphrase=passphrase, recovery_key=recovery_key)
        )

    @classmethod
    def open_unlocked(cls, unlocked: Unlocked) -> Workspace:
        """The books of a file ``unlocking.unlock`` unlocked; its lock passes to them."""
        try:
            # A file from before the keyed audit chain is sealed in its upgrade's transaction.
            return cls(open_unlocked(unlocked, on_upgrade=audit_log.seal_chain))
        except (PracticeFileError, keys.KeyProblem) as exc:
            raise UnlockFailed(str(exc)) from None

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        allow_weak: bool = False,
        known_words: Iterable[str] = (),
    ) -> Workspace:
        """A new practice file; ``known_words`` (its names, email) count as easy to guess."""
        try:
            return cls(
                create_practice_file(
                    Path(path), passphrase, allow_weak=allow_weak, known_words=known_words
                )
            )
        except keys.WeakPassphrase as exc:
            raise WeakPassphrase(str(exc)) from None
        except (PracticeFileError, keys.KeyProblem) as exc:
            raise UnlockFailed(str(exc)) from None
        except OSError as exc:
            raise UnlockFailed(
                f"Could not create {path}: {exc.strerror or exc}; choose another folder."
            ) from None

    @staticmethod
    def passphrase_problem(passphrase: str, known_words: Iterable[str] = ()) -> str | None:
        return keys.passphrase_problem(passphrase, known_words)

    # --- units of work ------------------------------------------------------------

    def run(
        self, action: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Do one user action in one transaction: all of it is saved, or none."""
        try:
            with self._file.transaction() as session:
                return action(session, *args, **kwargs)
        except DatabaseError as exc:
            raise _translate_db_error(exc) from exc

    def perform(
        self, action: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Performed[T]:
        """``run``, and say which kinds of records the committed action wrote."""
        with recording_writes() as tables:
            value = self.run(action, *args, **kwargs)
        return Performed(value, topics_of(tables))

    def read(
        self, query: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a query; nothing it does is saved."""
        try:
            # A dry run writes and is rolled back: what it wrote changed nothing, so a
            # job or action around it must not report it (a recording of its own swallows it).
            with recording_writes(), self._file.reading() as session:
                return query(session, *args, **kwargs)
        except DatabaseError as exc:
            raise _translate_db_error(exc, writing=False) from exc

    # --- the file -----------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def practice_file(self) -> PracticeFile:
        return self._file

    @property
    def is_open(self) -> bool:
        return self._file.is_open

    def change_passphrase(self, new_passphrase: str, known_words: Iterable[str] = ()) -> None:
        try:
            self._file.change_passphrase(new_passphrase, known_words)
        except keys.WeakPassphrase as exc:
            raise WeakPassphrase(str(exc)) from None
        except OSError as exc:
            raise ServiceError(
                f"The new passphrase could not be saved ({exc.strerror or exc}); "
                "the old one still works."
            ) from None

    def recovery_key(self) -> str:
        return self._file.recovery_key()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
