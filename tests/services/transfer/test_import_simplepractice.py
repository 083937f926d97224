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
from desktop.services.books import payment_list, sessions
from desktop.services.books import queries as books
from desktop.services.clients.units import list_units
from desktop.services.documents.superbill_draft import lines_query
from desktop.services.transfer.importing import ImportKind, ImportRejected, run_import
from desktop.services.transfer.importing.simplepractice import SERVICE_DATE_NOTE, client_ref
from desktop.services.workspace import Workspace
from tests.paths import FIXTURES

REPORT = FIXTURES / "import" / "simplepractice_appointment_status.csv"
NO_STATUS = FIXTURES / "import" / "simplepractice_no_status.csv"
HEADER = [
    "Date of Service", "Client", "Billing Code", "Status", "Client Payment Status", "Charge",
    "Paid", "Unpaid", "Insurance Payment Status", "Charge", "Paid", "Unpaid", "Payer",
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _owed(ws: Workspace) -> dict[str, tuple[D, D]]:
    refs = {u.unit_id: u.ref for u in ws.read(list_units, None, True)}
    return {refs[u]: (b.owed, b.credit) for u, b in ws.read(books.balances).items()}


def _statuses(ws: Workspace) -> list[tuple[date, str, str, D]]:
    return [
        (s.service_date, s.service_code, str(s.status), s.fee)
        for s in ws.read(sessions.list_sessions)
    ]


def _superbill_dates(ws: Workspace) -> list[date]:
    """The dates of service a superbill could list: attended, superbill codes."""
    return ws.read(
        lambda s: sorted(record.service_date for _c, record, _s in s.execute(lines_query()))
    )


def test_the_report_with_all_its_quirks(workspace: Workspace) -> None:
    result = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert (result.rows, result.added, result.skipped) == (8, 8, 0)
    # Marlow: 190 + 190 + 75 (late cancel) + 75 (no-show) charged, the canceled visit
    # nothing; 190 + 125 paid (OVER: 50 more than the late-cancel fee, credit that pays
    # the oldest open charge). Juniper: 150 + 150 charged, 50 + 150 paid.
    assert _owed(workspace) == {
        "SP-MARLOW-TENNANT": (D("215.00"), D("0.00")),
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
    # "Aetna Health Plans (60054)" is the same insurer as "Aetna (60054)".
    assert workspace.read(lambda s: s.scalars(select(Payer.name)).all()) == ["Aetna"]
    codes = workspace.read(lambda s: set(s.scalars(select(Service.code))))
    assert "90837 " not in codes
    first = workspace.read(sessions.list_sessions)[0]
    assert (first.service_date, first.start_time, first.service_code) == (
        date(2026, 1, 6),
        time(9, 0),
        "90837",
    )
    again = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert (again.added, again.skipped) == (0, 8)
    assert workspace.read(books.ledger_problems) == []


def test_every_status_has_its_meaning_in_the_books(workspace: Workspace) -> None:
    workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert sorted(_statuses(workspace)) == [
        (date(2026, 1, 6), "90837", "attended", D("190.00")),
        (date(2026, 1, 8), "90834", "attended", D("150.00")),
        (date(2026, 1, 13), "90837", "attended", D("190.00")),
        (date(2026, 1, 15), "90834", "cancelled", D("0.00")),  # Clinician Canceled
        (date(2026, 1, 20), "90837", "late_cancel", D("75.00")),
        (date(2026, 1, 22), "90834", "attended", D("150.00")),
        (date(2026, 1, 27), "90837", "no_show", D("75.00")),
        (date(2026, 2, 3), "90837", "cancelled", D("0.00")),
    ]
    # The late cancel and the no-show are coded 90837 but are fees, never superbill lines.
    assert _superbill_dates(workspace) == [
        date(2026, 1, 6), date(2026, 1, 8), date(2026, 1, 13), date(2026, 1, 22),
    ]  # fmt: skip


def test_a_report_without_its_status_column_is_refused(workspace: Workspace) -> None:
    with pytest.raises(ImportRejected) as caught:
        workspace.run(run_import, ImportKind.SIMPLEPRACTICE, NO_STATUS)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "Status")
    assert "no Status column" in problem.message
    assert "--assume-attended" in problem.message
    assert workspace.read(lambda s: s.scalar(select(Client.id))) is None


def test_every_row_attended_when_the_person_says_so(workspace: Workspace) -> None:
    result = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, NO_STATUS, assume_attended=True)
    assert result.added == 5
    assert {status for _d, _c, status, _f in _statuses(workspace)} == {"attended"}
    # Marlow: 190 + 190 + 75 charged, 190 + 100 paid (an OVER row with Unpaid left at 0).
    assert _owed(workspace)["SP-MARLOW-TENNANT"] == (D("165.00"), D("0.00"))


