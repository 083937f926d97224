"""``quietledger gfe`` and ``quietledger report gfe``: the file, the refusal, the report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Document, Estimate
from desktop.app.cli import main
from desktop.reports.tabular import heading
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.estimates.test_estimate_service import REPORT_COLUMNS, client_on_90834


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


@pytest.fixture
def practice(workspace: Workspace) -> Path:
    """A1 is ready for an estimate; N1 has no date of birth."""
    workspace.run(client_on_90834, "A1", "Ana Lopez")
    workspace.run(client_on_90834, "N1", "Noor Haddad")

    def no_birthday(s: Session) -> None:
        s.execute(select(Client).where(Client.client_ref == "N1")).scalar_one().date_of_birth = None

    workspace.run(no_birthday)
    path = workspace.path
    workspace.close()
    return path


def run(practice: Path, *args: str) -> int:
    return main([*args, "--db", str(practice)])


def estimates(practice: Path) -> list[tuple[str, int, int]]:
    with Workspace.open(practice, passphrase=PASSPHRASE) as ws, ws.practice_file.reading() as s:
        rows = s.execute(
            select(Document.number, Document.version, Estimate.sessions).join(
                Estimate, Estimate.document_id == Document.id
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def gfe(practice: Path, ref: str, out: Path, *more: str) -> int:
    return run(
        practice,
        "gfe",
        "--client",
        ref,
        "--scheduled-on",
        "2026-02-02",
        "--first-session",
        "2026-02-23",
        *more,
        "--out",
        str(out),
    )


def test_gfe_with_the_defaults_writes_the_issued_pdf(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gfe.pdf"
    assert gfe(practice, "A1", out) == 0
    said = capsys.readouterr().out
    for expected in ("GFE-", "24 sessions", "3,360.00"):
        assert expected in said
    words = pdf_text(out)
    for expected in ("Ana Lopez", "1234567893", "3,360.00"):
        assert expected in words
    assert [(n[:4], v, sessions) for n, v, sessions in estimates(practice)] == [("GFE-", 1, 24)]


def test_gfe_with_expected_services_and_an_end(practice: Path, tmp_path: Path) -> None:
    out = tmp_path / "gfe.pdf"
    args = ("--expect", "90791=1", "--expect", "90834=10", "--through", "2026-05-31")
    assert gfe(practice, "A1", out, *args) == 0
    assert [s for _, _, s in estimates(practice)] == [11]
    assert "2026" in pdf_text(out)


def test_a_refused_gfe_writes_no_file_and_says_why(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "refused.pdf"
    assert gfe(practice, "N1", out, "--through", "2028-01-01") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert any("Noor Haddad's date of birth" in line for line in err)
    assert any("at most 12 months" in line for line in err)
    assert not out.exists()
    assert estimates(practice) == []


def test_a_malformed_expect_is_a_usage_error(practice: Path, tmp_path: Path) -> None:
    assert gfe(practice, "A1", tmp_path / "x.pdf", "--expect", "90834") == 2
    assert not (tmp_path / "x.pdf").exists()


def test_report_gfe_as_csv_and_xlsx(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gfe(practice, "A1", tmp_path / "gfe.pdf") == 0
    capsys.readouterr()
    assert run(practice, "report", "gfe") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == REPORT_COLUMNS
    assert len(rows) == 2
    assert (rows[1][0], rows[1][7], rows[1][10]) == ("A1", "3360.00", "no")
    book = tmp_path / "gfe.xlsx"
    assert run(practice, "report", "gfe", "--format", "xlsx", "--out", str(book)) == 0
    sheet = load_workbook(book).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    headings = [heading(c) for c in REPORT_COLUMNS]
    assert any(row[: len(REPORT_COLUMNS)] == headings for row in values)
