"""What a Good Faith Estimate prints (45 CFR 149.610): plain frozen rows, no database types.

The rows check their own invariants (whole cents, at least one item, a period of at
most 12 months, a date the estimate answers) so the renderer never has to guess.
The total is computed here, never passed in, so the printed total always equals
the sum of the printed lines. The provider is the superbill's ``ProviderBlock``;
its address is the office where the services are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.coding import ADD_ON_CODES
from desktop.domain.money import ZERO, to_cents

from .rows import ProviderBlock


def _fee(value: object, what: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative.")
    to_cents(value)  # refuses a fraction of a cent


def last_day_of_year_from(first: date) -> date:
    """The last day of the 12 months starting on ``first`` (the day before its anniversary)."""
    try:
        anniversary = first.replace(year=first.year + 1)
    except ValueError:  # 29 February: the year after has none
        anniversary = date(first.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


@dataclass(frozen=True)
class EstimateItem:
    """One expected service: its code, the practice's name for it, how many, and the fee."""

    code: str  # a CPT code such as "90837", or the practice's own service code
    label: str  # the practice's own plain-words name, never an AMA descriptor
    quantity: int
    unit_fee: Decimal

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("Every estimated service has a service code.")
        if not self.label.strip():
            raise ValueError(f"Service {self.code} needs a description in plain words.")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError("quantity must be a whole number")
        if self.quantity < 1:
            raise ValueError(f"Service {self.code} is expected at least once.")
        _fee(self.unit_fee, f"The fee for {self.code}")

    @property
    def total(self) -> Decimal:
        return self.unit_fee * self.quantity


@dataclass(frozen=True)
class EstimateDoc:
    """A Good Faith Estimate of expected charges for an uninsured or self-pay client."""

    number: str  # "GFE-2026-0001"
    version: int
    issued_on: date
    provider: ProviderBlock
    client_name: str  # legal name
    client_date_of_birth: date
    primary_service: str  # plain words: "Individual psychotherapy, 60 minutes, weekly"
    scheduled_on: date | None  # when the first session was scheduled (None if only requested)
    requested_on: date | None  # when the client asked for an estimate (None if not asked)
    first_service: date
    period_end: date  # the estimate covers first_service .. period_end, at most 12 months
    frequency: str  # "weekly", "every 2 weeks", "monthly", "once"
    items: Sequence[EstimateItem]
    diagnoses: Sequence[tuple[str, str]] = ()  # (code, description); empty: none printed
    supersedes_number: str | None = None
    supersedes_version: int | None = None

    def __post_init__(self) -> None:
        # Lists are accepted for convenience but stored as tuples, so the row stays immutable.
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "diagnoses", tuple(tuple(d) for d in self.diagnoses))
        if self.version < 1:
            raise ValueError("Versions start at 1.")
        if not self.client_name.strip():
            raise ValueError("An estimate names the client.")
        if not self.primary_service.strip():
            raise ValueError("An estimate describes the primary service.")
        if not self.frequency.strip():
            raise ValueError("An estimate says how often the service is expected.")
        if not self.items:
            raise ValueError("An estimate lists at least one expected service.")
        if self.scheduled_on is None and self.requested_on is None:
            raise ValueError("An estimate answers a scheduling or a request; give its date.")
        if self.scheduled_on is not None and self.scheduled_on > self.first_service:
            raise ValueError("The first service is before the day it was scheduled.")
        if self.period_end < self.first_service:
            raise ValueError("The period of the estimate ends before the first service.")
        if self.period_end > last_day_of_year_from(self.first_service):
            raise ValueError("One estimate covers at most 12 months of services.")
        for entry in self.diagnoses:
            if len(entry) != 2 or not str(entry[0]).strip():
                raise ValueError("Each diagnosis is a code and its description.")
        if self.supersedes_version is not None and not self.supersedes_number:
            raise ValueError("A replaced version needs the number of the estimate it replaces.")

    @property
    def total(self) -> Decimal:
        return sum((item.total for item in self.items), ZERO)

    @property
    def sessions(self) -> int:
        """Expected sessions: every unit of an item, except add-on codes (part of a session)."""
        return sum(item.quantity for item in self.items if item.code not in ADD_ON_CODES)
