"""Importing files into a real practice: what is added, what is refused, and that a
refused or previewed file changes nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Client, Payer, PaymentMethod, Service
from db.models import Session as SessionRecord
from desktop.services.audit import log as audit
from desktop.services.books import queries as books
from desktop.services.clients.people import get_client_detail
from desktop.services.clients.units import list_units
from desktop.services.transfer.importing import (
    ImportKind,
    ImportRejected,
    ImportResult,
    check_header,
    preview_import,
    run_import,
)
from desktop.services.workspace import Workspace
from tests.paths import FIXTURES

IMPORT_FIXTURES = FIXTURES / "import"
CLIENTS = IMPORT_FIXTURES / "clients.csv"


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _count(ws: Workspace, model: object) -> int:
    return ws.read(lambda s: s.scalar(select(func.count()).select_from(model)))


def _balances(ws: Workspace) -> dict[str, tuple[D, D]]:
    refs = {u.unit_id: u.ref for u in ws.read(list_units, None, True)}
    return {refs[u]: (b.owed, b.credit) for u, b in ws.read(books.balances).items()}


def _rejected(ws: Workspace, kind: ImportKind, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        ws.run(run_import, kind, path)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


@pytest.fixture
def imported(workspace: Workspace) -> Workspace:
    for kind in (ImportKind.CLIENTS, ImportKind.SESSIONS, ImportKind.PAYMENTS):
        workspace.run(run_import, kind, IMPORT_FIXTURES / f"{kind.value}.csv")
    return workspace


def test_the_three_layouts_import_to_hand_worked_balances(imported: Workspace) -> None:
    # C-0101: 160 + late cancel 75 (the cancellation charges nothing); paid 160 + 100.
    # C-0102: 150 + no-show 50; paid 250.  C-0103: two identical 140 sessions; paid 140.
    assert _balances(imported) == {
        "C-0101": (D("0.00"), D("25.00")),
        "C-0102": (D("0.00"), D("50.00")),
        "C-0103": (D("140.00"), D("0.00")),
    }
    detail = imported.read(get_client_detail, 1)
    assert [d.code for d in detail.diagnoses] == ["F41.1", "Z63.0"]
    assert detail.payer_name == "Aetna"
    venmo = imported.read(
        lambda s: s.execute(
            select(PaymentMethod.fee_basis_points, PaymentMethod.fee_fixed).where(
                PaymentMethod.name == "Venmo"
            )
        ).one()
    )
    assert tuple(venmo) == (0, D("0.00"))
    assert imported.read(books.ledger_problems) == []


def test_importing_the_same_files_again_adds_nothing(imported: Workspace) -> None:
    before = (_balances(imported), _count(imported, SessionRecord))
    for kind in (ImportKind.CLIENTS, ImportKind.SESSIONS, ImportKind.PAYMENTS):
        result = imported.run(run_import, kind, IMPORT_FIXTURES / f"{kind.value}.csv")
        assert result.added == 0
        assert result.skipped == result.rows
    assert (_balances(imported), _count(imported, SessionRecord)) == before


def test_preview_lists_what_would_happen_and_changes_nothing(workspace: Workspace) -> None:
    preview = workspace.run(preview_import, ImportKind.CLIENTS, CLIENTS)
    assert preview.ok
    assert preview.result is not None
    assert (preview.result.rows, preview.result.added) == (3, 3)
    assert preview.result.ignored_columns == ("Referral source",)
    assert _count(workspace, Client) == 0
    assert _count(workspace, Payer) == 0


def test_unknown_service_codes_become_practice_services(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    path = _write(
        tmp_path / "s.csv",
        [
            ["client_ref", "date", "service_code", "fee", "status"],
            ["C-0101", "2026-01-05", "consult ", "60", "attended"],
            ["C-0101", "2026-01-06", "90899", "100", "attended"],
            ["C-0101", "2026-01-07", "90834", "", ""],
        ],
    )
    workspace.run(run_import, ImportKind.SESSIONS, path)
    made = workspace.read(
        lambda s: {
            sv.code: sv.superbill
            for sv in s.scalars(select(Service).where(Service.code.in_(["CONSULT", "90899"])))
        }
    )
    assert made == {"CONSULT": False, "90899": True}
    # A blank fee is the app's default: here the service's own fee (150).
    assert _balances(workspace)["C-0101"] == (D("310.00"), D("0.00"))


def test_payments_go_to_the_oldest_charges(workspace: Workspace, tmp_path: Path) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    sessions = _write(
        tmp_path / "s.csv",
        [
            ["client_ref", "date", "service_code", "fee"],
            ["C-0102", "2026-03-02", "90834", "150"],
            ["C-0102", "2026-01-05", "90834", "150"],
        ],
    )
    workspace.run(run_import, ImportKind.SESSIONS, sessions)
    pays = _write(
        tmp_path / "p.csv",
        [["client_ref", "date", "amount", "method"], ["C-0102", "2026-03-03", "100", "Cash"]],
    )
    workspace.run(run_import, ImportKind.PAYMENTS, pays)
    from datetime import date

    row = workspace.read(books.aging, date(2026, 3, 10)).rows[0]
    # 100 went to the January charge (50 left, 64 days past due); March's 150 is 8 days past due.
    assert row.buckets == (D("0.00"), D("150.00"), D("0.00"), D("50.00"), D("0.00"))


def test_a_mapping_reads_columns_named_otherwise(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", [["Client ID", "Surname"], ["Z-1", "Zephyr"]])
    result = workspace.run(
        run_import, ImportKind.CLIENTS, path, {"Client ID": "client_ref", "surname": "last_name"}
    )
    assert result.added == 1


def test_xlsx_clients(workspace: Workspace, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["client_ref", "last_name", "date_of_birth", "default_fee"])
    sheet.append(["X-1", "Xu", "1990-05-01", 140])
    path = tmp_path / "clients.xlsx"
    workbook.save(path)
    assert workspace.run(run_import, ImportKind.CLIENTS, path).added == 1


# --- refusals -------------------------------------------------------------------------


def test_every_client_problem_is_named_and_nothing_is_imported(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "c.csv",
        [
            ["client_ref", "first_name", "last_name", "billing", "date_of_birth", "diagnoses"],
            ["OK-1", "Ada", "Good", "private", "1980-01-01", ""],
            ["OK-1", "Ada", "Again", "private", "", ""],
            ["B-2", "", "Bee", "insurance", "1980-13-01", ""],
            ["C-3", "", "", "private", "", ""],
            ["D-4", "", "Dee", "superbill", "", "F41.1"],
            ["E-5", "Eve", "Eff", "private", "", "F43.2;X99.999;F41.1;F41.1"],
            ["", "No", "Ref", "", "", ""],
        ],
    )
    problems = _rejected(workspace, ImportKind.CLIENTS, path)
    where = [(row, column) for row, column, _ in problems]
    assert where == [
        (3, "client_ref"),
        (4, "billing"),
        (4, "date_of_birth"),
        (5, "last_name"),
        (6, "first_name"),
        (7, "diagnoses"),
        (7, "diagnoses"),
        (7, "diagnoses"),
        (8, "client_ref"),
    ]
    messages = " ".join(message for *_, message in problems)
    assert "F43.2 is a heading, not a billable code" in messages
    assert "X99.999 is not an ICD-10-CM code" in messages
    assert "F41.1 is listed twice" in messages
    assert _count(workspace, Client) == 0


def test_missing_columns_are_problems_on_row_one(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "p.csv", [["client_ref", "amount"], ["A", "5"]])
    assert [(r, c) for r, c, _ in _rejected(workspace, ImportKind.PAYMENTS, path)] == [
        (1, "date"),
        (1, "method"),
    ]


def test_every_session_problem_is_named(workspace: Workspace) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    problems = _rejected(workspace, ImportKind.SESSIONS, IMPORT_FIXTURES / "bad_sessions.csv")
    assert [(r, c) for r, c, _ in problems] == [
        (2, "date"),
        (3, "client_ref"),
        (4, "fee"),
        (5, "status"),
        (6, "minutes"),
        (6, "place_of_service"),
        (7, "fee"),
        (7, "service_code"),
    ]
    assert "There is no client 'NOBODY'" in problems[1][2]
    assert _count(workspace, SessionRecord) == 0


def test_applied_to_applies_a_payment_by_hand_or_keeps_it_as_credit(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    sessions = _write(
        tmp_path / "s.csv",
        [
            ["client_ref", "date", "service_code", "fee"],
            ["C-0102", "2026-01-05", "90834", "150"],
            ["C-0102", "2026-03-02", "90834", "150"],
        ],
    )
    workspace.run(run_import, ImportKind.SESSIONS, sessions)
    pays = _write(
        tmp_path / "p.csv",
        [
            ["client_ref", "date", "amount", "method", "applied_to"],
            ["C-0102", "2026-03-03", "100", "Cash", "2026-03-02 90834 100.00"],
            ["C-0102", "2026-03-04", "30", "Cash", "none"],
        ],
    )
    workspace.run(run_import, ImportKind.PAYMENTS, pays)
    from datetime import date

    row = workspace.read(books.aging, date(2026, 3, 10)).rows[0]
    # By hand: March's charge is down to 50; January's 150 is untouched (64 days old).
    assert row.buckets == (D("0.00"), D("50.00"), D("0.00"), D("150.00"), D("0.00"))
    assert _balances(workspace)["C-0102"] == (D("200.00"), D("30.00"))


def test_applied_to_problems_name_the_row(workspace: Workspace, tmp_path: Path) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    sessions = _write(
        tmp_path / "s.csv",
        [["client_ref", "date", "service_code", "fee"], ["C-0102", "2026-01-05", "90834", "150"]],
    )
    workspace.run(run_import, ImportKind.SESSIONS, sessions)
    pays = _write(
        tmp_path / "p.csv",
        [
            ["client_ref", "date", "amount", "method", "applied_to"],
            ["C-0102", "2026-03-03", "100", "Cash", "January's session"],
            ["C-0102", "2026-03-03", "100", "Cash", "2026-01-06 90834 100"],
            ["C-0102", "2026-03-03", "100", "Cash", "2026-01-05 90834 160"],
            ["C-0102", "2026-03-03", "100", "Cash", "2026-01-05 90834 60; 2026-01-05 90834 60"],
        ],
    )
    problems = _rejected(workspace, ImportKind.PAYMENTS, pays)
    assert [(r, c) for r, c, _ in problems] == [
        (2, "applied_to"),
        (3, "applied_to"),
        (4, "applied_to"),
        (5, "applied_to"),
    ]
    assert "such as '2025-03-03 90834 150.00'" in problems[0][2]
    assert "no 90834 charge on 01/06/2026" in problems[1][2]
    assert "still owing $160.00" in problems[2][2]
    assert "$120.00 is applied, but the payment is $100.00" in problems[3][2]
    assert _balances(workspace)["C-0102"] == (D("150.00"), D("0.00"))


def test_payment_problems_and_all_or_nothing(workspace: Workspace, tmp_path: Path) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    path = _write(
        tmp_path / "p.csv",
        [
            ["client_ref", "date", "amount", "method", "reference"],
            ["C-0101", "2026-01-05", "100", "Cash"],
            ["C-0101", "2026-01-05", "0", "Cash"],
            ["C-0101", "2026-01-05", "١٠٠", "Cash"],
            ["C-0101", "2026-01-05", "10", ""],
            ["GHOST", "2026-01-05", "10", "Cash"],
            ["C-0101", "2026-01-05", "10", "Cash", "x" * 81],
        ],
    )
    problems = _rejected(workspace, ImportKind.PAYMENTS, path)
    assert [(r, c) for r, c, _ in problems] == [
        (3, "amount"),
        (4, "amount"),
        (5, "method"),
        (6, "client_ref"),
        (7, "reference"),
    ]
    assert _balances(workspace) == {}


def test_an_unreadable_file_is_one_problem(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert _rejected(workspace, ImportKind.CLIENTS, path) == [
        (
            0,
            "(file)",
            "The file could not be read as an XLSX workbook (BadZipFile); open it in a "
            "spreadsheet and save it again, or save it as CSV.",
        )
    ]


def test_progress_is_reported_row_by_row(workspace: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    workspace.run(
        run_import,
        ImportKind.CLIENTS,
        CLIENTS,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(0, 3), (1, 3), (2, 3)]


def test_check_header_for_the_mapping_step(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.csv", [["Client ID", "date", "amount", "Paid with", "Memo"]])
    check = check_header(ImportKind.PAYMENTS, path)
    assert check.file_columns == ("Client ID", "date", "amount", "Paid with", "Memo")
    assert check.missing == ("client_ref", "method")
    assert check.ignored == ("Client ID", "Paid with", "Memo")
    mapped = check_header(
        ImportKind.PAYMENTS, path, {"Client ID": "client_ref", "Paid with": "method"}
    )
    assert (mapped.missing, mapped.ignored, mapped.problems) == ((), ("Memo",), ())


def test_preview_then_import_in_one_action_keeps_the_audit_chain(workspace: Workspace) -> None:
    def both(session: Session) -> ImportResult:
        preview_import(session, ImportKind.CLIENTS, CLIENTS)
        return run_import(session, ImportKind.CLIENTS, CLIENTS)

    assert workspace.run(both).added == 3
    assert workspace.read(audit.verify_chain).intact


def test_sex_is_read_in_the_clients_layout(workspace: Workspace, tmp_path: Path) -> None:
    rows = [["client_ref", "last_name", "sex"], ["A-1", "Ames", "female"], ["B-2", "Bell", "m"]]
    workspace.run(run_import, ImportKind.CLIENTS, _write(tmp_path / "c.csv", rows))
    stored = workspace.read(lambda s: dict(s.execute(select(Client.client_ref, Client.sex)).all()))
    assert stored == {"A-1": "F", "B-2": "M"}
    bad = [["client_ref", "last_name", "sex"], ["C-3", "Cole", "yes"]]
    problems = _rejected(workspace, ImportKind.CLIENTS, _write(tmp_path / "d.csv", bad))
    assert [(r, c) for r, c, _ in problems] == [(2, "sex")]
    assert "not F or M" in problems[0][2]


def test_places_of_service_and_modifiers_off_the_lists_are_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.run(run_import, ImportKind.CLIENTS, CLIENTS)
    ref = workspace.read(lambda s: s.scalars(select(Client.client_ref)).first())
    header = ["client_ref", "date", "service_code", "place_of_service", "modifiers"]
    rows = [
        header,
        [ref, "2026-02-02", "90834", "00", ""],
        [ref, "2026-02-03", "90834", "88", "95"],
        [ref, "2026-02-04", "90834", "10", "ZZ"],
    ]
    problems = _rejected(workspace, ImportKind.SESSIONS, _write(tmp_path / "s.csv", rows))
    assert [(r, c) for r, c, _ in problems] == [
        (2, "place_of_service"),
        (3, "place_of_service"),
        (4, "modifiers"),
    ]
    assert "not a CMS place-of-service code" in problems[1][2]
    assert "ZZ is not a modifier a therapy claim uses" in problems[2][2]
