"""Couples and families in the clients layout, and mapping a file's own column names:
imported into a real practice, refused with a row and a reason when they disagree."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest

from desktop.domain.kinds import UnitKind
from desktop.services.books import queries as books
from desktop.services.clients.people import list_clients
from desktop.services.clients.units import get_unit_detail, list_units
from desktop.services.transfer.importing import (
    LAYOUTS,
    ImportKind,
    ImportRejected,
    check_header,
    default_matches,
    preview_import,
    run_import,
)
from desktop.services.workspace import Workspace


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


HEADER = ["client_ref", "first_name", "last_name", "unit_ref", "unit_kind",
          "identified_patient", "pays_share"]  # fmt: skip


def _units(ws: Workspace) -> dict[str, tuple[str, str, tuple[tuple[str, int], ...]]]:
    """ref -> (kind, identified patient's ref, (member ref, share) ...)."""
    result = {}
    for row in ws.read(list_units, None, True):
        detail = ws.read(get_unit_detail, row.unit_id)
        if detail.kind is UnitKind.INDIVIDUAL:
            continue
        members = tuple(sorted((m.client_ref, m.pays_share_bp) for m in detail.members))
        patient = next(m.client_ref for m in detail.members if m.identified_patient)
        result[detail.ref] = (detail.kind.value, patient, members)
    return result


def test_couples_and_families_come_in_and_take_their_sessions(
    workspace: Workspace, tmp_path: Path
) -> None:
    people = _write(
        tmp_path / "clients.csv",
        [
            HEADER,
            ["R-1", "Alex", "Rivera", "Riveras", "", "", ""],
            ["R-2", "Sam", "Rivera", "riveras", "", "yes", ""],
            ["M-1", "Jo", "Marsh", "Marsh-family;Jo-Kit", "family;couple", "no;yes", "60;50"],
            ["M-2", "Kit", "Marsh", "Marsh-family;Jo-Kit", "", "yes;", "40;50"],
            ["M-3", "Lee", "Marsh", "Marsh-family", "", "", ""],
            ["S-1", "Solo", "Client", "", "", "", ""],
        ],
    )
    result = workspace.run(run_import, ImportKind.CLIENTS, people)
    assert (result.added, result.units_added) == (6, 3)
    assert _units(workspace) == {
        # Nobody's share given: the identified patient pays it all.
        "Riveras": ("couple", "R-2", (("R-1", 0), ("R-2", 10000))),
        "Marsh-family": ("family", "M-2", (("M-1", 6000), ("M-2", 4000), ("M-3", 0))),
        "Jo-Kit": ("couple", "M-1", (("M-1", 5000), ("M-2", 5000))),
    }
    sessions = _write(
        tmp_path / "sessions.csv",
        [
            ["client_ref", "date", "service_code", "fee"],
            ["Riveras", "2025-02-04", "90847", "200"],
            ["Marsh-family", "2025-02-05", "90846", "180"],
        ],
    )
    payments = _write(
        tmp_path / "payments.csv",
        [["client_ref", "date", "amount", "method"], ["RIVERAS", "2025-02-04", "150", "Card"]],
    )
    workspace.run(run_import, ImportKind.SESSIONS, sessions)
    workspace.run(run_import, ImportKind.PAYMENTS, payments)
    refs = {u.unit_id: u.ref for u in workspace.read(list_units, None, True)}
    owed = {refs[u]: b.owed for u, b in workspace.read(books.balances).items() if b.owed}
    assert owed == {"Riveras": D("50.00"), "Marsh-family": D("180.00")}
    again = workspace.run(run_import, ImportKind.CLIENTS, people)
    assert (again.added, again.skipped, again.units_added) == (0, 6, 0)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["A", "A", "One", "U", "couple", "", ""], ["B", "B", "Two", "U", "family", "", ""]],
            (2, "unit_kind", "The rows of U disagree"),
        ),
        (
            [["A", "A", "One", "U", "", "", ""], ["B", "B", "Two", "", "", "", ""]],
            (2, "unit_ref", "U has one member"),
        ),
        (
            [["A", "A", "One", "U", "", "", "60"], ["B", "B", "Two", "U", "", "", "30"]],
            (2, "pays_share", "add up to 90%"),
        ),
        (
            [["A", "A", "One", "U", "", "yes", ""], ["B", "B", "Two", "U", "", "yes", ""]],
            (3, "identified_patient", "more than one identified patient"),
        ),
        (
            [["A", "A", "One", "U;V", "couple", "", ""], ["B", "B", "Two", "U", "", "", ""]],
            (2, "unit_kind", "one unit_kind for each unit_ref"),
        ),
        (
            [["A", "A", "One", "", "", "", "50"], ["B", "B", "Two", "", "", "", ""]],
            (2, "pays_share", "needs a unit_ref"),
        ),
        (
            [["A", "A", "One", "U", "", "", "half"], ["B", "B", "Two", "U", "", "", ""]],
            (2, "pays_share", "'half' is not a percentage"),
        ),
        (
            [["A", "A", "One", "A", "", "", ""], ["B", "B", "Two", "A", "", "", ""]],
            (2, "unit_ref", "A is a client's own reference"),
        ),
        (
            [["A", "A", "One", "Jo+Kit", "", "", ""], ["B", "B", "Two", "Jo+Kit", "", "", ""]],
            (2, "unit_ref", "up to 40 letters, digits"),
        ),
    ],
)
def test_a_unit_that_disagrees_with_itself_is_refused_with_its_row(
    workspace: Workspace, tmp_path: Path, rows: list[list[str]], expected: tuple[int, str, str]
) -> None:
    path = _write(tmp_path / "clients.csv", [HEADER, *rows])
    with pytest.raises(ImportRejected) as caught:
        workspace.run(run_import, ImportKind.CLIENTS, path)
    row, column, words = expected
    assert [(p.row, p.column) for p in caught.value.problems] == [(row, column)]
    assert words in caught.value.problems[0].message
    assert workspace.read(list_clients) == []


def test_names_match_ignoring_case_spaces_and_underscores() -> None:
    layout = LAYOUTS[ImportKind.SESSIONS]
    header = ("Client Ref", "DATE", " service_code ", "Service Code", "Fee Charged")
    assert default_matches(layout, header) == {
        "client_ref": "Client Ref",
        "date": "DATE",
        "service_code": "service_code",
    }


def test_a_mapping_reads_the_files_own_names(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "theirs.csv",
        [["Client ID", "Surname", "Given"], ["X-1", "Lowe", "Ada"]],
    )
    header = check_header(ImportKind.CLIENTS, path)
    assert header.missing == ("client_ref", "last_name")
    mapping = {"Client ID": "client_ref", "Surname": "last_name", "Given": "first_name"}
    assert check_header(ImportKind.CLIENTS, path, mapping).missing == ()
    preview = workspace.read(preview_import, ImportKind.CLIENTS, path, mapping)
    assert preview.ok
    assert preview.result is not None
    assert preview.result.added == 1
    assert workspace.read(list_clients) == []
    # A column the mapping sends nowhere is ignored, even when its own name would match.
    unmapped = {**mapping, "Given": ""}
    result = workspace.run(run_import, ImportKind.CLIENTS, path, unmapped)
    assert result.ignored_columns == ("Given",)
    assert [(c.client_ref, c.legal_name) for c in workspace.read(list_clients)] == [("X-1", "Lowe")]
