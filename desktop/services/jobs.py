"""Work of many transactions (import, export, month close, batches, backups, restore).

A ``Job`` is a services-level object: what it is called while it runs, and the
work itself, which receives the open practice and a ``progress(done, total)``
callback. Progress returning False means the person pressed Cancel; the work
stops at the next safe point and raises or returns as its own docstring says,
keeping nothing half-written. Whoever runs the job (the window's action runner,
off the UI thread) learns from ``Job.run`` which kinds of records it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from db.writes import recording_writes
from desktop.services.changes import NOTHING, Changes, topics_of
from desktop.services.workspace import Workspace

T = TypeVar("T")
Progress = Callable[[int, int], bool]  # (done, total) -> False once the person cancels


def no_progress(_done: int, _total: int) -> bool:
    """A progress callback for work nobody watches: never cancels."""
    return True


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a job gave and which kinds of records it changed."""

    value: T
    changes: Changes


@dataclass(frozen=True)
class Job(Generic[T]):
    """Long work on the open practice, run where the caller chooses."""

    label: str  # shown beside the progress bar, e.g. "Issuing superbills…"
    work: Callable[[Workspace, Progress], T]
    # Kinds of records changed other than by SQL (a restore replaces the whole file).
    also_changes: Changes = field(default=NOTHING)

    def run(self, workspace: Workspace, progress: Progress = no_progress) -> Done[T]:
        with recording_writes() as tables:
            value = self.work(workspace, progress)
        return Done(value, topics_of(tables) | self.also_changes)
