"""Payment methods, services and payers: validation, uniqueness, deactivation, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Service
from db.models import Session as SessionRecord
from desktop.services.audit.log import verify_chain
from desktop.services.errors import InvalidInput, NotAllowed
from desktop.services.practice import catalog
from desktop.services.practice.catalog import PayerInput, PaymentMethodInput, ServiceInput
from desktop.services.workspace import Workspace


def audit_entities(ws: Workspace, entity: str) -> list[str]:
    def query(session: Session) -> list[str]:
        rows = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity))
        return list(rows)

    return ws.read(query)


# --- payment methods ------------------------------------------------------------------------


def test_new_practice_has_the_default_methods(workspace: Workspace) -> None:
    methods = workspace.read(catalog.list_payment_methods)
    assert [m.name for m in methods][:3] == ["Card", "Cash", "Check"]
    card = methods[0]
    assert (card.fee_basis_points, card.fee_fixed) == (290, Decimal("0.30"))
    assert card.fee_rule == "2.90% + $0.30"
    assert methods[1].fee_rule == "No fee"


def test_create_update_and_deactivate_a_method(workspace: Workspace) -> None:
    square = workspace.run(
        catalog.create_payment_method, PaymentMethodInput("Square", 260, Decimal("0.15"))
    )
    assert square.sort_order > max(
        m.sort_order for m in workspace.read(catalog.list_payment_methods) if m.id != square.id
    )
    renamed = workspace.run(
        catalog.update_payment_method, square.id, PaymentMethodInput("Square reader", 275)
    )
    assert (renamed.name, renamed.fee_basis_points, renamed.fee_fixed) == (
        "Square reader",
        275,
        Decimal("0.00"),
    )
    workspace.run(catalog.deactivate_payment_method, square.id)
    assert "Square reader" not in [m.name for m in workspace.read(catalog.list_payment_methods)]
    listed = workspace.read(catalog.list_payment_methods, include_inactive=True)
    assert [m.active for m in listed if m.id == square.id] == [False]
    assert audit_entities(workspace, "payment_method") == ["create", "update", "update"]
    assert workspace.read(verify_chain).intact


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PaymentMethodInput(" "), "name"),
        (PaymentMethodInput("card"), "name"),  # names are unique, ignoring case
        (PaymentMethodInput("Venmo", 10001), "fee_basis_points"),
        (PaymentMethodInput("Venmo", 0, Decimal("-0.01")), "fee_fixed"),
    ],
)
def test_method_rules(workspace: Workspace, data: PaymentMethodInput, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        workspace.run(catalog.create_payment_method, data)
    assert caught.value.field == field


def test_the_last_active_method_stays(workspace: Workspace) -> None:
    methods = workspace.read(catalog.list_payment_methods)
    for method in methods[:-1]:
        workspace.run(catalog.deactivate_payment_method, method.id)
    with pytest.raises(NotAllowed):
        workspace.run(catalog.deactivate_payment_method, methods[-1].id)


# --- services -------------------------------------------------------------------------------


def test_services_are_the_practice_own_and_editable(workspace: Workspace) -> None:
    services = {s.code: s for s in workspace.read(catalog.list_services)}
    assert services["90834"].label == "Therapy session, 45 minutes"
    assert services["LATE"].superbill is False
    changed = workspace.run(
        catalog.update_service,
        services["90834"].id,
        ServiceInput("90834", "Individual therapy", 45, Decimal("160.00")),
    )
    assert (changed.label, changed.default_fee) == ("Individual therapy", Decimal("160.00"))


def test_create_service_normalizes_its_code(workspace: Workspace) -> None:
    row = workspace.run(
        catalog.create_service, ServiceInput(" consult ", "Consultation", 30, Decimal("80"), False)
    )
    assert row.code == "CONSULT"
    with pytest.raises(InvalidInput) as caught:
        workspace.run(catalog.create_service, ServiceInput("Consult", "Again"))
    assert caught.value.field == "code"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ServiceInput("", "Label"), "code"),
        (ServiceInput("90 834", "Label"), "code"),
        (ServiceInput("X1", " "), "label"),
        (ServiceInput("X1", "Label", default_minutes=-5), "default_minutes"),
        (ServiceInput("X1", "Label", default_fee=Decimal("-1")), "default_fee"),
    ],
)
def test_service_rules(workspace: Workspace, data: ServiceInput, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        workspace.run(catalog.create_service, data)
    assert caught.value.field == field


def test_a_used_service_keeps_its_code(workspace: Workspace) -> None:
    from desktop.services.clients.people import ClientInput, create_client

    unit_id = workspace.run(create_client, ClientInput(legal_last_name="Rivera")).unit_id
    service = next(s for s in workspace.read(catalog.list_services) if s.code == "90837")

    def book(session: Session) -> None:
        svc = session.scalar(select(Service.id).where(Service.code == "90837"))
        session.add(
            SessionRecord(
                unit_id=unit_id, service_date=date(2025, 1, 2), service_id=svc, fee=Decimal("1")
            )
        )

    workspace.run(book)
    data = ServiceInput("90838", service.label, service.default_minutes, service.default_fee)
    with pytest.raises(InvalidInput, match="used by 1 session") as caught:
        workspace.run(catalog.update_service, service.id, data)
    assert caught.value.field == "code"
    # Everything but the code may still change, and it may be retired.
    workspace.run(catalog.update_service, service.id, replace(data, code="90837", label="Hour"))
    workspace.run(catalog.deactivate_service, service.id)
    assert "90837" not in [s.code for s in workspace.read(catalog.list_services)]


# --- payers ---------------------------------------------------------------------------------


def test_payer_round_trip(workspace: Workspace) -> None:
    data = PayerInput(
        "Aetna",
        external_id="60054",
        timely_filing_days=180,
        usual_days_to_pay=21,
        place_of_service="10",
        modifiers="95 gt",
        typical_allowed=Decimal("120.00"),
    )
    payer = workspace.run(catalog.create_payer, data)
    assert payer.modifiers == "95,GT"
    assert workspace.read(catalog.get_payer, payer.id) == payer
    workspace.run(catalog.deactivate_payer, payer.id)
    assert workspace.read(catalog.list_payers) == []
    assert [p.name for p in workspace.read(catalog.list_payers, include_inactive=True)] == ["Aetna"]
    assert audit_entities(workspace, "payer") == ["create", "update"]


def test_payer_defaults_fall_back_to_the_practice(workspace: Workspace) -> None:
    payer = workspace.run(catalog.create_payer, PayerInput("Cigna"))
    assert (payer.place_of_service, payer.modifiers) == (None, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PayerInput(""), "name"),
        (PayerInput("Aetna", timely_filing_days=0), "timely_filing_days"),
        (PayerInput("Aetna", timely_filing_days=2000), "timely_filing_days"),
        (PayerInput("Aetna", usual_days_to_pay=400), "usual_days_to_pay"),
        (PayerInput("Aetna", place_of_service="1"), "place_of_service"),
        (PayerInput("Aetna", modifiers="95,GT,93,25,59"), "modifiers"),
        (PayerInput("Aetna", modifiers="959"), "modifiers"),
        (PayerInput("Aetna", typical_allowed=Decimal("-1")), "typical_allowed"),
    ],
)
def test_payer_rules(workspace: Workspace, data: PayerInput, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        workspace.run(catalog.create_payer, data)
    assert caught.value.field == field


def test_payer_names_are_unique(workspace: Workspace) -> None:
    first = workspace.run(catalog.create_payer, PayerInput("Aetna"))
    other = workspace.run(catalog.create_payer, PayerInput("Cigna"))
    with pytest.raises(InvalidInput, match="already a payer named"):
        workspace.run(catalog.update_payer, other.id, PayerInput("AETNA"))
    # Saving a payer under its own name is not a clash.
    workspace.run(catalog.update_payer, first.id, PayerInput("Aetna", usual_days_to_pay=40))
