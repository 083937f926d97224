"""Help → About's facts: the version, the data folder, every bundled library's license."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from desktop import __version__
from desktop.app.about import about_facts, bundled_distributions

ROOT = Path(__file__).resolve().parents[2]


def _runtime_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = []
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0]
        names.append(name.strip().lower().replace("_", "-"))
    return names


def test_version_and_a_private_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fresh" / "QuietLedger"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    facts = about_facts()
    assert facts.version == __version__
    assert facts.data_folder == home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_every_runtime_dependency_has_its_license_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIETLEDGER_HOME", str(tmp_path))
    facts = about_facts()
    listed = {n.component.rsplit(" ", 1)[0].lower().replace("_", "-"): n for n in facts.notices}
    for name in _runtime_requirements():
        assert name in listed, f"{name} is missing from Help -> About"
        assert listed[name].text.strip(), f"{name} has no license text"
    # What only builds and tests the app is not shipped, so it is not listed.
    for tool in ("pytest", "ruff", "pyinstaller", "hypothesis"):
        assert tool not in listed
    # Their own dependencies are (cryptography brings cffi); the app itself is not.
    assert "cffi" in listed
    assert "quietledger" not in {d.metadata["Name"] for d in bundled_distributions()}


@pytest.mark.parametrize(
    ("component", "phrase"),
    [
        ("Qt 6", "GNU LESSER GENERAL PUBLIC LICENSE"),
        ("Qt 6: the GNU GPL v3 its LGPL builds on", "GNU GENERAL PUBLIC LICENSE"),
        ("Python 3", "PYTHON SOFTWARE FOUNDATION LICENSE"),
        ("SQLCipher", "ZETETIC LLC"),
        ("OpenSSL", "Apache License"),
        ("DejaVu fonts", "Bitstream"),
        ("sqlalchemy", "Permission is hereby granted"),
    ],
)
def test_the_components_without_a_license_file_of_their_own(
    component: str, phrase: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIETLEDGER_HOME", str(tmp_path))
    notice = about_facts().notice(component)
    assert notice is not None
    assert phrase in notice.text
