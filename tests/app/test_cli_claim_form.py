"""``quietledger cms1500``: the form issued and saved, or refused with the reasons and no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from desktop.services.workspace import Workspace
from tests.app.test_cli_documents import FIRST, LAST, client, isolated_home, practice, run, stored
from tests.conftest import PASSPHRASE
from tests.reports.claim_form_reading import captions, placed_text

__all__ = ["isolated_home", "practice"]  # fixtures shared with the superbill commands

PERIOD = ["--from", f"{FIRST}", "--to", f"{LAST}"]


def sexed(practice: Path, ref: str) -> None:
    def record(session: Session) -> None:
        client(session, ref).sex = "F"

    with Workspace.open(practice, passphrase=PASSPHRASE) as ws:
        ws.run(record)


@pytest.mark.parametrize("data_only", [False, True])
def test_the_form_is_issued_and_saved(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], data_only: bool
) -> None:
    sexed(practice, "K1")
    out = tmp_path / "k1.pdf"
    flags = ["--data-only"] if data_only else []
    assert run(practice, "cms1500", "--client", "K1", *PERIOD, "--out", str(out), *flags) == 0
    assert "Issued claim form CF-" in capsys.readouterr().out
    pdf = out.read_bytes()
    assert placed_text(pdf)[(10, 1)] == "DOYLE, KATHERINE"
    assert placed_text(pdf)[(10, 47)] == "X"
    assert ("PATIENT'S NAME" in captions(pdf)) is not data_only
    assert [kind for kind, _, _ in stored(practice)] == ["claim_form"]


def test_a_checker_error_exits_1_with_no_file(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sexed(practice, "N1")  # N1 has no date of birth
    out = tmp_path / "n1.pdf"
    argv = ["cms1500", "--client", "N1", *PERIOD, "--out", str(out), "--acknowledge-warnings"]
    assert run(practice, *argv) == 1
    assert capsys.readouterr().err.splitlines() == ["Error: Enter the client's date of birth."]
    assert not out.exists()
    assert stored(practice) == []


def test_warnings_refuse_without_the_flag(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "k1.pdf"
    assert run(practice, "cms1500", "--client", "K1", *PERIOD, "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert "sex is not recorded" in err
    assert "Acknowledge the warnings" in err
    assert not out.exists()
