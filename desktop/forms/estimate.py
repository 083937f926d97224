"""The Good Faith Estimate dialog's state as a plain class: the client, the dates, the
expected services as typed, the deadline they make, and the input to issue.

The rules are below it: the deadline is ``domain.business_days.gfe_due_date``, the
12-month period is ``last_day_of_year_from``, and whether the estimate can be issued
is the services' checker (``estimates.checks``), which the dialog asks before Issue.
This class only keeps what the person typed and says what is wrong with the typing.
The dialog (``desktop.ui.dialogs.estimate``) feeds it; tests drive it without Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from desktop.domain.business_days import (
    FAR_AHEAD_DUE_DAYS,
    MONDAY_TO_FRIDAY,
    REQUEST_DAYS,
    add_business_days,
    gfe_due_date,
)
from desktop.domain.money import MoneyError, format_money, parse_money
from desktop.reports.documents.estimate_rows import last_day_of_year_from
from desktop.services.estimates.drafts import WEEKLY, EstimateInput, ExpectedService

MAX_COUNT = 9999


@dataclass(frozen=True)
class LineText:
    """One expected service as typed: the code, how many, the fee for one."""

    code: str
    count: int
    fee_text: str


def _iso(day: date) -> str:
    return day.isoformat()


class EstimateForm:
    """What the estimate dialog edits. ``fees`` is the catalog's fee per service code,
    used when a line's service is changed; ``workdays`` are the practice's business days."""

    def __init__(
        self,
        *,
        scheduled_on: date | None,
        fees: Mapping[str, Decimal] | None = None,
        workdays: frozenset[int] = MONDAY_TO_FRIDAY,
        format_date: Callable[[date], str] = _iso,
        correcting: EstimateInput | None = None,
    ) -> None:
        self.fees = dict(fees or {})
        self.workdays = workdays
        self.format_date = format_date
        self.correcting = correcting is not None
        self.unit_id: int | None = None
        self.requested = False
        self.scheduled_on = scheduled_on
        self.first_service: date | None = None
        self.through: date | None = None
        self.through_by_hand = False  # once typed, the end stops following the first session
        self.frequency = WEEKLY
        self.lines: list[LineText] = []
        self.show_diagnoses = False
        self.date_problems: dict[str, str] = {}  # what a date field says about its text
        self._usual: dict[str, Decimal] = {}  # the client's own fee per code, when proposed
        if correcting is not None:
            self.propose(correcting)
            self.through_by_hand = correcting.through is not None

    # --- what the books propose -------------------------------------------------------------

    def propose(self, data: EstimateInput) -> None:
        """Take the books' proposal for a client: their services, fees and dates."""
        self.unit_id = data.unit_id
        self.requested = data.requested
        self.scheduled_on = data.scheduled_on
        self.first_service = data.first_service
        self.frequency = data.frequency
        self.show_diagnoses = data.show_diagnoses
        self._usual = {i.code: i.fee for i in data.items if i.fee is not None}
        self.lines = [LineText(i.code, i.count, self._fee_text(i.code, i.fee)) for i in data.items]
        if not self.through_by_hand:
            self.through = data.period_end

    def _fee_text(self, code: str, fee: Decimal | None) -> str:
        known = fee if fee is not None else self._usual.get(code, self.fees.get(code))
        return format_money(known, symbol=False) if known is not None else ""

    # --- what the person does ----------------------------------------------------------------

    def set_first_service(self, day: date | None) -> None:
        self.first_service = day
        if day is not None and not self.through_by_hand:
            self.through = last_day_of_year_from(day)

    def set_through(self, day: date | None) -> None:
        self.through = day
        self.through_by_hand = day is not None

    def add_line(self, code: str, count: int = 1) -> None:
        self.lines.append(LineText(code, count, self._fee_text(code, None)))

    def remove_line(self, row: int) -> None:
        del self.lines[row]

    def set_code(self, row: int, code: str) -> None:
        """A new service for the line; its fee becomes that service's usual fee."""
        self.lines[row] = LineText(code, self.lines[row].count, self._fee_text(code, None))

    def set_count(self, row: int, count: int) -> None:
        self.lines[row] = replace(self.lines[row], count=count)

    def set_fee_text(self, row: int, text: str) -> None:
        self.lines[row] = replace(self.lines[row], fee_text=text)

    # --- what it comes to --------------------------------------------------------------------

    def due_by(self) -> date | None:
        """The deadline the dates make; None without both dates, or when none applies."""
        if self.scheduled_on is None or self.first_service is None:
            return None
        if self.first_service < self.scheduled_on:
            return None
        return gfe_due_date(
            self.scheduled_on, self.first_service, requested=self.requested, workdays=self.workdays
        )

    def due_text(self) -> str:
        """The deadline in a sentence, worked out as the dates are typed."""
        scheduled, first = self.scheduled_on, self.first_service
        if scheduled is None or first is None or first < scheduled:
            return "The due date shows once both dates are entered, in order."
        due = self.due_by()
        if due is None:
            return (
                "No deadline: the first session is under 3 business days away. "
                "Give the estimate no later than that session."
            )
        when = self.format_date(due)
        if self.requested:
            return f"Due by {when}: {REQUEST_DAYS} business days after the request."
        if due == add_business_days(scheduled, FAR_AHEAD_DUE_DAYS, self.workdays):
            return (
                f"Due by {when}: 3 business days after scheduling, as the first session is "
                "10 or more business days away."
            )
        return (
            f"Due by {when}: 1 business day after scheduling, as the first session is "
            "3 to 9 business days away."
        )

    def _fee(self, line: LineText) -> tuple[Decimal | None, str]:
        if not line.fee_text.strip():
            return None, f"Enter the fee for {line.code or 'each service'}."
        try:
            fee = parse_money(line.fee_text)
        except MoneyError as exc:
            return None, str(exc)
        return fee, ""

    def total(self) -> Decimal | None:
        """The estimate's total as typed; None while a fee cannot be read."""
        amounts = [self._fee(line)[0] for line in self.lines]
        if any(a is None for a in amounts):
            return None
        return sum(
            (line.count * a for line, a in zip(self.lines, amounts, strict=True) if a is not None),
            Decimal("0.00"),
        )

    def total_text(self) -> str:
        sessions = sum(line.count for line in self.lines)
        noun = "service" if sessions == 1 else "services"
        total = self.total()
        amount = format_money(total) if total is not None else "—"
        return f"{sessions} {noun} expected · total {amount}"

    def problems(self) -> dict[str, str]:
        """What is wrong with the typing, by field ("line0" for the first service's row)."""
        found: dict[str, str] = {}
        if self.unit_id is None:
            found["unit_id"] = "Choose the client: type part of a name, then pick it."
        asked = "asked for" if self.requested else "scheduled"
        for name, value, missing in (
            ("scheduled_on", self.scheduled_on, f"Enter the day the client {asked} it."),
            ("first_service", self.first_service, "Enter the day of the first session."),
            ("through", self.through, "Enter the last day the estimate covers."),
        ):
            if self.date_problems.get(name):
                found[name] = self.date_problems[name]
            elif value is None:
                found[name] = missing
        if not self.frequency.strip():
            found["frequency"] = "Say how often the sessions are expected, such as weekly."
        if not self.lines:
            found["lines"] = "List at least one expected service."
        for row, line in enumerate(self.lines):
            if not line.code.strip():
                found[f"line{row}"] = "Choose the service."
            elif not 1 <= line.count <= MAX_COUNT:
                found[f"line{row}"] = f"Expect {line.code} at least once, or remove the line."
            elif problem := self._fee(line)[1]:
                found[f"line{row}"] = problem
        return found

    def to_input(self) -> EstimateInput | None:
        """The estimate to check and issue; None while the typing has problems."""
        if self.problems():
            return None
        assert self.unit_id is not None
        assert self.scheduled_on is not None
        assert self.first_service is not None
        items = tuple(
            ExpectedService(line.code.strip(), line.count, self._fee(line)[0])
            for line in self.lines
        )
        return EstimateInput(
            unit_id=self.unit_id,
            scheduled_on=self.scheduled_on,
            first_service=self.first_service,
            requested=self.requested,
            items=items,
            through=self.through,
            frequency=self.frequency.strip(),
            show_diagnoses=self.show_diagnoses,
        )
