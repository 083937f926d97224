"""Sessions and payments written in batches, by the books' own rules.

``BatchWriter`` writes what ``sessions.record_session`` and
``payments.record_payment`` write, with a handful of INSERTs per batch instead of
a few dozen statements per record: it keeps each unit's open charges and
unapplied credit in memory, plans every payment with the books' own rule
(``domain.allocation.oldest_first``), numbers the rows as the database would,
and chains an audit entry for every session and payment as the services do.
Anything rarer (a returned check, a write-off, a refund, money applied by hand)
it hands to the services, after writing what it holds, so those rules live in
one place. The demo practice and ``import all`` write with it;
``tests/demo/test_demo_writers.py`` proves it writes what the services write.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import Session

from db.models import (
    Adjustment,
    Allocation,
    Charge,
    LedgerSplit,
    LedgerTxn,
    Payment,
    Refund,
    Service,
)
from db.models import Session as SessionRecord
from desktop.domain.allocation import Credit, Debt, Plan, oldest_first, receiving
from desktop.domain.claim_codes import split_modifiers
from desktop.domain.kinds import Account, SessionStatus, TxnKind
from desktop.domain.money import ZERO
from desktop.services.audit import log as audit
from desktop.services.books import applying, dates, payments, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.errors import InvalidInput
from desktop.services.practice.settings import fee_for

P = ParamSpec("P")
T = TypeVar("T")


_NUMBERED = (SessionRecord, LedgerTxn, Charge, Payment, Allocation, Adjustment, Refund)
# Dependencies first: a row is inserted after every row it refers to.
_INSERT_ORDER = (
    SessionRecord,
    LedgerTxn,
    Charge,
    Payment,
    Allocation,
    Adjustment,
    Refund,
    LedgerSplit,
)
Leg = tuple[Account, Decimal, dict[str, Any]]  # account, amount, the rows it names


# --- each entry's legs, as ``services.books.ledger`` posts them --------------------------


def charge_legs(charge_id: int, service_id: int, amount: Decimal) -> tuple[Leg, ...]:
    return (
        (Account.RECEIVABLE, amount, {"charge_id": charge_id, "service_id": service_id}),
        (Account.INCOME, -amount, {"service_id": service_id}),
    )


def payment_legs(payment_id: int, method_id: int, amount: Decimal, fee: Decimal) -> tuple[Leg, ...]:
    refs = {"payment_id": payment_id, "method_id": method_id}
    return (
        (Account.CASH, amount - fee, refs),
        (Account.PROCESSOR_FEES, fee, refs),
        (Account.CLIENT_CREDIT, -amount, {"payment_id": payment_id}),
    )


def allocation_legs(payment_id: int, charge_id: int, amount: Decimal) -> tuple[Leg, ...]:
    return (
        (Account.CLIENT_CREDIT, amount, {"payment_id": payment_id}),
        (Account.RECEIVABLE, -amount, {"charge_id": charge_id}),
    )


def adjustment_legs(charge_id: int, reason: str, amount: Decimal) -> tuple[Leg, ...]:
    return (
        (Account.WRITE_OFFS, amount, {"charge_id": charge_id, "reason": reason}),
        (Account.RECEIVABLE, -amount, {"charge_id": charge_id}),
    )


def refund_legs(payment_id: int, method_id: int, amount: Decimal) -> tuple[Leg, ...]:
    return (
        (Account.CLIENT_CREDIT, amount, {"payment_id": payment_id}),
        (Account.CASH, -amount, {"payment_id": payment_id, "method_id": method_id}),
    )


def void_legs(legs: tuple[Leg, ...]) -> tuple[Leg, ...]:
    """The exact negation of an entry's legs."""
    return tuple((account, -amount, refs) for account, amount, refs in legs)


def _column_names(model: type) -> dict[str, str]:
    """Each attribute's column (``amount`` is stored as ``amount_cents``)."""
    mapper = inspect(model)
    return {attr.key: attr.columns[0].key for attr in mapper.column_attrs}


@dataclass
class _OnAccount:
    """One unit's open charges and unapplied credit, in the books' order."""

    debts: list[Debt]
    credits: list[Credit]

    @property
    def credit(self) -> Decimal:
        return sum((c.left for c in self.credits), ZERO)


@dataclass
class _Rows:
    """Rows waiting to be written, by model, and the next id of each numbered table."""

    by_model: dict[type, list[dict[str, Any]]] = field(default_factory=dict)
    next_id: dict[type, int] = field(default_factory=dict)
    audit: list[audit.Pending] = field(default_factory=list)

    def number(self, session: Session) -> None:
        """Continue each table's numbering where the database's ends, as it would."""
        for model in _NUMBERED:
            last = session.execute(select(func.max(model.id))).scalar_one()
            self.next_id[model] = (last or 0) + 1

    def add(self, model: type, row: dict[str, Any]) -> int:
        if model in self.next_id:
            row["id"] = self.next_id[model]
            self.next_id[model] += 1
        self.by_model.setdefault(model, []).append(row)
        return int(row.get("id", 0))


