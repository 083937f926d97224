"""What a superbill, statement or receipt prints: plain frozen rows, no database types.

The rows check their own invariants (at most 12 diagnoses, pointers that point
at a listed diagnosis, no float money) so a renderer never has to guess.
Totals are computed here, never passed in, so a printed total always equals
the sum of the printed lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.money import ZERO

MAX_DIAGNOSES = 12
MAX_POINTERS = 4
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
TAX_ID_KINDS = ("ein", "ssn")
RELATIONSHIPS = ("self", "spouse", "child", "other")

# A dotted ICD-10-CM code (F43.23, Z63.0). Statements and receipts refuse text
# that contains one: they travel to whoever pays, who need not see a diagnosis.
_ICD_RE = re.compile(r"\b[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b")


def _money(value: object, what: str, *, negative: bool = False) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not negative and value < 0:
        raise ValueError(f"{what} cannot be negative.")


def _tuple(obj: object, name: str) -> None:
    """Accept a list for convenience but store a tuple, so the row stays immutable."""
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value))


def _no_diagnosis(text: str, where: str) -> None:
    if _ICD_RE.search(text):
        raise ValueError(f"{where} looks like it contains a diagnosis code; leave it off.")


@dataclass(frozen=True)
class ProviderBlock:
    """The rendering provider and practice, as registered with NPPES."""

    practice_name: str
    provider_name: str
    credentials: str
    npi: str
    tax_id_kind: str  # "ein" prints in full; "ssn" prints masked to the last four digits
    tax_id: str
    license_number: str
    license_state: str
    address: str
    city: str
    state: str
    zip: str
    phone: str
    email: str = ""
    organization_npi: str = ""
    taxonomy: str = ""
    signature_png: bytes | None = None

    def __post_init__(self) -> None:
        if self.tax_id_kind not in TAX_ID_KINDS:
            raise ValueError(f"tax_id_kind must be one of {TAX_ID_KINDS}.")


@dataclass(frozen=True)
class ClientBlock:
    """The patient as the insurer knows them."""

    legal_name: str  # exactly as on the insurance card
    date_of_birth: date | None
    address: str
    city: str
    state: str
    zip: str
    insurer_name: str = ""
    payer_id: str = ""
    member_id: str = ""
    group_number: str = ""
    subscriber_relationship: str = "self"
    subscriber_name: str = ""
    subscriber_date_of_birth: date | None = None
    # The name the client goes by, carried because services hand over the whole
    # client; documents never print it (the insurer matches the legal name).
    preferred_name: str = ""

    def __post_init__(self) -> None:
        if self.subscriber_relationship not in RELATIONSHIPS:
            raise ValueError(f"subscriber_relationship must be one of {RELATIONSHIPS}.")

    @property
    def is_dependent(self) -> bool:
        """True when someone else holds the policy."""
        return self.subscriber_relationship != "self"


@dataclass(frozen=True)
class DiagnosisItem:
    """One entry of the diagnosis list; lines point at it by letter."""

    letter: str
    code: str
    description: str = ""


@dataclass(frozen=True)
class ServiceLine:
    """One date of service and one procedure code."""

    service_date: date
    place_of_service: str
    code: str
    pointers: str  # letters into the diagnosis list, primary first: "AB"
    fee: Decimal  # the full fee for the line (all units), never a discounted one
    paid: Decimal
    modifiers: str = ""
    units: int = 1
    label: str = ""  # the practice's own name for the service, never an AMA descriptor

    def __post_init__(self) -> None:
        _money(self.fee, "fee")
        _money(self.paid, "paid")
        if not re.fullmatch(r"[0-9]{2}", self.place_of_service):
            raise ValueError("Place of service is two digits, such as 11 or 10.")
        if not 1 <= len(self.pointers) <= MAX_POINTERS:
            raise ValueError(f"A line points at 1 to {MAX_POINTERS} diagnoses.")
        if len(set(self.pointers)) != len(self.pointers):
            raise ValueError("A line points at each diagnosis once.")
        if self.units < 1:
            raise ValueError("Units are at least 1.")

    @property
    def modifier_list(self) -> tuple[str, ...]:
        """Modifiers however they were typed ("95,GT", "95 GT") as separate codes."""
        return tuple(m for m in re.split(r"[\s,]+", self.modifiers.upper()) if m)

    @property
    def balance(self) -> Decimal:
        return self.fee - self.paid


@dataclass(frozen=True)
class SuperbillDoc:
    """An itemized bill a client sends to their insurer."""

    number: str
    version: int
    issued_on: date
    period_from: date
    period_to: date
    provider: ProviderBlock
    client: ClientBlock
    diagnoses: Sequence[DiagnosisItem]  # primary first
    lines: Sequence[ServiceLine]
    codes_only: bool = False  # print diagnosis codes without descriptions
    supersedes_number: str | None = None
    supersedes_version: int | None = None

    def __post_init__(self) -> None:
        _tuple(self, "diagnoses")
        _tuple(self, "lines")
        if self.version < 1:
            raise ValueError("Versions start at 1.")
        if not self.lines:
            raise ValueError("A superbill has at least one service line.")
        if not 1 <= len(self.diagnoses) <= MAX_DIAGNOSES:
            raise ValueError(f"A superbill lists 1 to {MAX_DIAGNOSES} diagnoses.")
        letters = "".join(d.letter for d in self.diagnoses)
        if letters != DIAGNOSIS_LETTERS[: len(letters)]:
            raise ValueError("Diagnoses are lettered A, B, C... in order, primary first.")
        for number, line in enumerate(self.lines, start=1):
            missing = set(line.pointers) - set(letters)
            if missing:
                raise ValueError(f"Line {number} points at a diagnosis that is not listed.")
        if self.period_from > self.period_to:
            raise ValueError("The period ends before it starts.")

    @property
    def charged(self) -> Decimal:
        return sum((line.fee for line in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.charged - self.paid


@dataclass(frozen=True)
class PracticeBlock:
    """Who a statement or receipt is from; on a statement, also where to send payment."""

    name: str
    address: str
    city: str
    state: str
    zip: str
    phone: str = ""
    email: str = ""
    provider_name: str = ""
    credentials: str = ""


@dataclass(frozen=True)
class MailingAddress:
    """A client's mailing address, as it shows through an envelope window."""

    name: str
    address: str  # a second line may follow a newline
    city: str
    state: str
    zip: str


