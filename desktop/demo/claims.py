"""Claims for the demo practice: superbills for recent months, and each claim's story.

Each payer behaves in its own way (how fast it pays, how much of the fee it
allows, how often and why it denies), so payer history tells them apart.
Some claims are waiting, some were never sent, some were denied and appealed;
between them every status appears. Deterministic for a seed and an end date.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.kinds import ClaimStatus, DenialReason
from desktop.domain.money import round_cents
from desktop.services.claims import follow as claims_follow
from desktop.services.claims import tracking as claims
from desktop.services.claims import updates
from desktop.services.claims.rules import ClaimChange
from desktop.services.documents import superbills
from desktop.services.errors import NotAllowed, ServiceError
from desktop.services.workspace import Workspace

S = ClaimStatus
MONTHS = 8  # superbills for this many months before the end date's month
MAX_CLIENTS = 12


@dataclass(frozen=True)
class PayerHabit:
    days_to_pay: tuple[int, int]
    allowed_share: Decimal  # of the fee
    coinsurance: Decimal  # the client's share of the allowed amount
    denial_rate: float
    reasons: tuple[DenialReason, ...]
    per_line: bool = False  # pays each line of a superbill as its own claim


HABITS = {
    "Aetna": PayerHabit(
        (14, 26), Decimal("0.70"), Decimal("0.20"), 0.08, (DenialReason.MISSING_INFORMATION,)
    ),
    "Cigna": PayerHabit(
        (28, 55),
        Decimal("0.55"),
        Decimal("0.30"),
        0.30,
        (DenialReason.NO_AUTHORIZATION, DenialReason.NOT_MEDICALLY_NECESSARY),
    ),
    "Empire BlueCross BlueShield": PayerHabit(
        (20, 40),
        Decimal("0.60"),
        Decimal("0.30"),
        0.15,
        (DenialReason.DIAGNOSIS_NOT_COVERED, DenialReason.TIMELY_FILING),
    ),
    "UnitedHealthcare": PayerHabit(
        (35, 70),
        Decimal("0.50"),
        Decimal("0.40"),
        0.20,
        (DenialReason.MISSING_INFORMATION, DenialReason.OUT_OF_NETWORK_NOT_COVERED),
        per_line=True,
    ),
}
_USUAL = PayerHabit((20, 45), Decimal("0.60"), Decimal("0.30"), 0.15, (DenialReason.OTHER,))


@dataclass(frozen=True)
class DemoClaims:
    superbills: int
    claims: int


def _months(end: date) -> list[tuple[date, date]]:
    first_of_end = end.replace(day=1)
    months = []
    for back in range(MONTHS, 0, -1):
        year, month = first_of_end.year, first_of_end.month - back
        while month < 1:
            year, month = year - 1, month + 12
        start = date(year, month, 1)
        following = (start + timedelta(days=32)).replace(day=1)
        months.append((start, following - timedelta(days=1)))
    return months


def add_demo_claims(
    ws: Workspace, *, seed: int, end: date, progress: Callable[[int, int], bool] | None = None
) -> DemoClaims:
    """Issue superbills for some superbill clients' recent months and follow their claims;
    ``progress`` hears after each month."""
    rng = random.Random(f"claims-{seed}")
    months = _months(end)
    everyone = ws.read(superbills.units_with_lines, months[0][0], months[-1][1])
    chosen = set(rng.sample(everyone, min(MAX_CLIENTS, len(everyone))))
    issued = 0
    for done, (start, last) in enumerate(months):
        if progress is not None:
            progress(done, len(months))
        units = ws.read(superbills.units_with_lines, start, last)
        on = last + timedelta(days=rng.randint(2, 8))
        if on > end:
            continue
        for unit_id in units:
            if unit_id not in chosen:
                continue
            try:
                ws.run(_issue_and_follow, rng, unit_id, start, last, on, end)
            except ServiceError:
                continue  # a superbill with errors is left out, as the monthly batch does
            issued += 1
    made = ws.read(lambda s: len(claims.list_claims(s, today=end)))
    return DemoClaims(issued, made)


def _issue_and_follow(
    session: Session, rng: random.Random, unit_id: int, start: date, last: date, on: date, end: date
) -> None:
    document = superbills.issue_superbill(
        session, unit_id, start, last, acknowledge=True, issued_on=on
    )
    # Issuing started the claim when the client has an insurer.
    started = claims.claims_for_document(session, document.id, today=on)
    if not started:
        return
    payer = started[0].payer
    habit = HABITS.get(payer, _USUAL)
    if habit.per_line and len(started) == 1 and started[0].line_no is None:
        with contextlib.suppress(NotAllowed):  # a superbill of one line stays whole
            started = claims_follow.split_by_line(session, started[0].id)
    if rng.random() < 0.1:
        # The client never sent it; long after, the therapist closed it.
        if (end - on).days > 150:
            for row in started:
                closed = on + timedelta(days=rng.randint(60, 120))
                _change(session, row.id, S.CLOSED, closed, end, note="Client chose not to claim")
        return
    sent = on + timedelta(days=rng.randint(1, 12))
    number = f"{payer[:2].upper()}{rng.randint(10**7, 10**8 - 1)}"
    for line, row in enumerate(started, start=1):
        claim_number = f"{number}-{line}" if habit.per_line else number
        _follow(session, rng, row, habit, sent, claim_number, end)


def _change(
    session: Session, claim_id: int, to: ClaimStatus, on: date, end: date, **fields: object
) -> None:
    updates.change_status(
        session,
        claim_id,
        ClaimChange(to_status=to, on=on, **fields),  # type: ignore[arg-type]
        today=end,
    )


def _follow(
    session: Session,
    rng: random.Random,
    row: claims.ClaimRow,
    habit: PayerHabit,
    sent: date,
    number: str,
    end: date,
) -> None:
    """Move one claim as far as its dates allow before ``end``."""
    if sent > end:
        return
    _change(session, row.id, S.SUBMITTED, sent, end, claim_number=number)
    noticed = sent + timedelta(days=rng.randint(5, 10))
    if noticed > end:
        return
    if rng.random() < 0.7:
        _change(session, row.id, S.IN_PROCESS, noticed, end)
    answered = sent + timedelta(days=rng.randint(*habit.days_to_pay))
    if answered > end:
        return
    if rng.random() < habit.denial_rate:
        reason = rng.choice(habit.reasons)
        _change(session, row.id, S.DENIED, answered, end, denial_reason=reason)
        _appeal(session, rng, row, habit, answered, end)
        return
    _pay(session, rng, row, habit, answered, end)
    closed = answered + timedelta(days=rng.randint(10, 40))
    if closed <= end and rng.random() < 0.5:
        _change(session, row.id, S.CLOSED, closed, end, note="Client confirmed the payment")


def _pay(
    session: Session,
    rng: random.Random,
    row: claims.ClaimRow,
    habit: PayerHabit,
    on: date,
    end: date,
) -> None:
    allowed = round_cents(row.billed * habit.allowed_share)
    paid = round_cents(allowed * (1 - habit.coinsurance))
    status = S.PAID
    if rng.random() < 0.2:
        # Part of it went to the deductible.
        paid = round_cents(paid * Decimal(rng.choice(("0.25", "0.5", "0.6"))))
        status = S.PARTLY_PAID
    _change(session, row.id, status, on, end, allowed=allowed, reimbursed=paid)


def _appeal(
    session: Session,
    rng: random.Random,
    row: claims.ClaimRow,
    habit: PayerHabit,
    denied: date,
    end: date,
) -> None:
    if rng.random() < 0.35:
        return  # still deciding: the appeal deadline will show in the queue
    appealed = denied + timedelta(days=rng.randint(7, 25))
    if appealed > end:
        return
    if rng.random() < 0.25:
        _change(session, row.id, S.CLOSED, appealed, end, note="Not worth appealing")
        return
    _change(session, row.id, S.APPEALED, appealed, end, note="Letter of medical necessity sent")
    answered = appealed + timedelta(days=rng.randint(25, 60))
    if answered > end:
        return
    if rng.random() < 0.6:
        _pay(session, rng, row, habit, answered, end)
    else:
        _change(session, row.id, S.DENIED, answered, end, denial_reason=rng.choice(habit.reasons))
