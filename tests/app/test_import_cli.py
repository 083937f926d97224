"""``quietledger import`` and ``quietledger export all`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app.cli import main
from desktop.services.books import queries as books
from desktop.services.practice.settings import Profile, create_practice, get_profile
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.paths import FIXTURES

IMPORT_FIXTURES = FIXTURES / "import"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


@pytest.fixture
def db(workspace: Workspace, practice_path: Path, profile: Profile) -> Path:
    workspace.close()
    return practice_path


def _import(db: Path, kind: str, file: Path, *extra: str) -> int:
    return main(["import", kind, str(file), "--db", str(db), *extra])


def test_a_rejected_file_lists_every_problem_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(db, "clients", IMPORT_FIXTURES / "clients.csv") == 0
    capsys.readouterr()
    bad = IMPORT_FIXTURES / "bad_sessions.csv"
    assert _import(db, "sessions", bad) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"{bad}:2: date: '2026-13-01' is not a date on the calendar; write it as "
        "YYYY-MM-DD or M/D/YYYY, such as 2026-03-31 or 3/31/2026."
    )
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [
        [f"{bad}:2", "date"],
        [f"{bad}:3", "client_ref"],
        [f"{bad}:4", "fee"],
        [f"{bad}:5", "status"],
        [f"{bad}:6", "minutes"],
        [f"{bad}:6", "place_of_service"],
        [f"{bad}:7", "fee"],
        [f"{bad}:7", "service_code"],
    ]
    assert lines[-1] == "quietledger: The file was not imported: 8 problems. Nothing was changed."
    with Workspace.open(db, passphrase=PASSPHRASE) as ws:
        assert ws.read(books.balances) == {}


def test_dry_run_then_import_then_again(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clients = IMPORT_FIXTURES / "clients.csv"
    assert _import(db, "clients", clients, "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"{clients}: 3 rows; would add 3; 0 already imported." in out
    assert "Ignored columns: Referral source." in out
    assert _import(db, "clients", clients) == 0
    assert f"{clients}: 3 rows; added 3; 0 already imported." in capsys.readouterr().out
    assert _import(db, "clients", clients) == 0
    assert "added 0; 3 already imported." in capsys.readouterr().out
    report = IMPORT_FIXTURES / "simplepractice_appointment_status.csv"
    assert _import(db, "simplepractice", report, "--dry-run") == 0
    assert "would add 8" in capsys.readouterr().out


def test_a_report_without_status_needs_assume_attended(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = IMPORT_FIXTURES / "simplepractice_no_status.csv"
    assert _import(db, "simplepractice", report) == 1
    assert f"{report}:1: Status: The report has no Status column" in capsys.readouterr().err
    assert _import(db, "simplepractice", report, "--assume-attended") == 0
    out = capsys.readouterr().out
    assert f"{report}: 5 rows; added 5; 0 already imported." in out
    assert "each payment is dated on its appointment's date of service" in out


def test_a_dry_run_with_problems_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(db, "sessions", IMPORT_FIXTURES / "sessions.csv", "--dry-run") == 1
    err = capsys.readouterr().err
    assert "sessions.csv:2: client_ref: There is no client 'C-0101'" in err


def test_map_option(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Client ID,Surname\r\nZ-1,Zephyr\r\n")
    assert _import(db, "clients", path, "--map", "Client ID=client_ref") == 1
    assert "1: last_name: The file has no last_name column" in capsys.readouterr().err
    assert (
        _import(db, "clients", path, "--map", "Client ID=client_ref", "--map", "surname=last_name")
        == 0
    )
    assert _import(db, "clients", path, "--map", "nonsense") == 2


def test_a_missing_file_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    assert _import(db, "clients", tmp_path / "nope.csv") == 2


def test_export_all(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(db, "clients", IMPORT_FIXTURES / "clients.csv") == 0
    out = tmp_path / "everything"
    assert main(["export", "all", "--out", str(out), "--db", str(db)]) == 0
    assert f"to {out}." in capsys.readouterr().out
    assert (out / "clients.csv").read_text(encoding="utf-8-sig").count("\n") == 4
    assert main(["export", "all", "--out", str(out), "--db", str(db)]) == 2
    assert "not an empty folder" in capsys.readouterr().err


def test_import_all_brings_an_export_folder_into_a_new_practice(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("clients", "sessions", "payments"):
        assert _import(db, kind, IMPORT_FIXTURES / f"{kind}.csv") == 0
    out = tmp_path / "export"
    assert main(["export", "all", "--out", str(out), "--db", str(db)]) == 0
    laptop = tmp_path / "laptop" / "books.qlb"
    with Workspace.create(laptop, PASSPHRASE) as ws:
        ws.run(create_practice, Profile(practice_name="Placeholder"))
    capsys.readouterr()
    assert main(["import", "all", str(out), "--dry-run", "--db", str(laptop)]) == 0
    said = capsys.readouterr().out
    assert "clients.csv: 3 rows; would add 3; 0 already imported." in said
    with Workspace.open(laptop, passphrase=PASSPHRASE) as ws:
        assert ws.read(books.balances) == {}
    assert main(["import", "all", str(out), "--db", str(laptop)]) == 0
    with (
        Workspace.open(db, passphrase=PASSPHRASE) as old,
        Workspace.open(laptop, passphrase=PASSPHRASE) as new,
    ):
        assert new.read(books.balances) == old.read(books.balances)
        assert new.read(get_profile) == old.read(get_profile)
    (out / "payments.csv").write_text("client_ref,date,amount,method\nNOBODY,2025-01-01,5,Cash\n")
    assert main(["import", "all", str(out), "--db", str(laptop)]) == 1
    assert capsys.readouterr().err.splitlines()[0].startswith(f"{out / 'payments.csv'}:2: ")


def test_report_incomplete_after_a_simplepractice_import(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = IMPORT_FIXTURES / "simplepractice_appointment_status.csv"
    assert _import(db, "simplepractice", report) == 0
    capsys.readouterr()
    assert main(["report", "incomplete", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "client_ref,client,billing,missing",
        "SP-OKONKWO-JUNIPER,Juniper Okonkwo,superbill,date of birth; address; member ID; diagnosis",
        "SP-MARLOW-TENNANT,Marlow Tennant,private,date of birth; address",
    ]