class BatchWriter:
    """Sessions and payments kept and written in batches; see the module's note."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows = _Rows()
        self.rows.number(session)
        self.units: dict[int, _OnAccount] = {}
        # What a caller looks up once per batch (a service's code, a client's id).
        self.memo: dict[str, dict[Any, Any]] = {}

    # --- the writer's interface ---------------------------------------------------------

    def record_session(self, data: SessionInput) -> Decimal:
        """As ``sessions.record_session`` records a session given its fee, place of
        service and modifiers (as the demo always gives them); returns what it charged."""
        return self.write_session(data)[1]

    def write_session(self, data: SessionInput) -> tuple[int, Decimal]:
        """The session's id (as the database will number it) and what it charged."""
        assert data.fee is not None
        assert data.addon_code is None
        # The service's own checks (its code, fee, minutes, place of service, date).
        service, _ = sessions._validate(self.session, data)
        row = {
            "unit_id": data.unit_id,
            "service_date": data.service_date,
            "start_time": data.start_time,
            "minutes": data.minutes,
            "service_id": service.id,
            "fee": data.fee,
            "addon_service_id": None,
            "addon_fee": None,
            "status": data.status.value,
            "place_of_service": data.place_of_service or "11",
            "modifiers": ",".join(split_modifiers(data.modifiers or "")),
            "memo": data.memo,
        }
        session_id = self.rows.add(SessionRecord, dict(row))
        charged = ZERO
        if data.status is not SessionStatus.CANCELLED and data.fee > 0:
            self._charge(session_id, data, service)
            charged = data.fee
        self._apply_credit(data.unit_id, data.service_date)
        self.rows.audit.append(
            audit.Pending("create", "session", session_id, after=row, unit_id=data.unit_id)
        )
        return session_id, charged

    def record_payment(self, data: PaymentInput) -> None:
        """As ``payments.record_payment`` records a payment applied oldest first."""
        self.write_payment(data)

    def write_payment(self, data: PaymentInput) -> int:
        """The payment's id (as the database will number it); its fee is the one given,
        else the method's rule."""
        assert data.allocations is None
        books = self._books(data.unit_id)
        plan = oldest_first(
            receiving(books.credits, data.received_date, [data.amount]),
            books.debts,
            not_before=data.received_date,
            opened=dates.first_open_day(self.session),
        )
        payments._check_payer(self.session, data.unit_id, data.payer_client_id)
        method = payments._method(self.session, data.method_id)
        fee = data.fee if data.fee is not None else fee_for(data.amount, method)
        if fee < 0 or fee > data.amount:
            raise InvalidInput(
                "The processing fee must be between zero and the amount.", field="fee"
            )
        dates.ensure_open(self.session, data.received_date, "This payment")
        reference = data.reference.strip()
        txn_id = self._txn(TxnKind.PAYMENT, data.received_date, data.unit_id, reference)
        payment_id = self.rows.add(
            Payment,
            {
                "unit_id": data.unit_id,
                "payer_client_id": data.payer_client_id,
                "received_date": data.received_date,
                "method_id": method.id,
                "amount": data.amount,
                "fee": fee,
                "reference": reference,
                "txn_id": txn_id,
            },
        )
        self._splits(txn_id, data.unit_id, *payment_legs(payment_id, method.id, data.amount, fee))
        self.rows.audit.append(
            audit.Pending(
                "create",
                "payment",
                payment_id,
                unit_id=data.unit_id,
                after={
                    "received_date": data.received_date,
                    "amount": data.amount,
                    "fee": fee,
                    "method": method.name,
                    "reference": data.reference,
                    "payer_client_id": data.payer_client_id,
                    "allocations": [],
                },
            )
        )
        self._carry_out(data.unit_id, plan, payment_id)
        return payment_id

    def unit_credit(self, unit_id: int) -> Decimal:
        return self._books(unit_id).credit

    def ask(
        self, question: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return question(self.session, *args, **kwargs)

    def through_services(
        self,
        unit_id: int,
        action: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        self.finish()
        value = action(self.session, *args, **kwargs)
        self.session.flush()
        # The services wrote rows of their own: read the unit's books and numbering again.
        self.units.pop(unit_id, None)
        self.rows.number(self.session)
        return value

    # --- rows given whole (a ledger's history replayed as it was) ---------------------

    def add_row(self, model: type, row: dict[str, Any]) -> int:
        """Hold a row to insert; returns the id the database will give it. The dict is
        the one written, so what is learned later (a void) can still be set on it."""
        return self.rows.add(model, row)

    def post(
        self,
        kind: TxnKind,
        on: date,
        unit_id: int,
        legs: tuple[Leg, ...],
        *,
        memo: str = "",
        reverses_id: int | None = None,
    ) -> int:
        """One balanced transaction with its splits, as ``ledger.write_txn`` writes it."""
        txn_id = self._txn(kind, on, unit_id, memo, reverses_id)
        self._splits(txn_id, unit_id, *legs)
        return txn_id

    def audit(self, entry: audit.Pending) -> None:
        """An audit entry, chained after those held, in the order given."""
        self.rows.audit.append(entry)

    def finish(self) -> None:
        """Write every row held, then the audit entries, in the order they were made."""
        self.session.flush()
        for model in _INSERT_ORDER:
            rows = self.rows.by_model.pop(model, [])
            columns = _column_names(model)
            table = model.__table__  # type: ignore[attr-defined]
            # Core, not the ORM's bulk insert: one executemany per table (per run of rows
            # that give the same columns, as an executemany takes the first row's).
            for _, alike in groupby(rows, key=lambda row: row.keys()):
                self.session.execute(
                    insert(table), [{columns[k]: v for k, v in row.items()} for row in alike]
                )
        audit.record_many(self.session, self.rows.audit)
        self.rows.audit = []

    # --- the ledger, as ``services.books.ledger`` writes it ------------------------------

    def _books(self, unit_id: int) -> _OnAccount:
        books = self.units.get(unit_id)
        if books is None:
            state = applying.on_account(self.session, unit_id)
            books = _OnAccount(list(state.debts), list(state.credits))
            self.units[unit_id] = books
        return books

    def _txn(
        self, kind: TxnKind, on: date, unit_id: int, memo: str, reverses_id: int | None = None
    ) -> int:
        row = {
            "kind": kind.value,
            "txn_date": on,
            "unit_id": unit_id,
            "memo": memo,
            "reverses_id": reverses_id,
        }
        return self.rows.add(LedgerTxn, row)

    def _splits(self, txn_id: int, unit_id: int, *legs: Leg) -> None:
        kept = [leg for leg in legs if leg[1] != 0]
        if not kept or sum((amount for _, amount, _ in kept), ZERO) != 0:
            raise AssertionError(f"unbalanced transaction: {legs}")
        for account, amount, refs in kept:
            row = {
                "txn_id": txn_id,
                "unit_id": unit_id,
                "account": account.value,
                "amount": amount,
                "charge_id": None,
                "payment_id": None,
                "method_id": None,
                "service_id": None,
                "reason": None,
            }
            self.rows.add(LedgerSplit, row | refs)

    def _charge(self, session_id: int, data: SessionInput, service: Service) -> None:
        assert data.fee is not None
        dates.ensure_open(self.session, data.service_date, "This charge")
        description = f"{service.code} {service.label}"
        txn_id = self._txn(TxnKind.CHARGE, data.service_date, data.unit_id, description)
        charge_id = self.rows.add(
            Charge,
            {
                "unit_id": data.unit_id,
                "session_id": session_id,
                "service_id": service.id,
                "service_date": data.service_date,
                "amount": data.fee,
                "description": description,
                "txn_id": txn_id,
            },
        )
        self._splits(txn_id, data.unit_id, *charge_legs(charge_id, service.id, data.fee))
        debt = Debt(charge_id, data.service_date, data.fee, data.service_date)
        insort(self._books(data.unit_id).debts, debt, key=lambda d: (d.service_date, d.charge_id))

    def _apply_credit(self, unit_id: int, not_before: date) -> None:
        """As ``applying.apply_credit``: unapplied money pays open charges, oldest first."""
        books = self._books(unit_id)
        if books.credit <= 0 or not books.debts:
            return
        plan = oldest_first(
            books.credits,
            books.debts,
            not_before=not_before,
            opened=dates.first_open_day(self.session),
        )
        self._carry_out(unit_id, plan, None)

    def _carry_out(self, unit_id: int, plan: Plan, received_id: int | None) -> None:
        """Write a plan's allocations and keep what it leaves open."""
        for step in plan.applied:
            payment_id = step.payment_id if step.payment_id is not None else received_id
            assert payment_id is not None
            txn_id = self._txn(TxnKind.ALLOCATION, step.on, unit_id, "")
            self.rows.add(
                Allocation,
                {
                    "payment_id": payment_id,
                    "charge_id": step.charge_id,
                    "amount": step.amount,
                    "manual": False,
                    "txn_id": txn_id,
                },
            )
            self._splits(txn_id, unit_id, *allocation_legs(payment_id, step.charge_id, step.amount))
        books = self._books(unit_id)
        books.debts = list(plan.debts_left)
        books.credits = [
            Credit(
                c.payment_id if c.payment_id is not None else received_id,
                None,
                c.received_date,
                c.left,
                c.last_moved,
            )
            for c in plan.credits_left
        ]
