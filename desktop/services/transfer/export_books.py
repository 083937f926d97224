"""The books as the import layouts have them, and the ledger entries beneath them.

``clients.csv``, ``sessions.csv`` and ``payments.csv`` are in the import layouts
(see ``format``), so importing them into a new practice gives the same balances,
aging and reports: voided sessions and payments are left out (to files of their
own), write-offs ride on their session's row, refunds on their payment's row, and
a charge that is not a session (a report fee) is a session row of its own. Beneath
them, the ledger's history that ``import all`` replays: allocations, charges,
write-offs, refunds and voids, naming entries by their ids; and each client's
balance, to check against. Every function here reads; nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    BillingUnit,
    Charge,
    Client,
    Diagnosis,
    LedgerTxn,
    Payment,
    Refund,
    Service,
)
from db.models import Session as SessionRecord
from desktop.domain.money import ZERO
from desktop.reports.tabular import Column, Table
from desktop.services.books import queries as books
from desktop.services.transfer.format import (
    CLIENTS_FILE_COLUMNS,
    DATE,
    FEE_STATUS,
    INT,
    LAYOUTS,
    MEMBERSHIP_COLUMNS,
    MONEY,
    AppliedCharge,
    ImportKind,
    format_applied_to,
    format_flag,
    format_modifiers,
    format_share,
    format_time,
    layout_columns,
    table,
)


def clients_table(session: Session, payers: dict[int, str], today: date) -> tuple[str, Table]:
    """clients.csv in the import layout: each client, their fee, insurer, diagnoses in force
    ``today``, and the couples and families they belong to."""
    own = {
        u.identified_patient_id: u
        for u in session.scalars(select(BillingUnit).where(BillingUnit.kind == "individual"))
    }
    in_force: dict[int, list[Diagnosis]] = defaultdict(list)
    for d in session.scalars(select(Diagnosis).order_by(Diagnosis.rank)):
        if d.effective_from <= today and (d.effective_to is None or today <= d.effective_to):
            in_force[d.client_id].append(d)
    groups = _group_cells(session)
    rows = []
    for c in session.scalars(select(Client).order_by(Client.client_ref)):
        unit = own.get(c.id)
        fee = unit.default_fee if unit is not None and unit.default_fee > 0 else None
        cells = {
            "client_ref": c.client_ref,
            "first_name": c.legal_first_name,
            "middle_name": c.legal_middle_name,
            "last_name": c.legal_last_name,
            "preferred_name": c.preferred_name,
            "date_of_birth": c.date_of_birth,
            "sex": c.sex,
            "email": c.email,
            "phone": c.phone,
            "address": c.address,
            "city": c.city,
            "state": c.state,
            "zip": c.zip,
            "billing": c.billing,
            "default_fee": fee,
            "payer": payers.get(c.payer_id, "") if c.payer_id else "",
            "member_id": c.member_id,
            "group_number": c.group_number,
            "subscriber_relationship": c.subscriber_relationship,
            "subscriber_name": c.subscriber_name,
            "subscriber_date_of_birth": c.subscriber_date_of_birth,
            "diagnoses": ";".join(d.code for d in in_force[c.id]),
            "diagnosis_codes_only": format_flag(c.diagnosis_codes_only),
            "estimate_allowed": c.est_allowed,
            "estimate_deductible_left": c.est_deductible,
            "estimate_coinsurance": (
                format_share(c.est_coinsurance_bp) if c.est_coinsurance_bp is not None else ""
            ),
            **dict(zip(MEMBERSHIP_COLUMNS, groups.get(c.id, ("", "", "", "")), strict=True)),
        }
        rows.append(tuple(cells[name] for name in CLIENTS_FILE_COLUMNS))
    kinds = {
        "date_of_birth": DATE,
        "subscriber_date_of_birth": DATE,
        "default_fee": MONEY,
        "estimate_allowed": MONEY,
        "estimate_deductible_left": MONEY,
    }
    return table("clients", layout_columns(CLIENTS_FILE_COLUMNS, kinds), rows)


def _group_cells(session: Session) -> dict[int, tuple[str, str, str, str]]:
    """Each client's couples and families as the clients layout lists them: unit_ref,
    unit_kind, identified_patient and pays_share, one entry per unit joined by ';'."""
    entries: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    groups = session.scalars(
        select(BillingUnit).where(BillingUnit.kind != "individual").order_by(BillingUnit.ref)
    )
    for unit in groups:
        for m in unit.members:
            patient = format_flag(m.client_id == unit.identified_patient_id)
            entries[m.client_id].append(
                (unit.ref, unit.kind, patient, format_share(m.pays_share_bp))
            )
    return {
        client_id: tuple(";".join(e[i] for e in listed) for i in range(4))  # type: ignore[misc]
        for client_id, listed in entries.items()
    }


def _adjusted(session: Session) -> dict[int, tuple[Decimal, date, str]]:
    """Active write-offs per charge: total, latest date, reason (the first one's)."""
    result: dict[int, tuple[Decimal, date, str]] = {}
    query = (
        select(Adjustment, LedgerTxn.txn_date)
        .join(LedgerTxn, LedgerTxn.id == Adjustment.txn_id)
        .where(Adjustment.void_txn_id.is_(None))
        .order_by(Adjustment.id)
    )
    for adjustment, on in session.execute(query):
        total, last, reason = result.get(adjustment.charge_id, (ZERO, on, adjustment.reason))
        result[adjustment.charge_id] = (total + adjustment.amount, max(last, on), reason)
    return result


def sessions_table(
    session: Session, refs: dict[int, str], codes: dict[int, str], *, voided: bool = False
) -> tuple[str, Table]:
    """sessions.csv in the import layout: sessions not voided, with their write-offs, and
    each charge that is not a session as a row of its own; each session's id after the
    layout's columns, so that the ledger's history can name it. With ``voided``, the voided
    sessions alone (voided_sessions.csv), their charges and voids being in the history."""
    adjusted = {} if voided else _adjusted(session)
    by_session: dict[int, list[int]] = defaultdict(list)
    loose: list[Charge] = []
    for charge in session.scalars(
        select(Charge).where(Charge.void_txn_id.is_(None)).order_by(Charge.id)
    ):
        if voided:
            break
        if charge.session_id is None:
            loose.append(charge)
        else:
            by_session[charge.session_id].append(charge.id)
    layout = LAYOUTS[ImportKind.SESSIONS]
    names = (*layout.columns, str(layout.export_id))
    is_voided = (
        SessionRecord.voided_at.is_not(None) if voided else SessionRecord.voided_at.is_(None)
    )
    rows = []
    for s in session.scalars(
        select(SessionRecord)
        .where(is_voided)
        .order_by(SessionRecord.service_date, SessionRecord.id)
    ):
        offs = [adjusted[c] for c in by_session[s.id] if c in adjusted]
        cells = {
            "client_ref": refs[s.unit_id],
            "date": s.service_date,
            "start_time": format_time(s.start_time),
            "minutes": s.minutes,
            "service_code": codes[s.service_id],
            "fee": s.fee,
            "status": s.status,
            "place_of_service": s.place_of_service,
            "modifiers": format_modifiers(s.modifiers),
            "addon_code": codes[s.addon_service_id] if s.addon_service_id else "",
            "addon_fee": s.addon_fee,
            "memo": s.memo,
            **_write_off_cells(offs),
            "session_id": s.id,
        }
        rows.append(tuple(cells[n] for n in names))
    for charge in loose:
        offs = [adjusted[charge.id]] if charge.id in adjusted else []
        cells = {
            **dict.fromkeys(names, ""),
            "client_ref": refs[charge.unit_id],
            "date": charge.service_date,
            "minutes": None,
            "service_code": codes[charge.service_id],
            "fee": charge.amount,
            "status": FEE_STATUS,
            "addon_fee": None,
            "session_id": None,
            **_write_off_cells(offs),
        }
        rows.append(tuple(cells[n] for n in names))
    kinds = {
        "date": DATE,
        "minutes": INT,
        "fee": MONEY,
        "addon_fee": MONEY,
        "write_off": MONEY,
        "write_off_date": DATE,
        "session_id": INT,
    }
    stem = "voided_sessions" if voided else "sessions"
    return table(stem, layout_columns(names, kinds), rows)


def _write_off_cells(offs: list[tuple[Decimal, date, str]]) -> dict[str, object]:
    if not offs:
        return {"write_off": None, "write_off_date": None, "write_off_reason": ""}
    return {
        "write_off": sum((o[0] for o in offs), ZERO),
        "write_off_date": max(o[1] for o in offs),
        "write_off_reason": offs[0][2],
    }


def payments_table(
    session: Session, refs: dict[int, str], methods: dict[int, str], *, voided: bool = False
) -> tuple[str, Table]:
    """payments.csv in the import layout: payments not voided, with their refunds, and what
    each is applied to where the client's payments were applied by hand; each payment's id
    after the layout's columns, so that the ledger's history can name it. With ``voided``,
    the voided payments alone (voided_payments.csv)."""
    refunded: dict[int, tuple[Decimal, date]] = {}
    for r in session.scalars(select(Refund).where(Refund.void_txn_id.is_(None))):
        total, last = refunded.get(r.payment_id, (ZERO, r.refund_date))
        refunded[r.payment_id] = (total + r.amount, max(last, r.refund_date))
    by_hand_units, applied = _applied_by_hand(session)
    client_refs = dict(session.execute(select(Client.id, Client.client_ref)).all())
    rows = []
    is_voided = Payment.void_txn_id.is_not(None) if voided else Payment.void_txn_id.is_(None)
    for p in session.scalars(
        select(Payment).where(is_voided).order_by(Payment.received_date, Payment.id)
    ):
        back = None if voided else refunded.get(p.id)
        rows.append(
            (
                refs[p.unit_id],
                p.received_date,
                p.amount,
                methods[p.method_id],
                p.reference,
                p.fee,
                back[0] if back else None,
                back[1] if back else None,
                format_applied_to(applied[p.id])
                if p.unit_id in by_hand_units and not voided
                else "",
                client_refs[p.payer_client_id] if p.payer_client_id else "",
                p.id,
            )
        )
    kinds = {
        "date": DATE,
        "amount": MONEY,
        "fee": MONEY,
        "refunded": MONEY,
        "refund_date": DATE,
        "payment_id": INT,
    }
    layout = LAYOUTS[ImportKind.PAYMENTS]
    names = (*layout.columns, str(layout.export_id))
    stem = "voided_payments" if voided else "payments"
    return table(stem, layout_columns(names, kinds), rows)


def _applied_by_hand(session: Session) -> tuple[set[int], dict[int, list[AppliedCharge]]]:
    """Units with any payment applied by hand, and what each payment is applied to now.

    Every payment of such a unit carries its allocations in ``applied_to``, so
    importing applies them exactly rather than oldest first."""
    live = (
        select(Allocation, Charge.unit_id, Charge.service_date, Service.code)
        .join(Charge, Charge.id == Allocation.charge_id)
        .join(Service, Service.id == Charge.service_id)
        .where(Allocation.void_txn_id.is_(None))
        .order_by(Allocation.id)
    )
    units: set[int] = set()
    applied: dict[int, list[AppliedCharge]] = defaultdict(list)
    for allocation, unit_id, service_date, code in session.execute(live):
        if allocation.manual:
            units.add(unit_id)
        applied[allocation.payment_id].append(AppliedCharge(service_date, code, allocation.amount))
    return units, applied


def _txn_dates(session: Session) -> dict[int, date]:
    return dict(session.execute(select(LedgerTxn.id, LedgerTxn.txn_date)).all())


def allocations_table(session: Session) -> tuple[str, Table]:
    """Every allocation of a payment to a charge, voided or not."""
    dates = _txn_dates(session)
    rows = [
        (
            a.id,
            a.payment_id,
            a.charge_id,
            dates[a.txn_id],
            a.amount,
            format_flag(a.manual),
            dates.get(a.void_txn_id) if a.void_txn_id else None,
        )
        for a in session.scalars(select(Allocation).order_by(Allocation.id))
    ]
    columns = (
        Column("allocation_id", INT),
        Column("payment_id", INT),
        Column("charge_id", INT),
        Column("date", DATE),
        Column("amount", MONEY),
        Column("by_hand"),
        Column("voided_on", DATE),
    )
    return table("allocations", columns, rows)


def charges_table(
    session: Session, refs: dict[int, str], codes: dict[int, str]
) -> tuple[str, Table]:
    """Every charge, voided or not."""
    dates = _txn_dates(session)
    rows = [
        (
            c.id,
            refs[c.unit_id],
            c.session_id,
            c.service_date,
            codes[c.service_id],
            c.amount,
            c.description,
            dates.get(c.void_txn_id) if c.void_txn_id else None,
        )
        for c in session.scalars(
            # As sessions.csv lists them (sessions by date, then charges that are not
            # sessions), which is the order import all posts them in.
            select(Charge).order_by(
                Charge.session_id.is_(None), Charge.service_date, Charge.session_id, Charge.id
            )
        )
    ]
    columns = (
        Column("charge_id", INT),
        Column("client_ref"),
        Column("session_id", INT),
        Column("date", DATE),
        Column("service_code"),
        Column("amount", MONEY),
        Column("description"),
        Column("voided_on", DATE),
    )
    return table("charges", columns, rows)


def write_offs_table(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    """Every write-off, voided or not."""
    dates = _txn_dates(session)
    units = dict(session.execute(select(Charge.id, Charge.unit_id)).all())
    rows = [
        (
            a.id,
            a.charge_id,
            refs[units[a.charge_id]],
            dates[a.txn_id],
            a.kind,
            a.reason,
            a.note,
            a.amount,
            dates.get(a.void_txn_id) if a.void_txn_id else None,
        )
        for a in session.scalars(select(Adjustment).order_by(Adjustment.id))
    ]
    columns = (
        Column("write_off_id", INT),
        Column("charge_id", INT),
        Column("client_ref"),
        Column("date", DATE),
        Column("kind"),
        Column("reason"),
        Column("note"),
        Column("amount", MONEY),
        Column("voided_on", DATE),
    )
    return table("write_offs", columns, rows)


def refunds_table(
    session: Session, refs: dict[int, str], methods: dict[int, str]
) -> tuple[str, Table]:
    """Every refund, voided or not."""
    dates = _txn_dates(session)
    rows = [
        (
            r.id,
            r.payment_id,
            refs[r.unit_id],
            r.refund_date,
            methods[r.method_id],
            r.amount,
            r.reference,
            dates.get(r.void_txn_id) if r.void_txn_id else None,
        )
        for r in session.scalars(select(Refund).order_by(Refund.id))
    ]
    columns = (
        Column("refund_id", INT),
        Column("payment_id", INT),
        Column("client_ref"),
        Column("date", DATE),
        Column("method"),
        Column("amount", MONEY),
        Column("reference"),
        Column("voided_on", DATE),
    )
    return table("refunds", columns, rows)


def _entries_by_txn(session: Session) -> dict[int, tuple[str, int]]:
    """Each ledger entry's transaction -> (its kind, its id in its own file)."""
    found: dict[int, tuple[str, int]] = {}
    for model, kind in VOIDED_KINDS.items():
        for txn_id, record_id in session.execute(select(model.txn_id, model.id)):
            found[txn_id] = (kind, record_id)
    return found


# The records a void may reverse, by the name voids.csv gives them.
VOIDED_KINDS: dict[type, str] = {
    Charge: "charge",
    Payment: "payment",
    Allocation: "allocation",
    Adjustment: "adjustment",
    Refund: "refund",
}


def voids_table(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    """Every void, in the order they were made: of a ledger entry (its kind, and its id in
    charges, payments, allocations, write_offs or refunds), then of whole sessions."""
    entries = _entries_by_txn(session)
    rows: list[tuple] = []
    for t in session.scalars(
        select(LedgerTxn).where(LedgerTxn.kind == "void").order_by(LedgerTxn.id)
    ):
        kind, record_id = entries.get(t.reverses_id or 0, ("", None))
        rows.append((refs[t.unit_id], t.txn_date, kind, record_id, t.memo))
    for s in session.scalars(
        select(SessionRecord).where(SessionRecord.voided_at.is_not(None)).order_by(SessionRecord.id)
    ):
        assert s.voided_at is not None
        rows.append((refs[s.unit_id], s.voided_at.date(), "session", s.id, s.void_reason or ""))
    columns = (
        Column("client_ref"),
        Column("date", DATE),
        Column("voided"),
        Column("voided_id", INT),
        Column("reason"),
    )
    return table("voids", columns, rows)


def balances_table(session: Session, refs: dict[int, str]) -> tuple[str, Table]:
    """What each client owes and holds as credit, to check an import against."""
    rows = [
        (refs[unit_id], balance.owed, balance.credit)
        for unit_id, balance in sorted(books.balances(session).items(), key=lambda i: refs[i[0]])
    ]
    columns = (Column("client_ref"), Column("owed", MONEY), Column("credit", MONEY))
    return table("balances", columns, rows)
