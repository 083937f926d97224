"""What a CMS-1500 (02/12) claim form prints: the superbill's checked rows, split into pages.

The form is built from the same ``SuperbillDoc`` a superbill prints (provider,
patient, diagnoses A-L, service lines), plus what only the form asks: the
patient's sex (item 3) and account number (item 26). Item 24 has six service
lines, so more lines continue on further pages; each page repeats items 1-23
and 25-33 and totals its own lines in items 28 and 29 (the NUCC manual: item 28
is the total of the charges in 24F on that form).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.money import ZERO

from .rows import MAX_DIAGNOSES, ServiceLine, SuperbillDoc

LINES_PER_PAGE = 6
SEXES = ("", "F", "M")


@dataclass(frozen=True)
class ClaimFormPage:
    """One printed form: up to six service lines and their totals."""

    number: int  # 1-based
    of: int
    lines: tuple[ServiceLine, ...]

    @property
    def charged(self) -> Decimal:
        return sum((line.fee for line in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)


@dataclass(frozen=True)
class ClaimFormDoc:
    """A CMS-1500 for one patient and period, numbered like every issued document."""

    number: str
    issued_on: date
    bill: SuperbillDoc  # the checked rows: provider, patient, diagnoses, lines
    patient_sex: str = ""  # "F", "M" or "" (not recorded: item 3 left blank)
    insured_sex: str = ""  # only known when the patient is the insured
    account_number: str = ""  # item 26: the client's reference in these books
    patient_phone: str = ""

    def __post_init__(self) -> None:
        if self.patient_sex not in SEXES or self.insured_sex not in SEXES:
            raise ValueError(f"Sex is one of {SEXES}.")
        if len(self.bill.diagnoses) > MAX_DIAGNOSES:
            raise ValueError(f"Item 21 holds at most {MAX_DIAGNOSES} diagnoses.")

    @property
    def pages(self) -> tuple[ClaimFormPage, ...]:
        chunks = paginate(self.bill.lines)
        return tuple(
            ClaimFormPage(n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)
        )


def paginate(lines: Sequence[ServiceLine]) -> list[tuple[ServiceLine, ...]]:
    """Lines in sixes, in order; at least one (possibly empty) page."""
    chunks = [
        tuple(lines[start : start + LINES_PER_PAGE])
        for start in range(0, len(lines), LINES_PER_PAGE)
    ]
    return chunks or [()]
