"""Full export, then import of its clients, sessions and payments into a new practice:
the same balances, aging and reports."""

from __future__ import annotations

import csv
import hashlib
import stat
from dataclasses import replace
from datetime import date, time
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.domain.kinds import AdjustmentReason, BillingPreference, SessionStatus
from desktop.services.books import (
    fees,
    payment_list,
    payments,
    period_reports,
    periods,
    refunds,
    sessions,
    voids,
    write_offs,
)
from desktop.services.books import queries as books
from desktop.services.books.sessions import SessionInput
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.clients.people import (
    ClientInput,
    create_client,
    get_client_detail,
    list_clients,
    set_active,
)
from desktop.services.clients.units import (
    CoupleInput,
    MemberShare,
    create_couple,
    create_family,
    get_unit_detail,
    list_units,
    set_unit_active,
)
from desktop.services.documents.receipts import issue_receipt
from desktop.services.practice import catalog
from desktop.services.practice import settings as practice
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.transfer.exporting import (
    ExportCancelled,
    ExportFailed,
    export_all,
    gather,
    write_export,
)
from desktop.services.transfer.importing import ImportKind, ImportRejected, run_import
from desktop.services.transfer.importing.everything import import_folder, preview_folder
from desktop.services.transfer.importing.history import HISTORY_FILES
from desktop.services.workspace import Workspace
from tests.books_helpers import client_id, method_id
from tests.conftest import PASSPHRASE

DAYS = (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 6, 30))
# Voiding a session, or changing its fee, is dated the day it is done (today), and the
# import layouts carry the books as they stand: so periods run to today, and past
# "as of" views are compared for the clients whose entries were not changed later.
START = date(2025, 1, 1)
UNCHANGED = ("A-1", "B-2", "CPL-RIVERA", "FAM-0001", "H-9")


def _client(ws: Workspace, ref: str, last: str, **extra: object) -> int:
    data = ClientInput(client_ref=ref, legal_first_name="Test", legal_last_name=last)
    for name, value in extra.items():
        data = data.__class__(**{**data.__dict__, name: value})
    return ws.run(create_client, data).unit_id


def _visit(ws: Workspace, unit: int, day: date, **extra: object) -> sessions.SessionRow:
    values: dict[str, object] = {"service_code": "90834", "minutes": 50, **extra}
    return ws.run(sessions.record_session, SessionInput(unit, day, **values))  # type: ignore[arg-type]


def _pay(ws: Workspace, unit: int, day: date, amount: str, method: str, **extra: object) -> int:
    method_row = ws.run(method_id, method)
    data = payments.PaymentInput(unit, day, D(amount), method_row, **extra)  # type: ignore[arg-type]
    return ws.run(payments.record_payment, data).id


