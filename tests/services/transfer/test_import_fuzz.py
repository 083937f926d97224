"""Random rows through the real importers (previewed, so nothing is kept): no crash,
and every refusal names a row, a column and a reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.importing import LAYOUTS, ImportKind, preview_import, run_import
from desktop.services.transfer.importing.everything import preview_folder
from desktop.services.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Plausible values mixed with anything at all, so rows get past the first check sometimes.
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["C-1", "2026-01-05", "2026-02-30", "150", "150.00", "١٥٠", "-5", "attended",
         "no_show", "90834", "LATE", "11", "95", "Cash", "09:00", "50", "", " ", "'=1+1",
         "U-1", "U-1;U-2", "couple", "family;couple", "yes", "no;yes", "33.33", "101", "C-1",
         "none", "2026-01-05 90834 150", "2026-01-05 90834 10; 2026-01-05 LATE 1"]
    ),
)  # fmt: skip
SP_CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["01/05/2026 09:00", "13/05/2026 09:00", "Ada Lane", "Lane, Ada", "90834 ", "PAID",
         "UNPAID", "NO CHARGE", "OVER", "$150.00", "-$5.00", "0", "Aetna (60054)", "Show",
         "No Show", "Clinician Canceled", "Late Canceled"]
    ),
)  # fmt: skip
SP_HEADER = [
    "Date of Service", "Client", "Billing Code", "Client Payment Status", "Charge", "Paid",
    "Unpaid", "Insurance Payment Status", "Charge", "Paid", "Unpaid", "Payer", "Status",
]  # fmt: skip


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One practice with a client C-1, shared by every example (previews keep nothing)."""
    folder = tmp_path_factory.mktemp("fuzz")
    ws = Workspace.create(folder / "books.qlb", PASSPHRASE)
    ws.run(create_practice, Profile(practice_name="Fuzz Practice"))
    path = folder / "c.csv"
    path.write_text("client_ref,last_name\r\nC-1,Lane\r\n")
    ws.run(run_import, ImportKind.CLIENTS, path)
    yield ws
    ws.close()


def _check(ws: Workspace, kind: ImportKind, path: Path, rows: int) -> None:
    preview = ws.read(preview_import, kind, path)
    for problem in preview.problems:
        assert 0 <= problem.row <= rows + 1
        assert problem.column.strip()
        assert problem.message.strip()
    if preview.ok:
        assert preview.result is not None


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", [ImportKind.CLIENTS, ImportKind.SESSIONS, ImportKind.PAYMENTS])
@FUZZ
@given(data=st.data())
def test_random_rows(
    books: Workspace, tmp_path: Path, kind: ImportKind, data: st.DataObject
) -> None:
    columns = list(LAYOUTS[kind].columns)
    if kind is ImportKind.CLIENTS:
        columns.remove("diagnoses")  # the code set takes seconds to load; tested elsewhere
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)),
                              max_size=4))  # fmt: skip
    _check(books, kind, _write(tmp_path / f"{kind}.csv", columns, rows), len(rows))


@FUZZ
@given(rows=st.lists(st.lists(SP_CELL, min_size=13, max_size=13), max_size=4))
def test_random_simplepractice_rows(
    books: Workspace, tmp_path: Path, rows: list[list[str]]
) -> None:
    _check(
        books, ImportKind.SIMPLEPRACTICE, _write(tmp_path / "sp.csv", SP_HEADER, rows), len(rows)
    )


@FUZZ
@given(
    header=st.lists(st.one_of(st.sampled_from(SP_HEADER), st.text(max_size=8)), max_size=14),
    rows=st.lists(st.lists(SP_CELL, max_size=14), max_size=3),
)
def test_random_simplepractice_headers(
    books: Workspace, tmp_path: Path, header: list[str], rows: list[list[str]]
) -> None:
    _check(books, ImportKind.SIMPLEPRACTICE, _write(tmp_path / "sp.csv", header, rows), len(rows))


FOLDER_FILES = {
    "practice": ["setting", "value"],
    "services": ["code", "label", "default_minutes", "default_fee", "superbill", "active"],
    "payment_methods": ["name", "fee_basis_points", "fee_fixed", "active"],
    "payers": ["name", "external_id", "timely_filing_days", "usual_days_to_pay",
               "place_of_service", "modifiers", "typical_allowed", "active"],
    "billing_units": ["ref", "name", "default_fee", "active", "usual_service",
                      "place_of_service", "modifiers", "recurring_weekday", "recurring_time",
                      "recurring_every_weeks", "recurring_start", "recurring_minutes"],
    "diagnoses": ["client_ref", "code", "rank", "effective_from", "effective_to"],
}  # fmt: skip
FOLDER_CELL = st.one_of(
    CELL,
    st.sampled_from(
        ["practice_name", "npi", "due_days", "aging_basis", "closed_through", "autolock_minutes",
         "tax_id", "1234567890", "yes", "no", "maybe", "365", "0", "F41.1", "F43.2", "12",
         "C-2", "90834", "Monday", "funday", "17:30", "95", "none", "10", "2025-01-08"]
    ),
)  # fmt: skip


@FUZZ
@given(data=st.data())
def test_random_export_folders(books: Workspace, tmp_path: Path, data: st.DataObject) -> None:
    folder = tmp_path / "folder"
    folder.mkdir(exist_ok=True)
    _write(folder / "clients.csv", ["client_ref", "last_name"], [["C-2", "Moss"]])
    for stem, header in FOLDER_FILES.items():
        width = len(header)
        cells = st.lists(FOLDER_CELL, min_size=width, max_size=width)
        _write(folder / f"{stem}.csv", header, data.draw(st.lists(cells, max_size=3)))
    preview = books.read(preview_folder, folder)
    for problem in preview.problems:
        assert 0 <= problem.row <= 4
        assert problem.file.endswith(".csv")
        assert problem.column.strip()
        assert problem.message.strip()