@dataclass(frozen=True)
class StatementLine:
    """One dated entry of account activity: a charge, or a payment or credit."""

    on: date
    description: str
    charge: Decimal = ZERO
    credit: Decimal = ZERO  # payments, write-offs and discounts, as a positive amount

    def __post_init__(self) -> None:
        _money(self.charge, "charge")
        _money(self.credit, "credit")
        _no_diagnosis(self.description, "A statement line")


@dataclass(frozen=True)
class StatementOpenItem:
    """A charge still owed when the statement was made, with what is left of it."""

    on: date
    service: str
    charged: Decimal
    owed: Decimal

    def __post_init__(self) -> None:
        _money(self.charged, "charged")
        _money(self.owed, "still owed")
        if self.owed > self.charged:
            raise ValueError("More is owed on a charge than it was.")
        _no_diagnosis(self.service, "A statement line")

    @property
    def paid(self) -> Decimal:
        return self.charged - self.owed


@dataclass(frozen=True)
class StatementDoc:
    """A balance statement mailed in a #10 double-window envelope."""

    number: str
    issued_on: date
    as_of: date
    practice: PracticeBlock  # also the remit-to address
    client: MailingAddress
    opening_balance: Decimal  # negative when the client had a credit
    lines: Sequence[StatementLine]
    period_from: date | None = None  # first day of activity shown
    due_on: date | None = None
    message: str = ""
    open_items: Sequence[StatementOpenItem] = ()  # every charge still owed, however old
    aging: Sequence[Decimal] = ()  # owed by age: Current, 1-30, 31-60, 61-90, over 90
    last_statement_on: date | None = None  # None on a client's first statement

    def __post_init__(self) -> None:
        _tuple(self, "lines")
        _tuple(self, "open_items")
        _tuple(self, "aging")
        _money(self.opening_balance, "opening balance", negative=True)
        _no_diagnosis(self.message, "The statement message")

    @property
    def running_balances(self) -> tuple[Decimal, ...]:
        """The balance after each line, starting from the opening balance."""
        balances: list[Decimal] = []
        balance = self.opening_balance
        for line in self.lines:
            balance = balance + line.charge - line.credit
            balances.append(balance)
        return tuple(balances)

    @property
    def total_charges(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def total_credits(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.total_charges - self.total_credits

    @property
    def amount_due(self) -> Decimal:
        return max(self.closing_balance, ZERO)

    @property
    def credit_on_account(self) -> Decimal:
        return max(-self.closing_balance, ZERO)

    @property
    def open_total(self) -> Decimal:
        """What the open charges still owe, before any credit on account."""
        return sum((item.owed for item in self.open_items), ZERO)

    @property
    def credit_held(self) -> Decimal:
        """Credit on account that nets against the open charges."""
        return self.open_total - self.closing_balance if self.open_items else ZERO


@dataclass(frozen=True)
class AppliedTo:
    """The part of a payment applied to one charge."""

    service_date: date
    label: str
    amount: Decimal

    def __post_init__(self) -> None:
        _money(self.amount, "applied amount")
        _no_diagnosis(self.label, "A receipt line")


@dataclass(frozen=True)
class ReceiptDoc:
    """Proof of one payment; also given to a partner who is not the identified patient."""

    number: str
    issued_on: date
    practice: PracticeBlock
    client_name: str
    payment_date: date
    amount: Decimal
    method: str
    reference: str = ""
    applied: Sequence[AppliedTo] = ()
    credit_remaining: Decimal = ZERO  # the client's whole credit after this payment
    # What a benefits (HSA/FSA) administrator checks: who was paid, and who paid.
    npi: str = ""
    tax_id_kind: str = "ein"  # "ein" prints in full; "ssn" prints masked to the last four
    tax_id: str = ""
    client_address: MailingAddress | None = None

    def __post_init__(self) -> None:
        _tuple(self, "applied")
        if self.tax_id_kind not in TAX_ID_KINDS:
            raise ValueError(f"tax_id_kind must be one of {TAX_ID_KINDS}.")
        _money(self.amount, "amount")
        _money(self.credit_remaining, "credit remaining")
        if self.unapplied < 0:
            raise ValueError("More was applied than was paid.")

    @property
    def applied_total(self) -> Decimal:
        return sum((a.amount for a in self.applied), ZERO)

    @property
    def unapplied(self) -> Decimal:
        """What this payment left as credit on account."""
        return self.amount - self.applied_total
