"""Which tables a unit of work wrote to, so the screens can be told what changed.

The engine notes the target table of every INSERT, UPDATE and DELETE it sends
while a ``recording_writes()`` block is active in the same thread. Reading the
statements themselves, rather than asking each service to declare what it
touches, means a new service cannot forget to say.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar

_recording: ContextVar[set[str] | None] = ContextVar("quietledger_written_tables", default=None)
_WRITE = re.compile(
    r"""^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)
        \s+["`\[]?(\w+)""",
    re.IGNORECASE | re.VERBOSE,
)


@contextlib.contextmanager
def recording_writes() -> Iterator[set[str]]:
    """Collect, into the set yielded, the name of every table written inside the block."""
    tables: set[str] = set()
    token = _recording.set(tables)
    try:
        yield tables
    finally:
        _recording.reset(token)


def note_statement(statement: str) -> None:
    """Record ``statement``'s table if it writes one and a recording is active."""
    tables = _recording.get()
    if tables is None:
        return
    match = _WRITE.match(statement)
    if match:
        tables.add(match.group(1).lower())