def build(ws: Workspace) -> None:
    """Every kind of entry an export has to carry."""
    a = _client(ws, "A-1", "Alder", default_fee=D("160.00"))
    b = _client(ws, "B-2", "=HYPERLINK(1)", billing=BillingPreference.SUPERBILL)
    c = _client(ws, "C-3", "Cole")
    # A: sessions, a late cancel, a cancellation, a card payment with its fee, a write-off.
    first = _visit(ws, a, date(2025, 1, 6), start_time=time(9, 0), fee=D("160.00"))
    _visit(ws, a, date(2025, 1, 13), service_code="LATE", status=SessionStatus.LATE_CANCEL)
    _visit(ws, a, date(2025, 1, 20), status=SessionStatus.CANCELLED)
    _visit(ws, a, date(2025, 2, 3), addon_code="90785", place_of_service="10", modifiers="95")
    _pay(ws, a, date(2025, 1, 6), "160.00", "Card")
    charge = ws.read(payments.open_charges, a)[0]
    ws.run(
        write_offs.write_off,
        charge.id,
        D("25.00"),
        AdjustmentReason.SLIDING_SCALE,
        on=charge.service_date,
    )
    assert first.fee == D("160.00")
    # B: an overpayment that becomes credit, part refunded, then used by a later session.
    _pay(ws, b, date(2025, 2, 1), "400.00", "Check", reference="1042")
    _visit(ws, b, date(2025, 2, 2))
    ws.run(refunds.record_refund, b, D("100.00"), date(2025, 2, 10))
    _visit(ws, b, date(2025, 3, 2), status=SessionStatus.NO_SHOW, service_code="NOSHOW")
    # C: a voided session, a voided payment, a fee that is not a session, a changed fee.
    wrong = _visit(ws, c, date(2025, 3, 3))
    ws.run(sessions.void_session, wrong.id, "Entered for the wrong client")
    bad = _pay(ws, c, date(2025, 3, 4), "50.00", "Cash")
    ws.run(voids.void_entry, "payment", bad, "Bounced", date(2025, 3, 5))
    ws.run(fees.record_fee, c, "REPORT", date(2025, 3, 6), D("80.00"))
    changed = _visit(ws, c, date(2025, 3, 9))
    _pay(ws, c, date(2025, 3, 9), "150.00", "Zelle")
    ws.run(
        sessions.update_session,
        changed.id,
        SessionInput(c, date(2025, 3, 9), "90834", fee=D("120.00"), minutes=50),
        "Sliding scale agreed",
    )
    # A couple seen together, the second partner paying a third; a family of three.
    d, e, f, g, h = (
        ws.run(
            create_client,
            ClientInput(client_ref=ref, legal_first_name=first, legal_last_name=last),
        ).id
        for ref, first, last in (
            ("D-4", "Alex", "Rivera"),
            ("E-5", "Sam", "Rivera"),
            ("F-6", "Jo", "Marsh"),
            ("G-7", "Kit", "Marsh"),
            ("H-8", "Lee", "Marsh"),
        )
    )
    couple = ws.run(
        create_couple,
        CoupleInput(
            members=(MemberShare(d, 6667), MemberShare(e, 3333)),
            identified_patient_id=e,
            ref="CPL-RIVERA",
        ),
    ).unit_id
    family = ws.run(
        create_family,
        CoupleInput(
            members=tuple(MemberShare(x, 10000 if x == g else 0) for x in (f, g, h)),
            identified_patient_id=h,
        ),
    ).unit_id
    _visit(ws, couple, date(2025, 2, 4), service_code="90847", fee=D("200.00"))
    _visit(ws, couple, date(2025, 3, 4), service_code="90847", fee=D("200.00"))
    _pay(ws, couple, date(2025, 2, 4), "150.00", "Card")
    _visit(ws, family, date(2025, 3, 11), service_code="90846", fee=D("180.00"))
    _pay(ws, family, date(2025, 3, 11), "200.00", "Check", reference="77")
    # H: paid by hand for the newer session, leaving the older one owing; then a payment
    # applied oldest first, and one kept as credit. Oldest first again would age differently.
    h = _client(ws, "H-9", "Hale")
    _visit(ws, h, date(2025, 1, 6), fee=D("150.00"))
    _visit(ws, h, date(2025, 1, 13), fee=D("150.00"))
    newer = ws.read(payments.open_charges, h)[1]
    _pay(ws, h, date(2025, 1, 14), "150.00", "Cash", allocations=((newer.id, D("150.00")),))
    _pay(ws, h, date(2025, 2, 20), "40.00", "Cash")
    _pay(ws, h, date(2025, 2, 21), "25.00", "Cash", allocations=())


def _snapshot(ws: Workspace) -> dict[str, object]:
    balances = ws.read(books.balances)
    refs = {row.unit_id: row.ref for row in ws.read(list_units, None, True)}
    aging = {
        day: [
            (r.client_ref, r.buckets)
            for r in ws.read(books.aging, day).rows
            if r.client_ref in UNCHANGED
        ]
        for day in DAYS
    }
    aging["today"] = [(r.client_ref, r.buckets) for r in ws.read(books.aging, date.today()).rows]
    # A payment voided later shows on its day and again, negated, on the void's day; the
    # export leaves both out, so income is compared per method over the whole period.
    period = (START, date.today())  # taken at reading time: a run may cross midnight
    income: dict[str, list[D]] = {}
    for r in ws.read(period_reports.income, *period):
        totals = income.setdefault(r.method, [D(0)] * 4)
        for i, value in enumerate((r.gross, r.fee, r.net, r.refunds)):
            totals[i] += value
    income = {method: totals for method, totals in income.items() if any(totals)}
    services = [(r.key, r.amount) for r in ws.read(period_reports.charges_by_service, *period)]
    offs = [(r.key, r.amount) for r in ws.read(period_reports.write_offs_by_reason, *period)]
    roll = ws.read(period_reports.rollforward, *period)
    return {
        "balances": sorted((refs[u], b.owed, b.credit) for u, b in balances.items()),
        "aging": aging,
        "income": income,
        "services": services,
        "write_offs": offs,
        "closing": (roll.closing, roll.credit_closing, roll.ties),
    }


def test_export_then_import_gives_the_same_books(
    workspace: Workspace, tmp_path: Path, profile: Profile
) -> None:
    build(workspace)
    before = _snapshot(workspace)
    out = tmp_path / "export"
    result = workspace.read(export_all, out)
    assert workspace.read(books.ledger_problems) == []

    fresh = Workspace.create(tmp_path / "new" / "books.qlb", PASSPHRASE)
    try:
        fresh.run(create_practice, profile)
        for kind in (ImportKind.CLIENTS, ImportKind.SESSIONS, ImportKind.PAYMENTS):
            imported = fresh.run(run_import, kind, out / f"{kind.value}.csv")
            assert imported.ignored_columns == ()
        after = _snapshot(fresh)
        assert fresh.read(books.ledger_problems) == []
    finally:
        fresh.close()
    assert after == before
    assert {"clients.csv", "export.xlsx"} <= set(result.files)


