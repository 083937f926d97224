"""The ICD-10-CM index: it agrees with simple-icd-10-cm and heals itself."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import warnings
from contextlib import closing
from pathlib import Path

import pytest

from desktop.services.clients import icd_index


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose cache holds a freshly built index."""
    home = tmp_path_factory.mktemp("home")
    icd_index.open_index(home / "cache").close()
    return home


def _library():  # the package has no type hints
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as sic
    return sic


def _meta(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        return dict(connection.execute("SELECT key, value FROM meta"))


@pytest.mark.parametrize(
    "code",
    ["F43.23", "F43.2", "F43", "F41.1", "Z63.0", "A00.0", "B10", "C50.911", "T36.0X1A", "S72"],
)
def test_index_agrees_with_the_package(home: Path, code: str) -> None:
    sic = _library()
    with closing(icd_index.open_index(home / "cache")) as connection:
        row = icd_index.find(connection, code.replace(".", ""))
    assert row == (code.replace(".", ""), code, sic.is_leaf(code), sic.get_description(code))


def test_index_holds_every_category_of_the_package_once(home: Path) -> None:
    sic = _library()
    wanted = {
        c.replace(".", ""): (c, sic.is_leaf(c), sic.get_description(c))
        for c in sic.get_all_codes(with_dots=True)
        if sic.is_category_or_subcategory(c)
    }
    with closing(icd_index.open_index(home / "cache")) as connection:
        rows = list(icd_index.rows_in_code_set_order(connection))
    assert {bare: (code, leaf == 1, text) for bare, code, leaf, text in rows} == wanted
    assert len(rows) == len(wanted)
    assert {leaf for _, _, leaf, _ in rows} == {0, 1}


def test_a_stale_index_is_rebuilt(tmp_path: Path) -> None:
    path = icd_index.index_path(tmp_path)
    icd_index.build(path)
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE meta SET value = '0.0.1' WHERE key = 'version'")
    (tmp_path / "icd10cm-0.0.1.sqlite").write_bytes(b"an index of another version")
    icd_index.open_index(tmp_path).close()
    assert _meta(path)["version"] == icd_index.package_version()
    assert not (tmp_path / "icd10cm-0.0.1.sqlite").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, damage: str) -> None:
    path = icd_index.index_path(tmp_path)
    icd_index.build(path)
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: 1 << 16])
    else:
        path.write_bytes(b"")
    with closing(icd_index.open_index(tmp_path)) as connection:
        assert icd_index.find(connection, "F4323") is not None
    assert int(_meta(path)["rows"]) > 90_000


def test_an_unwritable_cache_folder_keeps_the_index_in_memory(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    with closing(icd_index.open_index(not_a_folder)) as connection:
        row = icd_index.find(connection, "F4323")
        assert row is not None
        assert row[2]
        assert icd_index.release_of(connection)
    assert not_a_folder.read_text() == "a file where the cache folder should be"


def test_look_ups_from_the_index_do_not_import_the_package(home: Path) -> None:
    code = (
        "import sys, datetime\n"
        "from desktop.services.clients import icd\n"
        "assert icd.describe('F43.23').billable\n"
        "assert icd.billability('F43.2', datetime.date(2026, 5, 1)).known\n"
        "assert 'simple_icd_10_cm' not in sys.modules, 'describe imported the package'\n"
        "assert icd.search('anxiety')[0].code == 'F41.9'\n"
        "assert icd.search('F43.2')[0].code == 'F43.2'\n"
        "assert icd.release()\n"
        "assert 'simple_icd_10_cm' not in sys.modules, 'search imported the package'\n"
    )
    env = {**os.environ, "QUIETLEDGER_HOME": str(home)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
