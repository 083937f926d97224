"""A small SQLite index of the ICD-10-CM code set, derived from simple-icd-10-cm.

Importing ``simple_icd_10_cm`` parses the whole classification from XML (about
three seconds and some 200 MB), so it is done once per version of the package:
the codes, their descriptions and billable flags are written to ``icd10cm-<version>.sqlite``
in the cache folder, and every later look-up reads that file instead. The
package stays the source of truth: a new version of it has a new file name,
and a file that is missing, from another version or unreadable is rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import warnings
from importlib.metadata import version
from pathlib import Path

import platformdirs

from db.files import ensure_private_dir, write_private_atomically

PACKAGE = "simple-icd-10-cm"
# The same override as the app's data folder (desktop.app.paths), which services
# cannot import: with it set, the cache lives inside that folder.
_HOME_ENV = "QUIETLEDGER_HOME"
_FORMAT = "1"  # bump when the table's layout changes
_RELEASE_FILE = re.compile(r"icd10c?-tabular-([A-Za-z]+)-([0-9]{1,2})-([0-9]{4})\.xml")

Row = tuple[str, str, bool, str]  # bare code, dotted code, billable, description


def cache_dir() -> Path:
    override = os.environ.get(_HOME_ENV, "").strip()
    if override:
        folder = Path(override).expanduser() / "cache"
    else:
        folder = platformdirs.user_cache_path("QuietLedger", appauthor=False)
    return ensure_private_dir(folder.absolute())


def package_version() -> str:
    return version(PACKAGE)


def index_path(folder: Path | None = None) -> Path:
    folder = ensure_private_dir(folder) if folder else cache_dir()
    return folder / f"icd10cm-{package_version()}.sqlite"


def open_index(folder: Path | None = None) -> sqlite3.Connection:
    """A read-only connection to a current index, building it first if needed.

    Where the cache folder cannot be written, the index built is kept in memory
    for this process, so look-ups still work (each start then parses again).
    """
    try:
        path: Path | None = index_path(folder)
    except OSError:
        path = None
    connection = _open_if_current(path) if path else None
    if connection is not None:
        return connection
    image = _image()
    if path is not None:
        with contextlib.suppress(OSError):
            _store(path, image)
            connection = _open_if_current(path)
    if connection is None:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.deserialize(image)
    return connection


def _open_if_current(path: Path) -> sqlite3.Connection | None:
    if not path.is_file():
        return None
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        complete = meta.get("rows") == str(
            connection.execute("SELECT count(*) FROM codes").fetchone()[0]
        )
        current = meta.get("version") == package_version() and meta.get("format") == _FORMAT
    except sqlite3.DatabaseError:  # damaged or not an index at all: rebuild it
        connection.close()
        return None
    if complete and current:
        return connection
    connection.close()
    return None


def build(path: Path) -> None:
    """Parse the code set with the package and write the index atomically to ``path``."""
    _store(path, _image())


def _image() -> bytes:
    """The index as the bytes of an SQLite file, from a parse of the package."""
    rows, release = _from_package()
    connection = sqlite3.connect(":memory:")
    try:
        with connection:
            connection.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "CREATE TABLE codes (bare TEXT PRIMARY KEY, ord INTEGER NOT NULL,"
                " code TEXT NOT NULL, billable INTEGER NOT NULL, description TEXT NOT NULL)"
                " WITHOUT ROWID;"
            )
            connection.executemany(
                "INSERT INTO codes VALUES (?, ?, ?, ?, ?)",
                (
                    (bare, n, code, int(leaf), text)
                    for n, (bare, code, leaf, text) in enumerate(rows)
                ),
            )
            meta = {"version": package_version(), "format": _FORMAT, "release": release}
            meta["rows"] = str(len(rows))
            connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.execute("VACUUM")
        image = connection.serialize()
    finally:
        connection.close()
    return image


def _store(path: Path, image: bytes) -> None:
    # Complete or absent: a reader never sees half an index.
    write_private_atomically(path, image)
    for old in path.parent.glob("icd10cm-*.sqlite"):
        if old != path:  # indexes of other versions of the package
            with contextlib.suppress(OSError):
                old.unlink()


def _from_package() -> tuple[list[Row], str]:
    with warnings.catch_warnings():
        # The package reads its data through a deprecated importlib API.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as sic  # slow: parses the whole code set

    rows: dict[str, Row] = {}
    for code in sic.get_all_codes(with_dots=True):
        # Chapters ("5") and blocks ("F40-F48") are headings, not codes; a few
        # categories (B10, C50 ...) are listed twice, alike, and are kept once.
        bare = code.replace(".", "").upper()
        if bare not in rows and sic.is_category_or_subcategory(code):
            rows[bare] = (bare, code, sic.is_leaf(code), sic.get_description(code))
    return list(rows.values()), _release_of_package()


def _release_of_package() -> str:
    """The release the package carries, as "April 1, 2026" (read from its data files)."""
    from importlib.resources import files

    for entry in files("simple_icd_10_cm.data").iterdir():
        if match := _RELEASE_FILE.fullmatch(entry.name):
            return f"{match[1]} {int(match[2])}, {match[3]}"
    return "the release shipped with simple-icd-10-cm"


def rows_in_code_set_order(connection: sqlite3.Connection) -> list[tuple[str, str, int, str]]:
    """Every row as (bare, code, billable 0/1, description), for callers that read them all."""
    return connection.execute(
        "SELECT bare, code, billable, description FROM codes ORDER BY ord"
    ).fetchall()


def find(connection: sqlite3.Connection, bare: str) -> Row | None:
    row = connection.execute(
        "SELECT bare, code, billable, description FROM codes WHERE bare = ?", (bare,)
    ).fetchone()
    return (row[0], row[1], bool(row[2]), row[3]) if row else None


def release_of(connection: sqlite3.Connection) -> str:
    return connection.execute("SELECT value FROM meta WHERE key = 'release'").fetchone()[0]
