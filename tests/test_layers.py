"""The layer rules are executable: import-linter's contracts (pyproject.toml) must hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# import-linter cannot forbid part of an external package, so these are checked here.
FORBIDDEN_QT_MODULES = ("PySide6.QtNetwork", "PySide6.QtWebEngine", "PySide6.QtWebSockets")


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "0 broken" in report, report


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_qt_networking_anywhere() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ("desktop", "db")
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN_QT_MODULES)
    ]
    assert offenders == []


def test_the_scan_sees_a_qt_networking_import(tmp_path: Path) -> None:
    """Guard: the scan above is not blind to either import form."""
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6 import QtNetwork\nimport PySide6.QtWebEngineCore\n")
    found = imported_modules(sample)
    assert "PySide6.QtNetwork" in found
    assert "PySide6.QtWebEngineCore" in found
