"""ICD-10-CM look-up: search by code prefix or by words, and describe one code.

The code set comes from the ``simple-icd-10-cm`` package, which parses the whole
classification when imported (about three seconds). So it is read through a
small index derived from it once per package version (``icd_index``): a look-up
of one code is one indexed query, and a search reads the index into memory once.
The package carries one ICD-10-CM release only (1.5.0: the April 1, 2026 tabular
list), not the history of releases, so billability "on a date of service" is
judged against that release for every date; ``release()`` names it, and the
checks say which release they used. The index is opened on first use, never
when this module is imported, behind a lock so that a background search and a
foreground check can share it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from desktop.services.clients import icd_index

# Mental-health (F) and factors-influencing-health (Z) codes are what a therapy
# practice uses nearly always; word searches list them first.
_PREFERRED_CHAPTERS = ("F", "Z")
_CODE_LIKE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?$")


@dataclass(frozen=True)
class IcdHit:
    code: str  # with the dot, as printed: F43.23
    description: str
    billable: bool  # a leaf of the code tree: specific enough to put on a superbill


class _Entry(NamedTuple):
    """One code held for searches: a tuple, since there are some 98,000 of them."""

    bare: str  # code without the dot, upper case
    code: str
    billable: bool
    description: str
    words: str  # lower-case description

    @property
    def hit(self) -> IcdHit:
        return IcdHit(self.code, self.description, self.billable)


_lock = threading.Lock()
_index: sqlite3.Connection | None = None
_entries: list[_Entry] | None = None
_by_bare: dict[str, _Entry] = {}


def _entry(row: icd_index.Row) -> _Entry:
    bare, code, billable, description = row
    return _Entry(bare, code, billable, description, description.lower())


def _connection() -> sqlite3.Connection:
    """The index, opened (and built if missing or stale) on first use; hold ``_lock``."""
    global _index
    if _index is None:
        _index = icd_index.open_index()
    return _index


def _load() -> list[_Entry]:
    """Every code in memory, for word and prefix searches."""
    global _entries
    with _lock:
        if _entries is None:
            entries = [
                _Entry(bare, code, billable == 1, text, text.lower())
                for bare, code, billable, text in icd_index.rows_in_code_set_order(_connection())
            ]
            _by_bare.update((e.bare, e) for e in entries)
            _entries = entries
        return _entries


def release() -> str:
    """The ICD-10-CM release the package carries, as "April 1, 2026" (kept in the index)."""
    with _lock:
        return icd_index.release_of(_connection())


@dataclass(frozen=True)
class Billability:
    """Whether a code may go on a claim, and which release said so."""

    known: bool  # in the release at all
    billable: bool  # a leaf: specific enough to bill
    release: str


def billability(code: str, on: date) -> Billability:
    """``code`` judged for a date of service ``on``.

    The package holds one release, so every date is judged against it (see the
    module's note); ``on`` is taken so callers state the date they mean, and so a
    library with more releases can be dropped in here alone.
    """
    del on  # one release only: the same answer for every date
    hit = describe(code)
    return Billability(hit is not None, hit is not None and hit.billable, release())


def warm() -> None:
    """Load the code set now (call from a background thread before the first search)."""
    _load()


def is_loaded() -> bool:
    return _entries is not None


def normalize(code: str) -> str:
    """``f4323`` or `` F43.23 `` as ``F4323``: the form used to look a code up."""
    return code.strip().upper().replace(".", "")


def describe(code: str) -> IcdHit | None:
    """The code's description and billable flag, or None if it is not an ICD-10-CM code."""
    bare = normalize(code)
    with _lock:
        if _entries is not None:  # already in memory for searches
            entry = _by_bare.get(bare)
            return entry.hit if entry else None
        row = icd_index.find(_connection(), bare)
    return _entry(row).hit if row else None


def is_valid(code: str) -> bool:
    return describe(code) is not None


def search(text: str, limit: int = 30) -> list[IcdHit]:
    """Codes starting with ``text`` when it looks like a code, else codes whose
    description contains every word of it (word starts), F and Z codes first."""
    query = text.strip()
    if not query:
        return []
    entries = _load()
    if _CODE_LIKE.match(query):
        prefix = normalize(query)
        found = [e for e in entries if e.bare.startswith(prefix)]
        if found:
            return [e.hit for e in found[:limit]]
    words = [w for w in re.split(r"[^0-9a-z]+", query.lower()) if w]
    if not words:
        return []
    patterns = [re.compile(rf"\b{re.escape(w)}") for w in words]
    matches = [
        e
        for e in entries
        if all(w in e.words for w in words) and all(p.search(e.words) for p in patterns)
    ]
    # F and Z codes first, then descriptions that start with the first word, then the
    # shortest (most general) description; ties keep the code set's own order.
    matches.sort(
        key=lambda e: (
            e.bare[0] not in _PREFERRED_CHAPTERS,
            not e.words.startswith(words[0]),
            len(e.words),
        )
    )
    return [e.hit for e in matches[:limit]]