def test_export_files_are_private_and_neutralised(workspace: Workspace, tmp_path: Path) -> None:
    build(workspace)
    paid = workspace.read(payment_list.list_payments)[0]
    receipt = workspace.run(issue_receipt, paid.id, issued_on=date(2025, 1, 7))
    out = tmp_path / "export"
    result = workspace.read(export_all, out)
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as handle:
        documents = list(csv.DictReader(handle))
    assert [(d["kind"], d["number"]) for d in documents] == [("receipt", receipt.number)]
    pdf = (out / documents[0]["pdf_file"]).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == documents[0]["sha256"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for name in result.files:
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    with (out / "clients.csv").open(encoding="utf-8-sig", newline="") as handle:
        lasts = [row["last_name"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(1)" in lasts
    workbook = load_workbook(out / "export.xlsx", read_only=True)
    expected = {
        "clients",
        "sessions",
        "payments",
        "allocations",
        "charges",
        "write_offs",
        "refunds",
        "voids",
        "diagnoses",
        "billing_units",
        "documents",
        "estimates",
        "estimate_lines",
        "claims",
        "claim_events",
        "balances",
        "practice",
        "services",
        "payment_methods",
        "payers",
    }
    assert expected <= set(workbook.sheetnames)
    workbook.close()
    with (out / "voids.csv").open(encoding="utf-8-sig", newline="") as handle:
        voided = {row["voided"] for row in csv.DictReader(handle)}
    assert {"session", "payment", "charge"} <= voided


def test_export_refuses_a_folder_with_files(workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ExportFailed, match="not an empty folder"):
        workspace.read(export_all, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".busy")]


def test_importing_an_export_into_its_own_practice_adds_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(workspace)
    before = _snapshot(workspace)
    out = tmp_path / "export"
    workspace.read(export_all, out)
    for kind in (ImportKind.CLIENTS, ImportKind.SESSIONS, ImportKind.PAYMENTS):
        result = workspace.run(run_import, kind, out / f"{kind.value}.csv")
        assert result.added == 0, kind
        assert result.skipped == result.rows
    assert _snapshot(workspace) == before


def _customise(ws: Workspace) -> None:
    """What a practice changes over the years, beyond its clients and sessions."""
    services = {s.code: s for s in ws.read(catalog.list_services, True)}
    label = services["90834"]
    ws.run(
        catalog.update_service,
        label.id,
        catalog.ServiceInput("90834", "Psychotherapy, 45 minutes", 50, D("175.00"), True),
    )
    ws.run(catalog.create_service, catalog.ServiceInput("CONSULT", "Consultation", 30, D("90")))
    ws.run(catalog.deactivate_service, services["90853"].id)
    methods = {m.name: m for m in ws.read(catalog.list_payment_methods, True)}
    ws.run(
        catalog.update_payment_method,
        methods["Card"].id,
        catalog.PaymentMethodInput("Card", 315, D("0.25")),
    )
    ivy = ws.run(catalog.create_payment_method, catalog.PaymentMethodInput("Ivy Pay", 250))
    ws.run(catalog.order_payment_methods, [ivy.id, methods["Zelle"].id])  # most used first
    ws.run(
        catalog.create_payer,
        catalog.PayerInput("Aetna", "60054", 180, 21, "10", "95", D("110.00")),
    )
    ws.run(catalog.create_payer, catalog.PayerInput("Old Mutual", active=False))
    a = ws.read(client_id, "A-1")
    ws.run(add_diagnosis, a, "F41.1", date(2025, 1, 2), 1, date(2025, 2, 28))
    ws.run(add_diagnosis, a, "F43.23", date(2025, 3, 1), 1)
    ws.run(add_diagnosis, a, "Z63.0", date(2025, 3, 1), 2)
    settings = ws.read(practice.get_settings)
    ws.run(
        practice.update_settings,
        replace(settings, due_days=15, statement_message="Thank you.", autolock_minutes=5),
    )
    ws.run(set_active, ws.read(client_id, "C-3"), False)
    family = next(u for u in ws.read(list_units, None, True) if u.ref == "FAM-0001")
    ws.run(set_unit_active, family.unit_id, False)
    ws.run(periods.close_period, date(2025, 1, 31))


def _settled(ws: Workspace) -> dict[str, object]:
    """Everything beyond the ledger that moving to a new laptop has to carry."""
    units = {}
    for row in ws.read(list_units, None, True):
        unit = ws.read(get_unit_detail, row.unit_id)
        members = sorted(
            (m.client_ref, m.pays_share_bp, m.identified_patient) for m in unit.members
        )
        units[unit.ref] = (unit.kind, unit.name, unit.default_fee, unit.active, members)
    diagnoses = sorted(
        (ref, d.code, d.rank, d.effective_from, d.effective_to)
        for ref in ("A-1", "B-2")
        for d in ws.read(get_client_detail, ws.read(client_id, ref)).diagnoses
    )
    settings = replace(ws.read(practice.get_settings), user_name="")
    return {
        "profile": ws.read(practice.get_profile),
        "settings": settings,
        "services": [replace(s, id=0) for s in ws.read(catalog.list_services, True)],
        "methods": [  # in the order the payment dialog lists them
            (m.name, m.fee_basis_points, m.fee_fixed, m.active)
            for m in ws.read(catalog.list_payment_methods, True)
        ],
        "payers": [replace(p, id=0) for p in ws.read(catalog.list_payers, True)],
        "units": units,
        "diagnoses": diagnoses,
    }


def test_import_all_moves_the_whole_practice_to_a_new_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(workspace)
    _customise(workspace)
    before = (_snapshot(workspace), _settled(workspace))
    out = tmp_path / "export"
    workspace.read(export_all, out)

    fresh = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    try:
        fresh.run(create_practice, Profile(practice_name="Placeholder"), user_name="Dana")
        preview = fresh.read(preview_folder, out)
        assert preview.problems == ()
        assert fresh.read(list_clients) == []
        results = fresh.run(import_folder, out)
        after = (_snapshot(fresh), _settled(fresh))
        assert fresh.read(books.ledger_problems) == []
        again = fresh.run(import_folder, out)
    finally:
        fresh.close()
    assert after == before
    added = {r.kind: r.added for r in results}
    assert added["clients"] == 9
    assert next(r for r in results if r.kind == "clients").units_added == 2
    assert added["diagnoses"] == 3
    # The second time the books hold sessions, so the history is not replayed again:
    # each file is matched against them, and nothing is added.
    assert {r.kind: r.added for r in again} == dict.fromkeys((r.kind for r in again), 0)
    assert {r.kind for r in again} <= set(added)
    # Every row of the history files (voided sessions and payments among them).
    assert added["history"] == sum(len(_rows_of(out / f"{stem}.csv")) for stem in HISTORY_FILES)


def _rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))[1:]


