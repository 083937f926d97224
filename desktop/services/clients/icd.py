"""ICD-10-CM look-up: search by code prefix or by words, and describe one code.

The code set comes from the ``simple-icd-10-cm`` package, which parses the whole
classification when imported (about two seconds). The package carries one
ICD-10-CM release only (1.5.0: the April 1, 2026 tabular list), not the
history of releases, so billability "on a date of service" is judged against
that release for every date; ``release()`` names it, and the checks say which
release they used. It is therefore imported on
first use, never when this module is, and the index is built once behind a lock
so that a background search and a foreground check can share it.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from datetime import date

# Mental-health (F) and factors-influencing-health (Z) codes are what a therapy
# practice uses nearly always; word searches list them first.
_PREFERRED_CHAPTERS = ("F", "Z")
_CODE_LIKE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?$")


@dataclass(frozen=True)
class IcdHit:
    code: str  # with the dot, as printed: F43.23
    description: str
    billable: bool  # a leaf of the code tree: specific enough to put on a superbill


@dataclass(frozen=True)
class _Entry:
    hit: IcdHit
    bare: str  # code without the dot, upper case
    words: str  # lower-case description


_lock = threading.Lock()
_entries: list[_Entry] | None = None
_by_bare: dict[str, _Entry] = {}


def _load() -> list[_Entry]:
    global _entries
    with _lock:
        if _entries is None:
            with warnings.catch_warnings():
                # The package reads its data through a deprecated importlib API.
                warnings.simplefilter("ignore", DeprecationWarning)
                import simple_icd_10_cm as sic  # slow: parses the whole code set

            entries = []
            for code in sic.get_all_codes(with_dots=True):
                # Chapters ("5") and blocks ("F40-F48") are headings, not codes.
                if not sic.is_category_or_subcategory(code):
                    continue
                hit = IcdHit(code, sic.get_description(code), sic.is_leaf(code))
                entry = _Entry(hit, code.replace(".", "").upper(), hit.description.lower())
                entries.append(entry)
                _by_bare[entry.bare] = entry
            _entries = entries
        return _entries


_RELEASE_FILE = re.compile(r"icd10c?-tabular-([A-Za-z]+)-([0-9]{1,2})-([0-9]{4})\.xml")


def release() -> str:
    """The ICD-10-CM release the package carries, as "April 1, 2026" (read from its data)."""
    from importlib.resources import files

    for entry in files("simple_icd_10_cm.data").iterdir():
        if match := _RELEASE_FILE.fullmatch(entry.name):
            return f"{match[1]} {int(match[2])}, {match[3]}"
    return "the release shipped with simple-icd-10-cm"


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
    _load()
    entry = _by_bare.get(normalize(code))
    return entry.hit if entry else None


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
        hits = [e.hit for e in entries if e.bare.startswith(prefix)]
        if hits:
            return hits[:limit]
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
