"""``quietledger report``: exact CSV on a small practice, XLSX files, usage errors."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.app.cli import main
from desktop.domain.kinds import AdjustmentReason
from desktop.services.books import payments, refunds, report_tables, sessions, write_offs
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import NotFound
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit, method_id
from tests.conftest import PASSPHRASE

HYPERLINK = '=HYPERLINK("http://evil.example","Pay")'


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


def visit(ws: Workspace, unit: int, day: date) -> None:
    ws.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))


@pytest.fixture
def books(workspace: Workspace) -> Path:
    """A small practice, worked by hand below; client names that try to be formulas.

    As of 2026-03-10:
      A1 Ana Lopez   Jan 5 and Feb 20 at 150; 100 cash Mar 1 pays Jan 5 down to 50
      B2 HYPERLINK   Feb 2 and Mar 2 at 150; 100 by card Mar 5 (fee 3.20) pays Feb 2 to 50
      C3 @SUM(A1)    Dec 1 2025 at 150; 30 written off Mar 3
      D4 +1 -2       Mar 9 at 150
      E5 Eve Tran    300 cash Mar 2 with nothing owed; 100 refunded Mar 8
    """
    ws = workspace
    a1 = ws.run(add_unit, "A1", "Ana Lopez")
    b2 = ws.run(add_unit, "B2", f"{HYPERLINK} Doe")
    c3 = ws.run(add_unit, "C3", "@SUM(A1) Grey")
    d4 = ws.run(add_unit, "D4", "+1 -2")
    e5 = ws.run(add_unit, "E5", "Eve Tran")
    cash, card = ws.run(method_id, "Cash"), ws.run(method_id, "Card")
    visit(ws, a1, date(2026, 1, 5))
    visit(ws, a1, date(2026, 2, 20))
    ws.run(payments.record_payment, PaymentInput(a1, date(2026, 3, 1), D("100.00"), cash))
    visit(ws, b2, date(2026, 2, 2))
    visit(ws, b2, date(2026, 3, 2))
    ws.run(payments.record_payment, PaymentInput(b2, date(2026, 3, 5), D("100.00"), card))
    visit(ws, c3, date(2025, 12, 1))
    charge = ws.read(payments.open_charges, c3)[0].id
    ws.run(write_offs.write_off, charge, D("30.00"), AdjustmentReason.COURTESY, on=date(2026, 3, 3))
    visit(ws, d4, date(2026, 3, 9))
    ws.run(payments.record_payment, PaymentInput(e5, date(2026, 3, 2), D("300.00"), cash))
    ws.run(refunds.record_refund, e5, D("100.00"), date(2026, 3, 8))
    path = ws.path
    ws.close()
    return path


def report(books: Path, *args: str) -> int:
    return main(["report", *args, "--db", str(books)])


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- exact CSV ------------------------------------------------------------------------


def test_aging_csv(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "aging", "--as-of", "2026-03-10") == 0
    out = capsys.readouterr().out
    assert out.replace("\r\n", "\n") == (
        "client_ref,client,current,1-30,31-60,61-90,91+,total\n"
        "D4,'+1 -2,0.00,150.00,0.00,0.00,0.00,150.00\n"
        'B2,"\'=HYPERLINK(""http://evil.example"",""Pay"") Doe",'
        "0.00,150.00,50.00,0.00,0.00,200.00\n"
        "C3,'@SUM(A1) Grey,0.00,0.00,0.00,0.00,120.00,120.00\n"
        "A1,Ana Lopez,0.00,150.00,0.00,50.00,0.00,200.00\n"
        "UNAPPLIED CREDIT,,,,,,,-200.00\n"
        "TOTAL,,0.00,450.00,50.00,50.00,120.00,470.00\n"
    )


def test_aging_csv_current_is_what_is_due_on_the_day(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # D4's Mar 9 session is due Mar 9 (terms of 0 days): Current as of that day.
    assert report(books, "aging", "--as-of", "2026-03-09") == 0
    rows = rows_of(capsys.readouterr().out)
    assert rows[1] == ["D4", "'+1 -2", "150.00", "0.00", "0.00", "0.00", "0.00", "150.00"]


def test_aging_total_row_is_the_sum_of_the_rows(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(books, "aging", "--as-of", "2026-04-30") == 0
    header, *rows, credit, total = rows_of(capsys.readouterr().out)
    assert total[0] == "TOTAL"
    assert credit == ["UNAPPLIED CREDIT", "", "", "", "", "", "", "-200.00"]
    for column in range(2, 7):
        assert sum(D(row[column]) for row in rows) == D(total[column]), header[column]
    assert all(sum(D(v) for v in row[2:7]) == D(row[7]) for row in rows)
    # The total is net A/R: what the clients owe less the credit they hold.
    assert sum(D(row[7]) for row in rows) + D(credit[7]) == D(total[7])
    assert D(total[7]) == sum((D(v) for v in total[2:7]), D(0)) - D("200.00")


def test_rollforward_csv_ties(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "rollforward", "--from", "2026-03-01", "--to", "2026-03-31") == 0
    assert rows_of(capsys.readouterr().out) == [
        ["line", "amount"],
        ["Opening A/R", "600.00"],
        ["Charges", "300.00"],
        ["Payments applied", "-200.00"],
        ["Write-offs and discounts", "-30.00"],
        ["Voids", "0.00"],
        ["Closing A/R", "670.00"],
        ["Opening client credit", "0.00"],
        ["Payments received", "500.00"],
        ["Credit applied to charges", "-200.00"],
        ["Credit refunded", "-100.00"],
        ["Voids of payments and refunds", "0.00"],
        ["Closing client credit", "200.00"],
        ["A/R difference (0.00 when it ties)", "0.00"],
        ["Client credit difference (0.00 when it ties)", "0.00"],
    ]


def test_income_csv(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "income", "--from", "2026-03-01", "--to", "2026-03-31") == 0
    assert rows_of(capsys.readouterr().out) == [
        ["date", "method", "payments", "gross", "fee", "net", "refunds"],
        ["2026-03-01", "Cash", "1", "100.00", "0.00", "100.00", "0.00"],
        ["2026-03-02", "Cash", "1", "300.00", "0.00", "300.00", "0.00"],
        ["2026-03-05", "Card", "1", "100.00", "3.20", "96.80", "0.00"],
        ["2026-03-08", "Cash", "0", "0.00", "0.00", "0.00", "100.00"],
        ["TOTAL", "", "3", "500.00", "3.20", "496.80", "100.00"],
    ]


def test_ledger_csv(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "ledger", "--client", "A1") == 0
    assert rows_of(capsys.readouterr().out) == [
        ["date", "description", "charges", "credits", "balance"],
        ["2026-01-05", "90834 Therapy session, 45 minutes", "150.00", "0.00", "150.00"],
        ["2026-02-20", "90834 Therapy session, 45 minutes", "150.00", "0.00", "300.00"],
        ["2026-03-01", "Payment, Cash", "0.00", "100.00", "200.00"],
        ["TOTAL", "", "300.00", "100.00", "200.00"],
    ]


def test_ledger_as_of_leaves_out_later_lines(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(books, "ledger", "--client", "A1", "--as-of", "2026-02-28") == 0
    *_, total = rows_of(capsys.readouterr().out)
    assert total == ["TOTAL", "", "300.00", "0.00", "300.00"]


def test_unknown_client_is_a_clear_failure(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "ledger", "--client", "ZZ9") == 1
    assert capsys.readouterr().err == (
        "quietledger: There is no client with reference 'ZZ9' in this practice file; "
        "check the reference on the client's page.\n"
    )


def test_unknown_client_raises_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFound, match="'nobody'"):
        workspace.read(report_tables.ledger_table, "nobody")


# --- files ----------------------------------------------------------------------------


def test_xlsx_from_the_out_extension(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports" / "aging.XLSX"
    out.parent.mkdir()
    assert report(books, "aging", "--as-of", "2026-03-10", "--out", str(out)) == 0
    assert capsys.readouterr().out == f"Wrote the aging report (5 rows) to {out}.\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert os.listdir(out.parent) == ["aging.XLSX"]
    ws = load_workbook(out).active
    assert ws.title == "Aging"
    header = ["Client ref.", "Client", "Current", "1-30", "31-60", "61-90", "91+", "Total"]
    assert [c.value for c in ws[4]] == header
    assert ws["B6"].value == "'" + HYPERLINK + " Doe"
    assert (ws["A9"].value, ws["H9"].value) == ("UNAPPLIED CREDIT", -200)
    assert ws["A10"].value == "TOTAL"
    assert ws["H10"].value == "=ROUND(SUM(H5:H9),2)"


def test_csv_file_with_explicit_format(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "aging.xlsx"
    args = ("aging", "--as-of", "2026-03-10", "--format", "csv", "--out", str(out))
    assert report(books, *args) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfclient_ref,client,current,1-30")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("suffix", ["", ".keys"])
def test_out_naming_the_practice_file_is_refused(
    books: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = books.with_name(books.name + suffix)
    before = target.read_bytes()
    assert report(books, "aging", "--as-of", "2026-03-10", "--out", str(target)) == 2
    assert f"would overwrite the practice file or its companion {target.name}" in (
        capsys.readouterr().err
    )
    assert target.read_bytes() == before


# --- usage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["aging", "--as-of", "2026-02-30"], "argument --as-of: '2026-02-30' is not a date"),
        (["aging", "--as-of", "20260310"], "argument --as-of: '20260310' is not a date"),
        (["aging"], "the following arguments are required: --as-of"),
        (["income", "--from", "2026-03-01", "--to", "March"], "argument --to: 'March'"),
        (["rollforward", "--from", "yesterday", "--to", "2026-03-31"], "argument --from:"),
        (["ledger", "--client", "A1", "--as-of", "2026/03/01"], "argument --as-of:"),
        (["aging", "--as-of", "2026-03-10", "--format", "xlsx"], "name it with --out"),
        (["aging", "--as-of", "2026-03-10", "--format", "pdf"], "argument --format"),
        (["aging", "--as-of", "2026-03-10", "--out", "/no/such/folder/a.csv"], "does not exist"),
        ([], "required: REPORT"),
    ],
)
def test_usage_errors_exit_2(
    books: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(books, *args) == 2
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_period_ending_before_it_starts(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(books, "income", "--from", "2026-03-31", "--to", "2026-03-01") == 1
    assert "ends before it starts" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["top", "report", "end"])
def test_db_option_anywhere(books: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(books)]
    rest = ["aging", "--as-of", "2026-03-10"]
    argv = {
        "top": [*db, "report", *rest],
        "report": ["report", *db, *rest],
        "end": ["report", *rest, *db],
    }[where]
    assert main(argv) == 0
    assert capsys.readouterr().out.endswith("TOTAL,,0.00,450.00,50.00,50.00,120.00,470.00\r\n")


def test_as_a_separate_process(books: Path) -> None:
    period = ["--from", "2026-03-05", "--to", "2026-03-05"]
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "report", "income", "--db", str(books), *period],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "TOTAL,,1,100.00,3.20,96.80,0.00"


def test_starting_the_command_does_not_load_openpyxl() -> None:
    code = (
        "import sys\n"
        "from desktop.app.cli import build_parser\n"
        "build_parser().parse_args(['report', 'aging', '--as-of', '2026-01-01'])\n"
        "assert 'openpyxl' not in sys.modules, 'openpyxl was imported at start-up'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_payments_show_the_id_a_receipt_asks_for(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(books, "payments", "--from", "2026-03-01", "--to", "2026-03-31") == 0
    header, *rows, total = rows_of(capsys.readouterr().out)
    assert header == [
        "payment_id", "date", "client_ref", "client", "method", "reference",
        "amount", "applied", "credit", "status",
    ]  # fmt: skip
    assert [(r[1], r[2], r[6], r[7], r[8]) for r in rows] == [
        ("2026-03-01", "A1", "100.00", "100.00", "0.00"),
        ("2026-03-02", "E5", "300.00", "0.00", "200.00"),
        ("2026-03-05", "B2", "100.00", "100.00", "0.00"),
    ]
    assert total[0] == "TOTAL"
    assert total[6:9] == ["500.00", "200.00", "200.00"]
    # The id listed is the one ``receipt --payment`` takes.
    out = tmp_path / "receipt.pdf"
    eve = next(r for r in rows if r[2] == "E5")
    assert main(["receipt", "--payment", eve[0], "--out", str(out), "--db", str(books)]) == 0
    receipt_text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Eve Tran" in receipt_text
    assert "$300.00" in receipt_text
    capsys.readouterr()
    assert report(books, "payments", "--from", "2026-03-01", "--to", "2026-03-31",
                  "--client", "B2") == 0  # fmt: skip
    assert [r[2] for r in rows_of(capsys.readouterr().out)[1:-1]] == ["B2"]
