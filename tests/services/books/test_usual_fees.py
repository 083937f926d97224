"""The client's usual fee: set on the client, else last charged for the service, else listed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import BillingUnit, Service
from desktop.domain.kinds import SessionStatus
from desktop.services.books import sessions
from desktop.services.books.sessions import SessionInput
from desktop.services.clients.units import get_unit_detail, list_units
from desktop.services.workspace import Workspace
from tests.books_helpers import add_unit


def seen(ws: Workspace, unit: int, day: date, fee: str, **more: object) -> None:
    code = str(more.pop("code", "90837"))
    ws.run(
        sessions.record_session,
        SessionInput(unit, day, code, minutes=55, fee=D(fee), **more),  # type: ignore[arg-type]
    )


def test_a_client_without_a_fee_of_their_own_is_proposed_what_they_were_last_charged(
    workspace: Workspace,
) -> None:
    unit = workspace.run(add_unit, "K1", "Kai Moreno", fee="0")
    # Nothing charged yet: the list price of the service.
    assert workspace.read(sessions.defaults_for, unit, 55).fee == D("190.00")
    seen(workspace, unit, date(2026, 3, 2), "175.00")
    seen(workspace, unit, date(2026, 3, 9), "175.00")
    # A missed session at another fee does not count.
    seen(workspace, unit, date(2026, 3, 16), "75.00", status=SessionStatus.NO_SHOW)
    assert workspace.read(sessions.defaults_for, unit, 55).fee == D("175.00")
    # Another service keeps its own history: 90834 was never charged, so its list price.
    assert workspace.read(sessions.defaults_for, unit, 45).fee == D("150.00")
    # The list and the page show the same fee, and say where it comes from.
    row = next(r for r in workspace.read(list_units) if r.unit_id == unit)
    assert row.default_fee == D("175.00")
    detail = workspace.read(get_unit_detail, unit)
    assert (detail.usual_fee, detail.usual_service_code) == (D("175.00"), "90837")
    assert detail.usual_fee_charged_on == date(2026, 3, 9)


def test_the_fee_set_on_the_client_comes_first(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "L1", "Lea Park", fee="140.00")
    seen(workspace, unit, date(2026, 3, 2), "175.00")
    # A fee typed on the client is for the client's usual service.
    assert workspace.read(sessions.defaults_for, unit, 55).fee == D("175.00")
    workspace.run(usual_service, unit, "90837")
    assert workspace.read(sessions.defaults_for, unit, 55).fee == D("140.00")
    row = next(r for r in workspace.read(list_units) if r.unit_id == unit)
    assert row.default_fee == D("140.00")
    detail = workspace.read(get_unit_detail, unit)
    assert (detail.usual_fee, detail.usual_fee_charged_on) == (D("140.00"), None)


def test_a_client_never_seen_shows_no_usual_fee(workspace: Workspace) -> None:
    unit = workspace.run(add_unit, "M1", "Mo Chen", fee="0")
    row = next(r for r in workspace.read(list_units) if r.unit_id == unit)
    assert row.default_fee is None
    assert workspace.read(get_unit_detail, unit).usual_fee is None


def usual_service(session: Session, unit_id: int, code: str) -> None:
    unit = session.get(BillingUnit, unit_id)
    assert unit is not None
    unit.default_service_id = session.execute(
        select(Service.id).where(Service.code == code)
    ).scalar_one()
    session.flush()
