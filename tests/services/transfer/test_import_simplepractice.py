"""SimplePractice's appointment status report: repeated column names, padded codes,
US dates, payment statuses and payers written as ``Name (payerID)``."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from db.models import Client, Payer, Service
from desktop.services.books import queries as books
from desktop.services.books import sessions
from desktop.services.clients.units import list_units
from desktop.services.transfer.importing import ImportKind, ImportRejected, run_import
from desktop.services.transfer.importing.simplepractice import client_ref
from desktop.services.workspace import Workspace
from tests.paths import FIXTURES

REPORT = FIXTURES / "import" / "simplepractice_appointment_status.csv"
HEADER = [
    "Date of Service", "Client", "Billing Code", "Client Payment Status", "Charge", "Paid",
    "Unpaid", "Insurance Payment Status", "Charge", "Paid", "Unpaid", "Payer",
]  # fmt: skip


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _owed(ws: Workspace) -> dict[str, tuple[D, D]]:
    refs = {u.unit_id: u.ref for u in ws.read(list_units, None, True)}
    return {refs[u]: (b.owed, b.credit) for u, b in ws.read(books.balances).items()}


def test_the_report_with_all_its_quirks(workspace: Workspace) -> None:
    result = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert (result.rows, result.added, result.skipped) == (5, 5, 0)
    # Marlow: 190 + 190 + 75 charged; 190 + 100 paid (OVER: 25 more than that day's fee).
    # Juniper: 150 charged, 50 paid; the NO CHARGE visit charges nothing.
    assert _owed(workspace) == {
        "SP-MARLOW-TENNANT": (D("165.00"), D("0.00")),
        "SP-OKONKWO-JUNIPER": (D("100.00"), D("0.00")),
    }
    juniper = workspace.read(
        lambda s: s.execute(
            select(Client.legal_first_name, Client.legal_last_name, Client.billing, Payer.name,
                   Payer.external_id)
            .join(Payer, Payer.id == Client.payer_id)
        ).one()
    )  # fmt: skip
    assert tuple(juniper) == ("Juniper", "Okonkwo", "superbill", "Aetna", "60054")
    codes = workspace.read(lambda s: set(s.scalars(select(Service.code))))
    assert "90837 " not in codes
    first = workspace.read(sessions.list_sessions)[0]
    assert (first.service_date, first.start_time, first.service_code) == (
        date(2026, 1, 6),
        time(9, 0),
        "90837",
    )
    again = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert (again.added, again.skipped) == (0, 5)
    assert workspace.read(books.ledger_problems) == []


def test_the_report_as_xlsx(workspace: Workspace, tmp_path: Path) -> None:
    """SimplePractice's Excel download: real dates and numbers in the cells."""
    workbook = Workbook()
    sheet = workbook.active
    with REPORT.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            if number:
                row[0] = datetime.strptime(row[0], "%m/%d/%Y %H:%M")  # type: ignore[call-overload]
                for index in (9, 11, 12):  # the client's Charge, Paid and Unpaid
                    row[index] = float(row[index].lstrip("$"))  # type: ignore[call-overload]
            sheet.append(row)
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    assert workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path).added == 5
    assert _owed(workspace)["SP-MARLOW-TENNANT"] == (D("165.00"), D("0.00"))
    assert workspace.read(sessions.list_sessions)[0].start_time == time(9, 0)


def test_insurer_columns_are_not_taken_for_the_clients(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The insurer's Charge (90) must not become the client's fee.
    path = _write(
        tmp_path / "sp.csv",
        [["02/02/2026 10:00", "Ida Vale", "90834", "UNPAID", "40", "0", "40", "UNPAID", "90",
          "0", "90", "Cigna (62308)"]],
    )  # fmt: skip
    workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert _owed(workspace) == {"SP-IDA-VALE": (D("40.00"), D("0.00"))}


def test_report_problems_are_named(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sp.csv",
        [
            ["02/30/2026 10:00", "Ida Vale", "90834", "PAID", "40", "40", "0", "", "", "", "", ""],
            ["02/02/2026 10:00", "", "90834", "PAID", "40", "40", "0", "", "", "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "PAID", "40", "30", "10", "", "", "", "",
             ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "SOMETIMES", "40", "0", "40", "", "", "",
             "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "UNPAID", "40", "0", "20", "", "", "", "",
             ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "UNPAID", "٤٠", "0", "40", "", "", "", "",
             ""],
        ],
    )  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "Date of Service"),
        (3, "Client"),
        (4, "Client Payment Status"),
        (5, "Client Payment Status"),
        (6, "Client Payment Status"),
        (7, "Charge"),
    ]
    assert workspace.read(lambda s: s.scalar(select(Client.id))) is None


def test_missing_report_columns(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sp.csv"
    path.write_text("Date of Service,Client,Charge\r\n01/01/2026 10:00,A B,5\r\n")
    with pytest.raises(ImportRejected) as caught:
        workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert {p.column for p in caught.value.problems} == {
        "Billing Code",
        "Client Payment Status",
        "Paid",
    }


def test_client_references_from_names() -> None:
    assert client_ref("Okonkwo, Juniper") == "SP-OKONKWO-JUNIPER"
    assert client_ref("  José   Núñez ") == "SP-JOS-N-EZ"
    assert client_ref("李小龍").startswith("SP-")
    assert len(client_ref("x" * 200)) <= 40
