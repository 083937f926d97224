"""The reimbursement estimator, saved with the client so it is there at the next visit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Client, Payer, Service
from desktop.domain.reimbursement import Estimate, estimate
from desktop.services.audit import log as audit
from desktop.services.errors import InvalidInput, NotFound

_FIELDS = ("est_allowed", "est_deductible", "est_coinsurance_bp")


@dataclass(frozen=True)
class EstimateInput:
    allowed: Decimal | None
    deductible_left: Decimal | None
    coinsurance_bp: int | None  # 3000 is 30%


@dataclass(frozen=True)
class ClientEstimate:
    client_id: int
    payer_id: int | None
    payer: str | None
    fee: Decimal  # the client's usual fee
    saved: EstimateInput
    estimate: Estimate | None  # None until allowed, deductible and coinsurance are all known


def estimate_problems(data: EstimateInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.allowed is not None and data.allowed < 0:
        problems["allowed"] = "The allowed amount cannot be negative."
    if data.deductible_left is not None and data.deductible_left < 0:
        problems["deductible_left"] = "The deductible left cannot be negative."
    if data.coinsurance_bp is not None and not 0 <= data.coinsurance_bp <= 10000:
        problems["coinsurance_bp"] = "Coinsurance is between 0% and 100%."
    return problems


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("That client is not in this practice file.")
    return client


def _usual_fee(session: Session, client: Client) -> Decimal:
    """The fee of the client's own billing unit, else its service's fee."""
    unit = session.execute(
        select(BillingUnit).where(BillingUnit.ref == client.client_ref)
    ).scalar_one_or_none()
    if unit is None:
        return Decimal("0.00")
    if unit.default_fee:
        return unit.default_fee
    if unit.default_service_id is not None:
        service = session.get(Service, unit.default_service_id)
        if service is not None:
            return service.default_fee
    return Decimal("0.00")


def client_estimate(
    session: Session, client_id: int, *, fee: Decimal | None = None
) -> ClientEstimate:
    """The client's saved estimator inputs and the estimate for ``fee`` (default: usual fee)."""
    client = _client(session, client_id)
    payer = session.get(Payer, client.payer_id) if client.payer_id else None
    saved = EstimateInput(client.est_allowed, client.est_deductible, client.est_coinsurance_bp)
    charged = fee if fee is not None else _usual_fee(session, client)
    result = None
    allowed, deductible, coinsurance = saved.allowed, saved.deductible_left, saved.coinsurance_bp
    if allowed is not None and deductible is not None and coinsurance is not None:
        result = estimate(charged, allowed, deductible, coinsurance)
    return ClientEstimate(
        client.id, client.payer_id, payer.name if payer else None, charged, saved, result
    )


def save_estimate(session: Session, client_id: int, data: EstimateInput) -> ClientEstimate:
    """Keep the estimator's inputs with the client (blank fields stay blank)."""
    problems = estimate_problems(data)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field)
    client = _client(session, client_id)
    before = audit.snapshot(client, _FIELDS)
    client.est_allowed = data.allowed
    client.est_deductible = data.deductible_left
    client.est_coinsurance_bp = data.coinsurance_bp
    session.flush()
    audit.record(
        session,
        "update",
        "client_estimate",
        client.id,
        before=before,
        after=audit.snapshot(client, _FIELDS),
    )
    return client_estimate(session, client_id)