def test_import_all_refuses_a_broken_folder_and_changes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(workspace)
    out = tmp_path / "export"
    workspace.read(export_all, out)
    services = (out / "services.csv").read_text(encoding="utf-8-sig")
    (out / "services.csv").write_text(services.replace(",yes,yes", ",maybe,yes", 1), "utf-8")
    fresh = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    try:
        fresh.run(create_practice, Profile(practice_name="Placeholder"))
        with pytest.raises(ImportRejected) as caught:
            fresh.run(import_folder, out)
        assert fresh.read(list_clients) == []
        assert fresh.read(practice.get_profile).practice_name == "Placeholder"
    finally:
        fresh.close()
    assert [(p.file, p.column) for p in caught.value.problems] == [("services.csv", "superbill")]


def test_a_cancelled_export_leaves_nothing_behind(workspace: Workspace, tmp_path: Path) -> None:
    build(workspace)
    bundle = workspace.read(gather)
    heard: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        heard.append((done, total))
        return done < 3

    out = tmp_path / "export"
    with pytest.raises(ExportCancelled):
        write_export(bundle, out, progress)
    assert heard[-1][0] == 3
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]
    result = write_export(bundle, out, lambda done, total: heard.append((done, total)) or True)
    assert heard[-1] == (len(result.files), len(result.files))


def test_a_refusal_at_the_end_of_import_all_is_a_problem_in_its_place(
    workspace: Workspace, tmp_path: Path
) -> None:
    build(workspace)
    out = tmp_path / "export"
    workspace.read(export_all, out)
    methods = (out / "payment_methods.csv").read_text(encoding="utf-8-sig")
    (out / "payment_methods.csv").write_text(methods.replace(",yes,", ",no,"), "utf-8")
    fresh = Workspace.create(tmp_path / "laptop" / "books.qlb", PASSPHRASE)
    try:
        fresh.run(create_practice, Profile(practice_name="Placeholder"))
        preview = fresh.read(preview_folder, out)
    finally:
        fresh.close()
    # Every method inactive: the last one cannot be, and the import says where.
    assert [(p.file, p.column) for p in preview.problems] == [("payment_methods.csv", "active")]
    assert "at least one payment method" in preview.problems[0].message
