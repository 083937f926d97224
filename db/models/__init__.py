"""Typed models of the practice file. Import from here, not from the submodules."""

from .audit import AuditEntry, ImportedRow
from .base import Base, Cents
from .claims import Claim, ClaimEvent
from .documents import Document, DocumentLine
from .estimates import Estimate, EstimateLine, EstimateOwed
from .ledger import (
    LEDGER_RECORDS,
    Adjustment,
    Allocation,
    Charge,
    ClosedBalance,
    LedgerSplit,
    LedgerTxn,
    Payment,
    Refund,
    UnitBalance,
)
from .people import BillingUnit, Client, Diagnosis, UnitMember
from .practice import Payer, PaymentMethod, Practice, Service, Setting
from .sessions import Session

__all__ = [
    "LEDGER_RECORDS",
    "Adjustment",
    "Allocation",
    "AuditEntry",
    "Base",
    "BillingUnit",
    "Cents",
    "Charge",
    "Claim",
    "ClaimEvent",
    "Client",
    "ClosedBalance",
    "Diagnosis",
    "Document",
    "DocumentLine",
    "Estimate",
    "EstimateLine",
    "EstimateOwed",
    "ImportedRow",
    "LedgerSplit",
    "LedgerTxn",
    "Payer",
    "Payment",
    "PaymentMethod",
    "Practice",
    "Refund",
    "Service",
    "Session",
    "Setting",
    "UnitBalance",
    "UnitMember",
]
