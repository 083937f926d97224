"""The command line loads only what the command run needs.

``--help`` and ``--version`` import no command module and no library beyond the
standard one; the command modules themselves are light, so every command's
``--help`` is too; ``report aging`` opens the file and reads the books without
SQLAlchemy, the renderers, the window, the code set or the migration machinery
(the file is at the newest schema).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop.app import cli
from desktop.app.cli import COMMANDS, build_parser, parse_arguments
from desktop.app.cli_import import KINDS
from desktop.services.books.sessions import SessionInput, record_session
from desktop.services.transfer.format import ImportKind
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit
from tests.conftest import PASSPHRASE

# Libraries that cost start-up time and that a command uses only when it needs them.
HEAVY = (
    "sqlalchemy",
    "sqlcipher3",
    "cryptography",
    "holidays",
    "openpyxl",
    "reportlab",
    "pypdf",
    "PySide6",
    "simple_icd_10_cm",
    "alembic",
)
APP = Path(cli.__file__).parent


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = (
        f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)), file=sys.__stdout__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


RUN_MAIN = (
    "import contextlib, io\n"
    "from desktop.app.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main({argv!r})\n"
    "assert code == 0, code\n"
)


@pytest.mark.parametrize("argv", [["--version"], ["--help"]], ids=["version", "help"])
def test_help_and_version_load_no_command_and_no_library(argv: list[str]) -> None:
    modules = loaded_after(RUN_MAIN.format(argv=argv))
    assert heavy_in(modules) == []
    assert sorted(m for m in modules if m.startswith("desktop.app.cli_")) == [
        "desktop.app.cli_common"
    ]
    assert sorted(m for m in modules if m.startswith(("desktop.services.", "db."))) == [
        "db.errors",
        "desktop.services.errors",
    ]


def test_every_command_module_is_light() -> None:
    """Building every command's options (what each one's --help prints) loads no library."""
    modules = loaded_after(
        "from desktop.app.cli import build_parser\n"
        "parser = build_parser()\n"
        "assert parser.parse_args(['report', 'aging', '--as-of', '2026-01-01']).handler\n"
    )
    assert {f"desktop.app.{p.stem}" for p in APP.glob("cli_*.py")} <= modules  # all built
    assert heavy_in(modules) == []
    assert [m for m in modules if m.startswith("desktop.services.") and "errors" not in m] == []


def test_each_commands_help_prints_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["report", "aging", "--help"])
    assert "--as-of DATE" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    listing = " ".join(capsys.readouterr().out.split())
    for name, command in COMMANDS.items():
        assert f"{name} {' '.join(command.help.split())}" in listing


@pytest.fixture
def at_head(workspace: Workspace) -> Path:
    """A practice file at the newest schema with one client who owes, closed again."""
    unit = workspace.run(add_unit, "A1", "Ana Lopez")
    workspace.run(record_session, SessionInput(unit, date(2026, 3, 2), "90834", minutes=50))
    workspace.close()
    return workspace.path


@pytest.mark.parametrize(("out", "writer"), [("aging.csv", None), ("aging.xlsx", "openpyxl")])
def test_report_aging_reads_the_books_without_the_orm_window_code_set_or_migrations(
    at_head: Path, tmp_path: Path, out: str, writer: str | None
) -> None:
    """The file is unlocked and read on a raw connection: no SQLAlchemy, no mapped models,
    no Alembic; a workbook is the only reason to load openpyxl."""
    path = tmp_path / out
    argv = ["report", "aging", "--as-of", "2026-03-31", "--db", str(at_head), "--out", str(path)]
    modules = loaded_after(
        RUN_MAIN.format(argv=argv),
        env={"QUIETLEDGER_PASSPHRASE": PASSPHRASE, "QUIETLEDGER_HOME": str(tmp_path / "home")},
    )
    if writer is None:
        assert path.read_text("utf-8").splitlines()[1].startswith("A1,")  # it read the books
    else:
        assert path.stat().st_size > 0
    assert "sqlcipher3" in modules
    assert heavy_in(modules) == sorted(
        m for m in modules if m.split(".")[0] in {"sqlcipher3", "cryptography", writer}
    )
    assert not [m for m in modules if m.startswith("db.models")]
    assert "desktop.services.workspace" not in modules


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "aging", "--as-of", "2026-03-31"],
        ["--db", "x.qlb", "report", "claims", "--status", "paid"],
        ["report", "gfe", "--db=x.qlb"],
        ["receipt", "--payment", "7", "--out", "r.pdf", "--db", "y.qlb"],
        ["import", "payments", "in.csv", "--map", "Amount=amount", "--dry-run"],
        ["restore", "b.qlbak", "--over", "x.qlb", "--yes"],
        ["reprint", "SB-2026-0001", "--version", "2", "--out", "s.pdf"],
        ["month-end", "--month", "2026-03", "--out", "m.xlsx"],
        ["check", "--against", "w.xlsx"],
        ["--demo"],
        [],
    ],
)
def test_two_passes_read_a_command_line_as_the_whole_parser_does(argv: list[str]) -> None:
    assert vars(parse_arguments(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["report"],
        ["report", "aging"],
        ["check", "--demo"],
        ["--db"],
        ["--db", "--demo", "check"],
        ["-x"],
    ],
)
def test_two_passes_refuse_what_the_whole_parser_refuses(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as whole:
        build_parser().parse_args(argv)
    expected = capsys.readouterr().err
    with pytest.raises(SystemExit) as two_passes:
        parse_arguments(argv)
    assert (two_passes.value.code, capsys.readouterr().err) == (whole.value.code, expected)


def test_every_command_module_is_listed() -> None:
    registering = {
        f"desktop.app.{p.stem}"
        for p in APP.glob("cli_*.py")
        if re.search(r"^def register\(", p.read_text("utf-8"), re.M)
    }
    listed = {module for command in COMMANDS.values() for module in command.modules}
    assert registering <= listed


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_listing_says_what_the_command_says_of_itself(name: str) -> None:
    """The one-line help is in COMMANDS and in the command's module; they must agree."""
    listing = " ".join(build_parser(commands=[name]).format_help().split())
    assert f"{name} {' '.join(COMMANDS[name].help.split())}" in listing


def test_import_lists_every_kind_of_file() -> None:
    assert list(KINDS) == [kind.value for kind in ImportKind]


def test_check_can_start_on_the_file_before_the_orm_is_loaded(tmp_path: Path) -> None:
    """``check`` unlocks the file and starts SQLite's own checks of it with no ORM loaded:
    the longest part of a check runs while the rest is still being imported."""
    path = tmp_path / "books.qlb"
    Workspace.create(path, PASSPHRASE).close()
    code = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from pathlib import Path\n"
        "from desktop.services.audit.file_checks import start_file_checks\n"
        "from desktop.services.unlocking import unlock\n"
        f"unlocked = unlock(Path({str(path)!r}), passphrase={PASSPHRASE!r})\n"
        "with ThreadPoolExecutor(1) as pool:\n"
        "    assert start_file_checks(pool, unlocked, full=False).result() == []\n"
        "unlocked.release()\n"
    )
    modules = loaded_after(code)
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "PySide6")}
    assert "desktop.services.workspace" not in modules
