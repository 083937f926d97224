"""Forgiving, exact input: US dates, the separator a spreadsheet chose, every problem of
every row in one pass, formula cells named as such, the insured person and middle name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from db.models import Client
from desktop.services.transfer.importing import (
    ImportKind,
    ImportRejected,
    preview_import,
    run_import,
)
from desktop.services.transfer.importing.common import FULL_CHECK_ROWS
from desktop.services.transfer.importing.readers import read_csv_bytes, separator
from desktop.services.workspace import Workspace

ROWS = [
    ["client_ref", "first_name", "last_name", "date_of_birth", "state"],
    ["C-1", "Ada", "Lane", "4/12/1988", "NY"],
    ["C-2", "Bo", "Reyes; Jr", "11/02/79", "CA"],
]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_the_separator_is_found(workspace: Workspace, tmp_path: Path, sep: str) -> None:
    lines = [sep.join(f'"{c}"' if ";" in c or "," in c else c for c in row) for row in ROWS]
    path = tmp_path / "clients.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert separator(path.read_text()) == sep
    result = workspace.run(run_import, ImportKind.CLIENTS, path)
    assert result.added == 2
    born = workspace.read(
        lambda s: {r.client_ref: r.date_of_birth for r in s.execute(select(Client)).scalars()}
    )
    assert born == {"C-1": date(1988, 4, 12), "C-2": date(1979, 11, 2)}


def test_a_quoted_separator_does_not_decide() -> None:
    assert separator('"a;b;c;d",x,y\r\n1,2,3\r\n') == ","
    table = read_csv_bytes(b"a;b\r\n1;2\r\n", "f.csv").table
    assert table is not None
    assert table.header == ("a", "b")


def test_every_problem_of_every_row_at_once(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "client_ref,first_name,last_name,date_of_birth,email,zip,subscriber_relationship\r\n"
        "C-1,Ada,,31/12/1988,not-an-email,1234,cousin\r\n"
        ",Bo,,1/1/1990,bo@example.com,10001,\r\n",
        encoding="utf-8",
    )
    preview = workspace.read(preview_import, ImportKind.CLIENTS, path)
    assert [(p.row, p.column) for p in preview.problems] == [
        (2, "date_of_birth"),
        (2, "email"),
        (2, "last_name"),
        (2, "subscriber_relationship"),
        (2, "zip"),
        (3, "client_ref"),
        (3, "last_name"),
    ]
    assert "month first" in preview.problems[0].message


def test_a_formula_cell_is_named_as_one(workspace: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["client_ref", "first_name", "last_name", "email"])
    sheet.append(["C-1", "Ada", "=PROPER(B2)", "ada@example"])
    sheet.append(["C-2", "Bo", "Reyes", "bo@example.com"])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as caught:
        workspace.run(run_import, ImportKind.CLIENTS, path)
    problems = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert [(row, column) for row, column, _ in problems] == [(2, "email"), (2, "last_name")]
    assert problems[1][2].startswith("This cell holds a formula (=PROPER(B2))")
    assert "Paste Special" in problems[1][2]


def test_the_insured_person_and_the_middle_name_come_in(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "client_ref,first_name,middle_name,last_name,billing,payer,member_id,"
        "subscriber_relationship,subscriber_name,subscriber_date_of_birth\r\n"
        "K-1,Milo,James,Park,superbill,Aetna (60054),W1,child,Dana Park,06/30/1980\r\n",
        encoding="utf-8",
    )
    workspace.run(run_import, ImportKind.CLIENTS, path)
    milo = workspace.read(
        lambda s: next(
            (c.legal_name, c.subscriber_relationship, c.subscriber_name, c.subscriber_date_of_birth)
            for c in s.scalars(select(Client))
        )
    )
    assert milo == ("Milo James Park", "child", "Dana Park", date(1980, 6, 30))


def test_a_long_file_with_problems_is_refused_on_what_it_reads(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Past FULL_CHECK_ROWS the books are not touched once a row cannot be read: the
    applied_to below would be a refusal of the books, and is not reached."""
    workspace.run(run_import, ImportKind.CLIENTS, _clients(tmp_path))
    lines = ["client_ref,date,amount,method,applied_to"]
    lines += ["C-1,3/1/2025,10.00,Cash,"] * FULL_CHECK_ROWS
    lines += ["C-1,2025-03-01,10.00,Cash,2025-01-06 90834 10.00", "C-2,2/30/2025,10.00,Cash,"]
    path = tmp_path / "payments.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    preview = workspace.read(preview_import, ImportKind.PAYMENTS, path)
    assert [(p.row, p.column) for p in preview.problems] == [(FULL_CHECK_ROWS + 3, "date")]
    short = tmp_path / "short.csv"
    short.write_text("\r\n".join([lines[0], *lines[-2:]]) + "\r\n", encoding="utf-8")
    preview = workspace.read(preview_import, ImportKind.PAYMENTS, short)
    assert [(p.row, p.column) for p in preview.problems] == [(2, "applied_to"), (3, "date")]


def _clients(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text("client_ref,last_name\r\nC-1,Lane\r\nC-2,Reyes\r\n", encoding="utf-8")
    return path