def test_payments_keep_their_own_dates_or_the_import_says_it_used_the_service_date(
    workspace: Workspace, tmp_path: Path
) -> None:
    result = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, REPORT)
    assert result.notes == (SERVICE_DATE_NOTE,)
    dated = {p.received_date for p in workspace.read(payment_list.list_payments)}
    assert dated == {date(2026, 1, 6), date(2026, 1, 8), date(2026, 1, 20), date(2026, 1, 22)}

    path = _write(
        tmp_path / "sp.csv",
        [["12/30/2025 10:00", "Ida Vale", "90834", "Show", "PAID", "40", "40", "0", "", "",
          "", "", "", "01/04/2026"]],
        [*HEADER, "Payment Date"],
    )  # fmt: skip
    later = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert later.notes == ()
    ida = [p for p in workspace.read(payment_list.list_payments) if p.client == "Ida Vale"]
    assert [p.received_date for p in ida] == [date(2026, 1, 4)]  # the next tax year


def test_an_overpaid_row_with_a_negative_unpaid_is_credit(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "sp.csv",
        [["02/02/2026 10:00", "Ida Vale", "90834", "Show", "OVER", "$150.00", "$200.00",
          "-$50.00", "", "", "", "", ""]],
    )  # fmt: skip
    workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert _owed(workspace) == {"SP-IDA-VALE": (D("0.00"), D("50.00"))}


@pytest.mark.parametrize(
    ("report", "money", "added", "marlow"),
    [(REPORT, (10, 12, 13), 8, D("215.00")), (NO_STATUS, (9, 11, 12), 5, D("165.00"))],
    ids=["with-status", "without-status"],
)
def test_the_report_as_xlsx(
    workspace: Workspace,
    tmp_path: Path,
    report: Path,
    money: tuple[int, ...],
    added: int,
    marlow: D,
) -> None:
    """SimplePractice's Excel download: real dates and numbers in the cells."""
    workbook = Workbook()
    sheet = workbook.active
    with report.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            if number:
                row[0] = datetime.strptime(row[0], "%m/%d/%Y %H:%M")  # type: ignore[call-overload]
                for index in money:  # the client's Charge, Paid and Unpaid
                    row[index] = float(row[index].replace("$", ""))  # type: ignore[call-overload]
            sheet.append(row)
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    attended = report is NO_STATUS
    result = workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path, assume_attended=attended)
    assert result.added == added
    assert _owed(workspace)["SP-MARLOW-TENNANT"] == (marlow, D("0.00"))
    assert workspace.read(sessions.list_sessions)[0].start_time == time(9, 0)


def test_insurer_columns_are_not_taken_for_the_clients(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The insurer's Charge (90) must not become the client's fee.
    path = _write(
        tmp_path / "sp.csv",
        [["02/02/2026 10:00", "Ida Vale", "90834", "Show", "UNPAID", "40", "0", "40", "UNPAID",
          "90", "0", "90", "Cigna (62308)"]],
    )  # fmt: skip
    workspace.run(run_import, ImportKind.SIMPLEPRACTICE, path)
    assert _owed(workspace) == {"SP-IDA-VALE": (D("40.00"), D("0.00"))}


def test_report_problems_are_named(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sp.csv",
        [
            ["02/30/2026 10:00", "Ida Vale", "90834", "Show", "PAID", "40", "40", "0", "", "",
             "", "", ""],
            ["02/02/2026 10:00", "", "90834", "Show", "PAID", "40", "40", "0", "", "", "", "",
             ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Show", "PAID", "40", "30", "10", "", "",
             "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Show", "SOMETIMES", "40", "0", "40", "",
             "", "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Show", "UNPAID", "40", "0", "20", "", "",
             "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Show", "UNPAID", "٤٠", "0", "40", "", "",
             "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Walked out", "PAID", "40", "40", "0", "",
             "", "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Clinician Canceled", "UNPAID", "40", "0",
             "40", "", "", "", "", ""],
            ["02/02/2026 10:00", "Ida Vale", "90834", "Show", "PAID", "40", "40", "-5", "", "",
             "", "", ""],
            # Every problem of a row at once: the date, the code and the status.
            ["2/31/2026", "Ida Vale", "9 0834", "Maybe", "PAID", "40", "40", "0", "", "", "",
             "", ""],
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
        (8, "Status"),
        (9, "Client Payment Status"),
        (10, "Client Payment Status"),
        (11, "Billing Code"),
        (11, "Date of Service"),
        (11, "Status"),
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
        "Status",
    }


def test_client_references_from_names() -> None:
    assert client_ref("Okonkwo, Juniper") == "SP-OKONKWO-JUNIPER"
    assert client_ref("  José   Núñez ") == "SP-JOS-N-EZ"
    assert client_ref("李小龍").startswith("SP-")
    assert len(client_ref("x" * 200)) <= 40
