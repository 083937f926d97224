"""No network: a whole flow runs with sockets made to fail, and no module imports networking."""

from __future__ import annotations

import ast
import socket
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.demo.practice import generate_demo
from desktop.reports.tabular import write_csv, write_xlsx
from desktop.services.audit.checks import run_checks
from desktop.services.backups.backup import last_good_backup, make_backup, rotate_backups
from desktop.services.backups.restore import restore_backup, restore_over
from desktop.services.books import report_tables
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = (
    "socket",
    "ssl",
    "http",
    "urllib",
    "ftplib",
    "smtplib",
    "requests",
    "PySide6.QtNetwork",
    "PySide6.QtWebEngine",
)


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to reach the network raises, and is written down."""
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., object]:
        def stand_in(*args: object, **kwargs: object) -> object:
            attempts.append(f"{name}{args!r}")
            raise NetworkAttempt(f"{name} was called")

        return stand_in

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return attempts


def test_a_whole_flow_never_touches_the_network(no_sockets: list[str], tmp_path: Path) -> None:
    path = tmp_path / "practice" / "books.qlb"
    ws = Workspace.create(path, PASSPHRASE)
    end = date.today()
    generate_demo(ws, years=1, clients=6, end=end)  # the practice profile, clients, visits
    start = end - timedelta(days=90)
    tables = [
        ws.read(report_tables.aging_table, end),
        ws.read(report_tables.rollforward_table, start, end),
        ws.read(report_tables.income_table, start, end),
        ws.read(report_tables.balances_table, end),
    ]
    exports = tmp_path / "exports"
    exports.mkdir()
    write_xlsx(tables, exports / "reports.xlsx")
    write_csv(tables[0], exports / "aging.csv")
    assert (exports / "reports.xlsx").stat().st_size > 0

    backups = tmp_path / "backups"
    backups.mkdir()
    backup = make_backup(ws, backups).info.path
    rotate_backups(backups, path.name)
    assert last_good_backup(backups, path.name) is not None
    assert run_checks(ws) == []
    ws.close()
    restore_backup(backup, tmp_path / "restored" / "books.qlb", passphrase=PASSPHRASE)
    restore_over(backup, path, confirmed=True, passphrase=PASSPHRASE)
    with Workspace.open(path, passphrase=PASSPHRASE) as again:
        assert run_checks(again) == []
    assert no_sockets == []


def test_the_guard_sees_a_connection_attempt(no_sockets: list[str]) -> None:
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("example.org", 443))
    with pytest.raises(NetworkAttempt):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert len(no_sockets) == 2


# --- static: nothing imports networking ---------------------------------------------------


def imported(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            names.update(a.value for a in node.args if isinstance(a, ast.Constant))
    return names


def offending(names: set[str]) -> set[str]:
    return {
        name
        for name in names
        for banned in FORBIDDEN
        if name == banned or name.startswith((banned + ".", banned if "Qt" in banned else "\0"))
    }


def test_no_module_imports_networking() -> None:
    sources = [p for package in ("desktop", "db") for p in sorted((ROOT / package).rglob("*.py"))]
    assert len(sources) > 50
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources
        for name in sorted(offending(imported(path)))
    ]
    assert found == []


def test_the_scan_sees_each_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import socket\n"
        "import urllib.request\n"
        "from http import client\n"
        "from PySide6 import QtNetwork\n"
        "import PySide6.QtWebEngineWidgets\n"
        "import importlib\n"
        "importlib.import_module('ssl')\n"
        "import sockets_helper\n"
        "from desktop.services import http_free\n"
    )
    assert offending(imported(sample)) == {
        "socket",
        "urllib.request",
        "http",
        "http.client",
        "PySide6.QtNetwork",
        "PySide6.QtWebEngineWidgets",
        "ssl",
    }
