"""What the Estimates page and the estimate dialog show, each in one read.

The statements each takes are fixed, however many estimates, clients and
charges the books hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from db.models import Estimate
from desktop.services.errors import NotFound
from desktop.services.estimates.drafts import EstimateInput, ExpectedService, default_estimate
from desktop.services.estimates.follow import CurrentEstimate, current_estimates
from desktop.services.estimates.meter import DISPUTE_THRESHOLD
from desktop.services.estimates.owed import OwedEstimate, owed_estimates
from desktop.services.practice.catalog import ServiceRow, list_services
from desktop.services.practice.settings import get_estimate_settings


@dataclass(frozen=True)
class EstimatesPageView:
    estimates: tuple[CurrentEstimate, ...]  # every current estimate, by client reference
    today: date  # the day the statuses were worked out for
    owed: tuple[OwedEstimate, ...] = ()  # owed and not yet given, soonest deadline first

    @property
    def needing_action(self) -> int:
        return sum(1 for e in self.estimates if e.needs_action) + len(self.owed)


def estimates_page_view(session: Session, today: date | None = None) -> EstimatesPageView:
    """Every current estimate with its meter and status, and what is owed."""
    day = today or date.today()
    return EstimatesPageView(
        tuple(current_estimates(session, day)), day, tuple(owed_estimates(session, day))
    )


@dataclass(frozen=True)
class EstimateFormView:
    """What the estimate dialog needs besides the client list: the services to pick from,
    the practice's business days, its warning threshold, and (when a client is chosen)
    the estimate the practice would usually give them."""

    services: tuple[ServiceRow, ...]
    workdays: frozenset[int]
    warn_over: Decimal
    dispute_over: Decimal
    proposed: EstimateInput | None


def estimate_form_view(
    session: Session,
    unit_id: int | None,
    scheduled_on: date,
    first_service: date,
    requested: bool = False,
) -> EstimateFormView:
    """The dialog's catalog and settings, and the client's usual estimate (None: no client)."""
    settings = get_estimate_settings(session)
    proposed = (
        default_estimate(session, unit_id, scheduled_on, first_service, requested)
        if unit_id is not None
        else None
    )
    return EstimateFormView(
        services=tuple(list_services(session)),
        workdays=settings.workdays,
        warn_over=settings.warn_over,
        dispute_over=DISPUTE_THRESHOLD,
        proposed=proposed,
    )


def estimate_as_given(session: Session, estimate_id: int) -> EstimateInput:
    """An issued estimate as the input that made it: the start of a corrected version."""
    estimate = session.get(Estimate, estimate_id)
    if estimate is None:
        raise NotFound("That estimate is not in this practice file.")
    return EstimateInput(
        unit_id=estimate.unit_id,
        scheduled_on=estimate.scheduled_on,
        first_service=estimate.first_service,
        requested=estimate.requested,
        items=tuple(
            ExpectedService(line.service_code, line.quantity, line.unit_fee)
            for line in estimate.lines
        ),
        through=estimate.period_end,
        frequency=estimate.frequency,
        show_diagnoses=estimate.show_diagnoses,
    )


@dataclass(frozen=True)
class EstimateSummary:
    """The client's current estimate and what they are owed, as the client page tells it."""

    estimate: CurrentEstimate | None
    warn_over: Decimal
    dispute_over: Decimal
    owed: OwedEstimate | None = None

    @property
    def warned(self) -> bool:
        """Billed over it by the practice's warning threshold or more (expired or not)."""
        if self.estimate is None:
            return False
        over = self.estimate.over_by
        return over > 0 and over >= self.warn_over


def client_estimate_summary(
    session: Session, unit_id: int, today: date | None = None
) -> EstimateSummary | None:
    """The client's most recently issued current estimate and the one they are owed, or
    None when they have neither."""
    found = current_estimates(session, today, unit_id=unit_id)
    owed = owed_estimates(session, today, unit_id=unit_id)
    if not found and not owed:
        return None
    latest = max(found, key=lambda e: (e.issued_on, e.estimate_id)) if found else None
    warn_over = get_estimate_settings(session).warn_over
    return EstimateSummary(latest, warn_over, DISPUTE_THRESHOLD, owed[0] if owed else None)
