"""Issued documents and claims come back with `import all`: the same numbers, versions
and PDF bytes, lines tied to the new charges, claims with their history."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import DocumentLine
from desktop.domain.kinds import ClaimStatus as S
from desktop.domain.kinds import DocumentKind
from desktop.services.books import payment_list, sessions
from desktop.services.books.sessions import SessionInput
from desktop.services.claims import tracking as claims
from desktop.services.claims import updates
from desktop.services.claims.rules import ClaimChange
from desktop.services.clients.units import list_units
from desktop.services.documents import store as documents_store
from desktop.services.documents import superbills
from desktop.services.documents.blocks import CheckFailed
from desktop.services.documents.receipts import issue_receipt
from desktop.services.estimates import follow, owed
from desktop.services.estimates.drafts import EstimateInput, ExpectedService
from desktop.services.estimates.issue import correct_estimate, issue_estimate
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import export_all
from desktop.services.transfer.importing import ImportRejected
from desktop.services.transfer.importing.everything import import_folder, preview_folder
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.services.documents.test_superbill_service import FEB_1, FEB_28, ISSUED, february, issue
from tests.services.estimates.test_estimate_service import client_on_90834

TODAY = date(2026, 6, 30)


def _paperwork(ws: Workspace) -> None:
    """A superbill and its correction, a receipt, and a claim followed to payment."""
    unit = ws.run(february)
    first = issue(ws, unit)
    ws.run(superbills.correct_superbill, first.id, issued_on=date(2026, 3, 12))
    paid = ws.read(payment_list.list_payments)[0]
    ws.run(issue_receipt, paid.id, issued_on=date(2026, 3, 13))
    claim = ws.read(claims.list_claims, today=TODAY)[0]
    for to, on, extra in (
        (S.SUBMITTED, date(2026, 3, 15), {"claim_number": "EX-77"}),
        (S.PAID, date(2026, 4, 20), {"allowed": D("300.00"), "reimbursed": D("210.00")}),
    ):
        change = ClaimChange(to_status=to, on=on, **extra)  # type: ignore[arg-type]
        ws.run(updates.change_status, claim.id, change, today=TODAY)


def _documents(ws: Workspace) -> list[tuple[object, ...]]:
    rows = ws.read(documents_store.list_documents)
    labels = {d.id: d.label for d in rows}
    return sorted(
        (
            d.kind,
            d.label,
            d.unit_ref,
            d.issued_on,
            d.total_charged,
            d.balance,
            labels.get(d.supersedes_id),  # type: ignore[arg-type]
            d.sha256,
            ws.read(documents_store.reprint, d.id),
        )
        for d in rows
    )


def _claims(ws: Workspace) -> list[tuple[object, ...]]:
    found = []
    for row in ws.read(claims.list_claims, today=TODAY):
        detail = ws.read(claims.get_claim, row.id, TODAY)
        events = [(e.event_date, e.from_status, e.to_status, e.note) for e in detail.events]
        found.append((row.superbill, row.status, row.claim_number, row.reimbursed, events))
    return found


def _lines(ws: Workspace) -> list[tuple[object, ...]]:
    def read(session):  # type: ignore[no-untyped-def]
        from db.models import Charge

        query = select(DocumentLine, Charge).join(Charge, Charge.id == DocumentLine.charge_id)
        return sorted(
            (line.line_no, line.service_date, line.code, charge.service_date, charge.amount)
            for line, charge in session.execute(query)
        )

    return ws.read(read)


def _export_and_move(ws: Workspace, tmp_path: Path) -> tuple[Path, Workspace]:
    out = tmp_path / "export"
    ws.read(export_all, out)
    fresh = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    fresh.run(create_practice, Profile(practice_name="Placeholder"), user_name="Dana")
    return out, fresh


def test_documents_and_claims_come_back_exactly(workspace: Workspace, tmp_path: Path) -> None:
    _paperwork(workspace)
    before = (_documents(workspace), _claims(workspace), _lines(workspace))
    assert len(before[0]) == 3
    assert before[1][0][1] is S.PAID
    out, fresh = _export_and_move(workspace, tmp_path)
    try:
        results = {r.kind: r for r in fresh.run(import_folder, out)}
        assert (results["documents"].added, results["claims"].added) == (3, 1)
        assert (_documents(fresh), _claims(fresh), _lines(fresh)) == before
        # Numbering carries on, and February's sessions are already on a superbill.
        next_superbill = fresh.read(documents_store.next_number, DocumentKind.SUPERBILL, ISSUED)
        assert next_superbill == "SB-2026-0002"
        unit = next(u.unit_id for u in fresh.read(list_units, None, True) if u.ref == "K1")
        with pytest.raises(CheckFailed, match="already on SB-2026-0001"):
            fresh.run(superbills.issue_superbill, unit, FEB_1, FEB_28, issued_on=ISSUED)
        again = {r.kind: r for r in fresh.run(import_folder, out)}
        assert (again["documents"].added, again["claims"].added) == (0, 0)
    finally:
        fresh.close()


def test_a_pdf_that_is_not_the_one_issued_refuses_the_folder(
    workspace: Workspace, tmp_path: Path
) -> None:
    _paperwork(workspace)
    out, fresh = _export_and_move(workspace, tmp_path)
    try:
        with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as handle:
            first = next(csv.DictReader(handle))
        (out / first["pdf_file"]).write_bytes(b"%PDF-1.7 something else")
        problems = fresh.read(preview_folder, out).problems
        assert [(p.file, p.row, p.column) for p in problems] == [("documents.csv", 2, "sha256")]
        assert "is not the document that was issued" in problems[0].message
        with pytest.raises(ImportRejected):
            fresh.run(import_folder, out)
        assert fresh.read(documents_store.list_documents) == []
    finally:
        fresh.close()


# --- Good Faith Estimates ----------------------------------------------------------------------

GFE_TODAY = date(2026, 4, 30)


def _estimates(ws: Workspace) -> tuple[int, int]:
    """An estimate billed $400 over (dispute-eligible), one noted as owed then given late and
    corrected to a second version, and one still owed."""
    over = ws.run(client_on_90834, "G1", "Gail Ortiz")
    kept = ws.run(client_on_90834, "G2", "Hal Price")
    first = date(2026, 2, 23)
    ws.run(
        issue_estimate,
        EstimateInput(over, date(2026, 2, 2), first, items=(ExpectedService("90834", 2),)),
        date(2026, 2, 3),
    )
    for week in range(6):
        day = first + timedelta(weeks=week)
        ws.run(sessions.record_session, SessionInput(over, day, "90834", minutes=50))
    plan = EstimateInput(
        kept,
        date(2026, 3, 2),
        date(2026, 3, 16),
        requested=True,
        items=(ExpectedService("90834", 10), ExpectedService("90791", 1, D("210.00"))),
        through=date(2026, 12, 31),
        frequency="every other week",
        show_diagnoses=True,
    )
    ws.run(owed.note_owed, kept, date(2026, 3, 2), date(2026, 3, 16), True, date(2026, 3, 2))
    issued = ws.run(issue_estimate, plan, date(2026, 3, 9))  # after its deadline: late
    ws.run(
        correct_estimate,
        issued.estimate_id,
        replace(plan, items=(ExpectedService("90834", 14),)),
        date(2026, 4, 1),
    )
    ws.run(sessions.record_session, SessionInput(kept, date(2026, 3, 16), "90791", minutes=60))
    waiting = ws.run(client_on_90834, "G3", "Ida Quinn")
    ws.run(owed.note_owed, waiting, date(2026, 4, 20), date(2026, 5, 11), False, date(2026, 4, 20))
    return over, kept


def _estimate_csvs(folder: Path) -> dict[str, list[list[str]]]:
    """The estimates files as written, ids blanked (a new file numbers its rows anew)."""
    files = {}
    for name in ("estimates", "estimate_lines", "estimates_owed"):
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        ids = [i for i, column in enumerate(rows[0]) if column.endswith("_id")]
        files[name] = [[("" if i in ids else v) for i, v in enumerate(r)] for r in rows]
    return files


def _followed(ws: Workspace) -> list[tuple[object, ...]]:
    fields = (
        "client_ref", "label", "scheduled_on", "requested", "first_service", "period_end",
        "due_by", "issued_on", "frequency", "sessions", "total", "billed", "over_by",
        "dispute_eligible", "late", "status",
    )  # fmt: skip
    return [
        tuple(getattr(e, name) for name in fields)
        for e in ws.read(follow.current_estimates, GFE_TODAY)
    ]


def test_estimates_come_back_on_their_documents(workspace: Workspace, tmp_path: Path) -> None:
    _estimates(workspace)
    before = _followed(workspace)
    assert [(row[1], row[-1]) for row in before] == [
        ("GFE-2026-0001", "dispute-eligible"),
        # Late too, but the correction left out the 90791 intake already billed.
        ("GFE-2026-0002 v2", "scope-changed"),
    ]
    out, fresh = _export_and_move(workspace, tmp_path)
    try:
        results = {r.kind: r for r in fresh.run(import_folder, out)}
        # Three estimate versions, and two estimates owed (one met, one still open).
        assert (results["documents"].added, results["estimates"].added) == (3, 5)
        assert _followed(fresh) == before
        meter = {
            e.label: (e.total, e.billed, e.over_by)
            for e in fresh.read(follow.current_estimates, GFE_TODAY)
        }
        assert meter["GFE-2026-0001"] == (D("280.00"), D("840.00"), D("560.00"))
        assert fresh.read(follow.estimates_needing_action, GFE_TODAY) == 3
        assert [o.client_ref for o in fresh.read(owed.owed_estimates, GFE_TODAY)] == ["G3"]
        # Numbering carries on where it stopped.
        assert fresh.read(documents_store.next_number, DocumentKind.ESTIMATE, GFE_TODAY) == (
            "GFE-2026-0003"
        )
        again_out = tmp_path / "again"
        fresh.read(export_all, again_out)
        again = {r.kind: r for r in fresh.run(import_folder, out)}
        assert (again["documents"].added, again["estimates"].added) == (0, 0)
    finally:
        fresh.close()
    assert _estimate_csvs(again_out) == _estimate_csvs(out)
    assert len(_estimate_csvs(out)["estimate_lines"]) == 1 + 1 + 2 + 1


def test_an_estimate_on_a_document_not_in_the_folder_is_a_problem(
    workspace: Workspace, tmp_path: Path
) -> None:
    _estimates(workspace)
    out, fresh = _export_and_move(workspace, tmp_path)
    try:
        path = out / "estimates.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[1][rows[0].index("document_id")] = "999"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        problems = fresh.read(preview_folder, out).problems
        assert [(p.file, p.row, p.column) for p in problems] == [
            ("estimates.csv", 2, "document_id")
        ]
        with pytest.raises(ImportRejected):
            fresh.run(import_folder, out)
        assert fresh.read(follow.current_estimates, GFE_TODAY) == []
    finally:
        fresh.close()
