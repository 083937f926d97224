"""``quietledger month-end``, ``close-month`` and ``reopen`` as a user runs them."""

from __future__ import annotations

import stat
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from desktop.app.cli import main
from desktop.services.books import payments, periods, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


@pytest.fixture
def books(workspace: Workspace) -> Path:
    """March 2026: 150 owed from February, a 150 session paid 100 in cash, 40 of credit."""
    ws = workspace
    unit = ws.run(add_unit, "A1", "Ana Lopez")
    other = ws.run(add_unit, "B2", "@SUM(1) Grey")
    cash = ws.run(method_id, "Cash")
    for day in (date(2026, 2, 20), date(2026, 3, 5)):
        ws.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))
    ws.run(payments.record_payment, PaymentInput(unit, date(2026, 3, 6), D("100"), cash))
    ws.run(payments.record_payment, PaymentInput(other, date(2026, 3, 9), D("40"), cash))
    path = ws.path
    ws.close()
    return path


def run(books: Path, *args: str) -> int:
    return main([*args, "--db", str(books)])


def test_month_end_writes_the_workbook_and_prints_the_tie_out(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "march.xlsx"
    assert run(books, "month-end", "--month", "2026-03", "--out", str(out)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Opening A/R $150.00 + charges $150.00 - payments applied $100.00 - write-offs $0.00 "
        "+ voids $0.00 = closing A/R $200.00: ties."
    )
    assert lines[1].startswith("Wrote the month-end workbook for March 2026 (8 sheets)")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    workbook = load_workbook(out)
    assert workbook.sheetnames[0] == "Cover"
    values = [c.value for ws in workbook for row in ws.iter_rows() for c in row]
    assert "Ana Lopez" not in values
    assert "AL" in values
    assert "'@G" in values  # initials, neutralised


def test_month_end_with_full_names_warns(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "march.xlsx"
    assert run(books, "month-end", "--month", "2026-03", "--out", str(out), "--full-names") == 0
    assert "names clients in full" in capsys.readouterr().err
    aging = load_workbook(out)["Aging"]
    assert aging["B5"].value == "Ana Lopez"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13", "--out", "x.xlsx"), "not a month"),
        (("--month", "2026-03", "--out", "x.csv"), "XLSX file"),
        (("--month", "2026-03", "--out", "missing/x.xlsx"), "does not exist"),
    ],
)
def test_month_end_usage_errors(
    books: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(books, "month-end", *args) == 2
    assert message in capsys.readouterr().err


def test_close_month_prints_each_check_and_closes(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(books, "close-month", "--month", "2026-03") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == [
        "PASS  month is over and open",
        "PASS  roll-forward ties",
        "PASS  practice file check",
        "PASS  unapplied payments are credit",
    ]
    assert lines[-2] == "Closed the books through 03/31/2026."
    assert lines[-1].startswith("Audit chain head recorded with the close: entry ")
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        assert ws.read(periods.closed_through) == date(2026, 3, 31)

    # Again: it fails, exit 1, and says why.
    assert run(books, "close-month", "--month", "2026-03") == 1
    out = capsys.readouterr().out
    assert "FAIL  month is over and open: The books are already closed through 03/31/2026" in out
    assert "March 2026 was not closed" in out


def test_close_month_refuses_damaged_books(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        ws.run(
            lambda s: s.execute(
                text(
                    "INSERT INTO ledger_splits (txn_id, account, amount_cents, unit_id, "
                    "payment_id) SELECT txn_id, 'client_credit', -500, unit_id, id FROM payments "
                    "WHERE id = (SELECT MIN(id) FROM payments)"
                )
            )
        )
    assert run(books, "close-month", "--month", "2026-03") == 1
    out = capsys.readouterr().out
    assert "FAIL  practice file check" in out
    assert "FAIL  unapplied payments are credit" in out
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        assert ws.read(periods.closed_through) is None


def test_reopen_needs_a_reason(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(books, "close-month", "--month", "2026-03") == 0
    capsys.readouterr()
    assert run(books, "reopen", "--all") == 2
    assert "--reason" in capsys.readouterr().err
    assert run(books, "reopen", "--all", "--reason", " ") == 2
    assert run(books, "reopen", "--to", "2026-02-28", "--reason", "Late cheque") == 0
    assert capsys.readouterr().out.strip() == "The books are now closed through 02/28/2026."
    assert run(books, "reopen", "--all", "--reason", "Audit") == 0
    assert capsys.readouterr().out.strip() == "Every period is open."
    assert run(books, "reopen", "--all", "--reason", "Again") == 1
    assert "No period is closed" in capsys.readouterr().err
