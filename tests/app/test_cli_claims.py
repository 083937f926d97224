"""``quietledger report claims`` and ``report payers``: exact CSV, a status filter, XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from desktop.app.cli import main
from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.services.claims import tracking as claims
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.claims.test_claims import move, payer, superbill

S = ClaimStatus


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


@pytest.fixture
def books(workspace: Workspace) -> Path:
    """Aetna: one claim paid 140 of 200 in 20 days; Cigna: one denied (no authorization)."""

    def setup(session: Session) -> None:
        aetna, cigna = payer(session, "Aetna"), payer(session, "Cigna")
        paid = superbill(session, "A1", aetna, [date(2026, 2, 2)], issued_on=date(2026, 2, 28))
        denied = superbill(session, "B2", cigna, [date(2026, 2, 3)], fee="150.00")
        paid_id = claims.start_claims(session, paid, today=date(2026, 3, 1))[0].id
        denied_id = claims.start_claims(session, denied, today=date(2026, 3, 1))[0].id
        move(session, paid_id, S.SUBMITTED, date(2026, 3, 1), claim_number="AE-1")
        move(
            session,
            paid_id,
            S.PAID,
            date(2026, 3, 21),
            allowed=D("160.00"),
            reimbursed=D("140.00"),
        )
        move(session, denied_id, S.SUBMITTED, date(2026, 3, 2))
        move(
            session,
            denied_id,
            S.DENIED,
            date(2026, 3, 12),
            denial_reason=DenialReason.NO_AUTHORIZATION,
        )

    workspace.run(setup)
    path = workspace.path
    workspace.close()
    return path


def run(books: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[list[str]]:
    assert main(["report", *args, "--db", str(books)]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_claims_csv(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(books, capsys, "claims")
    header, *body, total = rows
    assert header[:13] == [
        "superbill",
        "line",
        "client_ref",
        "client",
        "payer",
        "first_service",
        "last_service",
        "billed",
        "status",
        "submitted_on",
        "claim_number",
        "allowed",
        "reimbursed",
    ]
    assert [r[:13] for r in body] == [
        ["SB-2026-0002", "", "B2", "Client B2", "Cigna", "2026-02-03", "2026-02-03", "150.00",
         "denied", "2026-03-02", "", "", ""],
        ["SB-2026-0001", "", "A1", "Client A1", "Aetna", "2026-02-02", "2026-02-02", "200.00",
         "paid", "2026-03-01", "AE-1", "160.00", "140.00"],
    ]  # fmt: skip
    denied = dict(zip(header, body[0], strict=True))
    assert (denied["denial_reason"], denied["appeal_deadline"]) == (
        "no_authorization",
        "2026-09-08",
    )
    assert (denied["appeal_step"], denied["next_step"]) == ("claim", "first_appeal")
    assert (denied["filing_deadline"], denied["filing_days_left"]) == ("2027-02-03", "")
    assert total[0] == "TOTAL"
    assert (total[7], total[11], total[12]) == ("350.00", "160.00", "140.00")


def test_claims_of_one_status(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(books, capsys, "claims", "--status", "paid")
    assert [r[0] for r in rows[1:-1]] == ["SB-2026-0001"]
    assert main(["report", "claims", "--status", "lost", "--db", str(books)]) == 2


def test_claims_at_one_step_of_the_appeal_chain(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        denied = next(c.id for c in ws.read(claims.list_claims) if c.status is S.DENIED)
        why = {"denial_reason": DenialReason.NO_AUTHORIZATION}
        ws.run(move, denied, S.APPEALED, date(2026, 3, 20))
        ws.run(move, denied, S.DENIED, date(2026, 4, 1), **why)
        ws.run(move, denied, S.APPEALED, date(2026, 4, 10))
    header, *body, _total = run(books, capsys, "claims", "--step", "external_review")
    row = dict(zip(header, body[0], strict=True))
    assert len(body) == 1
    assert (row["superbill"], row["status"], row["appeal_step"]) == (
        "SB-2026-0002",
        "appealed",
        "external_review",
    )
    # The first-level denial opened external review: four months, not another 180 days.
    assert row["appeal_deadline"] == "2026-08-01"
    assert run(books, capsys, "claims", "--step", "first_appeal")[1:-1] == []
    assert main(["report", "claims", "--step", "third_appeal", "--db", str(books)]) == 2


def test_payers_csv_and_xlsx(
    books: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = run(books, capsys, "payers")
    assert rows == [
        [
            "payer",
            "claims",
            "open",
            "decided",
            "billed_decided",
            "reimbursed",
            "share_reimbursed",
            "median_days_to_pay",
            "usual_days_to_pay",
            "denial_rate",
            "denial_reasons",
        ],
        ["Aetna", "1", "1", "1", "200.00", "140.00", "0.7000", "20", "30", "0.0000", ""],
        ["Cigna", "1", "1", "1", "150.00", "0.00", "0.0000", "", "30", "1.0000",
         "No authorization (1)"],
        ["TOTAL", "2", "2", "2", "350.00", "140.00", "", "", "", "", ""],
    ]  # fmt: skip
    out = tmp_path / "payers.xlsx"
    assert main(["report", "payers", "--out", str(out), "--db", str(books)]) == 0
    sheet = load_workbook(out)["Payers"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[:2] == ["Aetna", 1] for row in values)
