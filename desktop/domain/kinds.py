"""The fixed vocabularies of the books, shared by the schema, services and screens."""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    ATTENDED = "attended"
    LATE_CANCEL = "late_cancel"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "attended": "Attended",
            "late_cancel": "Late cancel",
            "no_show": "No-show",
            "cancelled": "Canceled",  # the stored value keeps its older spelling
        }[self.value]


class BillingPreference(StrEnum):
    PRIVATE = "private"  # pays privately; no superbill, ever
    SUPERBILL = "superbill"  # gets superbills to claim out-of-network reimbursement


class UnitKind(StrEnum):
    INDIVIDUAL = "individual"
    COUPLE = "couple"
    FAMILY = "family"


class Account(StrEnum):
    """Ledger accounts. Debits are positive amounts, credits negative."""

    RECEIVABLE = "receivable"  # asset: what clients owe, per charge
    CLIENT_CREDIT = "client_credit"  # liability: money held for a client
    INCOME = "income"  # revenue, per service
    CASH = "cash"  # asset, per payment method
    PROCESSOR_FEES = "processor_fees"  # expense
    WRITE_OFFS = "write_offs"  # contra-revenue, per reason


class TxnKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    ALLOCATION = "allocation"
    ADJUSTMENT = "adjustment"
    REFUND = "refund"
    VOID = "void"


class AdjustmentKind(StrEnum):
    WRITE_OFF = "write_off"
    DISCOUNT = "discount"


class AdjustmentReason(StrEnum):
    SLIDING_SCALE = "sliding_scale"
    COURTESY = "courtesy"
    BAD_DEBT = "bad_debt"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AgingBasis(StrEnum):
    SERVICE_DATE = "service_date"
    DUE_DATE = "due_date"


class DocumentKind(StrEnum):
    SUPERBILL = "superbill"
    STATEMENT = "statement"
    RECEIPT = "receipt"
    ESTIMATE = "estimate"  # a Good Faith Estimate (45 CFR 149.610)
    CLAIM_FORM = "claim_form"  # a CMS-1500 (02/12) health insurance claim form


class ClaimStatus(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"
    IN_PROCESS = "in_process"
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DenialReason(StrEnum):
    TIMELY_FILING = "timely_filing"
    NO_AUTHORIZATION = "no_authorization"
    DIAGNOSIS_NOT_COVERED = "diagnosis_not_covered"
    NOT_MEDICALLY_NECESSARY = "not_medically_necessary"
    MISSING_INFORMATION = "missing_information"
    OUT_OF_NETWORK_NOT_COVERED = "out_of_network_not_covered"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Relationship(StrEnum):
    SELF = "self"
    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"


class Sex(StrEnum):
    """The client's sex as their insurer records it; the CMS-1500 has boxes for M and F only,
    and the NUCC manual says to leave them blank when it is not known."""

    NOT_RECORDED = ""
    FEMALE = "F"
    MALE = "M"

    @property
    def label(self) -> str:
        return {"": "Not recorded", "F": "Female", "M": "Male"}[self.value]


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)
