"""``quietledger superbill|superbills|statement|receipt``: files, exit codes, problems per line."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Document
from desktop.app.cli import main
from desktop.services.books import payment_list, payments, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.workspace import Workspace
from tests.books_helpers import method_id
from tests.conftest import PASSPHRASE
from tests.services.documents.test_superbill_service import superbill_client

# Last month: in the past (the checker refuses future dates) and well within filing limits.
FIRST = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
LAST = date.today().replace(day=1) - timedelta(days=1)
MONTH = f"{FIRST:%Y-%m}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIETLEDGER_HOME", str(home))
    monkeypatch.setenv("QUIETLEDGER_PASSPHRASE", PASSPHRASE)
    return home


@pytest.fixture
def practice(workspace: Workspace) -> Path:
    """K1 is ready for a superbill; N1 has no date of birth; both paid something."""
    ws = workspace
    for ref, name in (("K1", "Katherine Doyle"), ("N1", "Noor Haddad")):
        unit = ws.run(superbill_client, ref, name)
        for offset in (1, 8):
            day = FIRST + timedelta(days=offset)
            ws.run(sessions.record_session, SessionInput(unit, day, "90834", minutes=50))
        cash = ws.run(method_id, "Cash")
        ws.run(
            payments.record_payment, PaymentInput(unit, FIRST + timedelta(days=2), D("150"), cash)
        )
    ws.run(lambda s: setattr(client(s, "N1"), "date_of_birth", None))
    path = ws.path
    ws.close()
    return path


def client(session: Session, ref: str) -> Client:
    return session.execute(select(Client).where(Client.client_ref == ref)).scalar_one()


def run(practice: Path, *args: str) -> int:
    return main([*args, "--db", str(practice)])


def stored(practice: Path) -> list[tuple[str, str, int]]:
    with Workspace.open(practice, passphrase=PASSPHRASE) as ws:
        return ws.read(
            lambda s: [(d.kind, d.number, d.version) for d in s.scalars(select(Document))]
        )


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_superbill_is_issued_and_saved_privately(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "k1.pdf"
    period = ["--from", f"{FIRST}", "--to", f"{LAST}"]
    assert run(practice, "superbill", "--client", "K1", *period, "--out", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    number = f"SB-{date.today().year}-0001"
    assert f"Issued superbill {number} for Katherine Doyle" in capsys.readouterr().out
    text = text_of(out)
    assert "Katherine Doyle" in text
    assert number in text
    assert stored(practice) == [("superbill", number, 1)]


def test_checker_error_exits_1_with_each_problem_on_its_own_line(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def break_more(session: Session) -> None:
        client(session, "N1").member_id = ""

    with Workspace.open(practice, passphrase=PASSPHRASE) as ws:
        ws.run(break_more)
    out = tmp_path / "n1.pdf"
    period = ["--from", f"{FIRST}", "--to", f"{LAST}"]
    argv = ["superbill", "--client", "N1", *period, "--out", str(out), "--acknowledge-warnings"]
    assert run(practice, *argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Error: Enter the client's date of birth.",
        "Warning: The member ID is missing; insurers often return claims without it.",
    ]
    assert not out.exists()
    assert list(tmp_path.glob(".n1.pdf.*")) == []
    assert stored(practice) == []


def test_warnings_need_the_flag(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Workspace.open(practice, passphrase=PASSPHRASE) as ws:
        ws.run(lambda s: setattr(client(s, "K1"), "member_id", ""))
    out = tmp_path / "k1.pdf"
    argv = [
        "superbill",
        "--client",
        "K1",
        "--from",
        f"{FIRST}",
        "--to",
        f"{LAST}",
        "--out",
        str(out),
    ]
    assert run(practice, *argv) == 1
    assert (
        capsys.readouterr().err.splitlines()[-1] == "Acknowledge the warnings to issue it anyway."
    )
    assert not out.exists()
    assert run(practice, *argv, "--acknowledge-warnings") == 0
    assert "Acknowledged: The member ID is missing" in capsys.readouterr().out
    assert out.exists()


def test_month_batch_names_who_was_skipped(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "month.pdf"
    assert run(practice, "superbills", "--month", MONTH, "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "Skipped N1 (Noor Haddad): Error: Enter the client's date of birth."
    ]
    assert "Issued 1 superbills" in captured.out
    assert "Katherine Doyle" in text_of(out)
    assert "Noor Haddad" not in text_of(out)
    # Everyone is now billed or blocked: nothing issued is a failure, and no file is written.
    again = tmp_path / "again.pdf"
    assert run(practice, "superbills", "--month", MONTH, "--out", str(again)) == 1
    assert not again.exists()


def test_statement_and_receipt(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement = tmp_path / "statement.pdf"
    assert (
        run(practice, "statement", "--client", "K1", "--as-of", f"{LAST}", "--out", str(statement))
        == 0
    )
    text = text_of(statement)
    assert "Balance on" in text
    assert "Open charges" in text
    assert "$150.00" in text
    assert "F43.23" not in text
    with Workspace.open(practice, passphrase=PASSPHRASE) as ws:
        payment = ws.read(payment_list.list_payments)[0].id
    receipt = tmp_path / "receipt.pdf"
    assert run(practice, "receipt", "--payment", str(payment), "--out", str(receipt)) == 0
    assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
    assert "F43.23" not in text_of(receipt)
    kinds = sorted(kind for kind, _, _ in stored(practice))
    assert kinds == ["receipt", "statement"]
    assert run(practice, "receipt", "--payment", "999", "--out", str(receipt)) == 1
    assert "no payment number 999" in capsys.readouterr().err


def test_reprint_writes_the_stored_pdf_exactly_as_issued(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.pdf"
    period = ["--from", f"{FIRST}", "--to", f"{LAST}"]
    assert run(practice, "superbill", "--client", "K1", *period, "--out", str(first)) == 0
    number = f"SB-{date.today().year}-0001"
    capsys.readouterr()
    again = tmp_path / "again.pdf"
    # The number as printed, in any case; nothing new is issued.
    assert run(practice, "reprint", number.lower(), "--out", str(again)) == 0
    assert again.read_bytes() == first.read_bytes()
    assert stat.S_IMODE(again.stat().st_mode) == 0o600
    assert f"Saved superbill {number} for Katherine Doyle" in capsys.readouterr().out
    assert stored(practice) == [("superbill", number, 1)]
    assert run(practice, "reprint", number, "--version", "2", "--out", str(again)) == 1
    assert f"{number} has no version 2; its versions are 1." in capsys.readouterr().err
    assert run(practice, "reprint", "SB-1999-0001", "--out", str(again)) == 1
    assert "No document is numbered SB-1999-0001" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["superbills", "--month", "2026-13"], "is not a month"),
        (["statement", "--client", "K1", "--as-of", "03/01/2026"], "is not a date"),
        (["superbill", "--client", "K1", "--from", "2026-03-31", "--to", "2026-03-01"], "before"),
    ],
)
def test_usage_errors_exit_2(
    practice: Path, tmp_path: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(practice, *args, "--out", str(tmp_path / "x.pdf")) == 2
    assert words in capsys.readouterr().err


def test_starting_the_command_does_not_load_reportlab() -> None:
    code = (
        "import sys\n"
        "from desktop.app.cli import build_parser\n"
        "build_parser().parse_args(['receipt', '--payment', '1', '--out', 'x.pdf'])\n"
        "assert 'reportlab' not in sys.modules, 'reportlab was imported at start-up'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
