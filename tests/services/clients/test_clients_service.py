"""Clients, couples and families, the client list and diagnoses, on a real practice file."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, BillingUnit, Service, UnitMember
from db.models import Session as SessionRecord
from db.models.base import utcnow
from desktop.domain.kinds import BillingPreference, Relationship, UnitKind
from desktop.services.audit.log import verify_chain
from desktop.services.clients.diagnoses import add_diagnosis, diagnoses_in_effect, end_diagnosis
from desktop.services.clients.people import (
    ClientInput,
    client_problems,
    create_client,
    get_client_detail,
    list_clients,
    set_active,
    update_client,
)
from desktop.services.clients.units import (
    CoupleInput,
    MemberShare,
    create_couple,
    create_family,
    get_unit_detail,
    list_units,
    set_unit_active,
    update_unit,
)
from desktop.services.errors import InvalidInput, NotAllowed
from desktop.services.practice import catalog
from desktop.services.workspace import Workspace


def person(last: str = "Rivera", first: str = "Alex", **extra: Any) -> ClientInput:
    return ClientInput(legal_last_name=last, legal_first_name=first, **extra)


def service_id(ws: Workspace, code: str) -> int:
    return next(s.id for s in ws.read(catalog.list_services) if s.code == code)


# --- validation without a database --------------------------------------------------------


def test_a_plain_client_has_no_problems() -> None:
    assert client_problems(person(email="a@example.com", state="ny", zip="12207-1234")) == {}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (person(last=" "), "legal_last_name"),
        (person(first="", billing=BillingPreference.SUPERBILL), "legal_first_name"),
        (person(date_of_birth=date(2030, 1, 1)), "date_of_birth"),
        (person(date_of_birth=date(1850, 1, 1)), "date_of_birth"),
        (person(state="XX"), "state"),
        (person(zip="1220"), "zip"),
        (person(email="alex@"), "email"),
        (person(email="alex example.com"), "email"),
        (person(phone="555-01"), "phone"),
        (person(client_ref="has space"), "client_ref"),
        (person(subscriber_relationship=Relationship.SPOUSE), "subscriber_name"),
        (person(subscriber_date_of_birth=date(2030, 1, 1)), "subscriber_date_of_birth"),
        (person(default_fee=Decimal("-1.00")), "default_fee"),
    ],
)
def test_each_problem_is_named_by_its_field(data: ClientInput, field: str) -> None:
    problems = client_problems(data, today=date(2025, 6, 1))
    assert field in problems
    assert problems[field].endswith(".")


def test_a_private_client_needs_no_first_name() -> None:
    assert client_problems(person(first="")) == {}


# --- clients ------------------------------------------------------------------------------


def test_create_client_makes_its_individual_unit(workspace: Workspace) -> None:
    code_id = service_id(workspace, "90834")
    detail = workspace.run(
        create_client,
        person(preferred_name="Lex", default_service_id=code_id, default_fee=Decimal("165.00")),
    )
    assert detail.data.client_ref == "C-0001"
    assert detail.display_name == "Lex Rivera"
    assert detail.default_service_code == "90834"
    assert detail.data.default_fee == Decimal("165.00")
    unit = workspace.read(get_unit_detail, detail.unit_id)
    assert (unit.ref, unit.kind, unit.name) == ("C-0001", UnitKind.INDIVIDUAL, "Lex Rivera")
    assert [(m.client_id, m.pays_share_bp, m.identified_patient) for m in unit.members] == [
        (detail.id, 10000, True)
    ]


def test_references_count_up_and_duplicates_are_refused(workspace: Workspace) -> None:
    first = workspace.run(create_client, person())
    second = workspace.run(create_client, person("Chen", "Sam"))
    assert (first.data.client_ref, second.data.client_ref) == ("C-0001", "C-0002")
    with pytest.raises(InvalidInput) as caught:
        workspace.run(create_client, person("Park", client_ref="c-0002"))
    assert caught.value.field == "client_ref"
    assert "already in use" in str(caught.value)
    own = workspace.run(create_client, person("Park", client_ref="C-0100"))
    assert own.data.client_ref == "C-0100"
    assert workspace.run(create_client, person("Ng")).data.client_ref == "C-0101"


def test_service_refuses_what_the_form_would_refuse(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput) as caught:
        workspace.run(create_client, person(state="Q1"))
    assert caught.value.field == "state"
    assert workspace.read(list_units) == []


def test_update_client_changes_the_unit_too(workspace: Workspace) -> None:
    detail = workspace.run(create_client, person())
    changed = replace(detail.data, preferred_name="Al", client_ref="RIV-1", state="ny")
    after = workspace.run(update_client, detail.id, changed)
    assert after.data.state == "NY"
    unit = workspace.read(get_unit_detail, after.unit_id)
    assert (unit.ref, unit.name) == ("RIV-1", "Al Rivera")


def test_insurance_and_subscriber_round_trip(workspace: Workspace) -> None:
    payer = workspace.run(catalog.create_payer, catalog.PayerInput("Aetna"))
    data = person(
        billing=BillingPreference.SUPERBILL,
        payer_id=payer.id,
        member_id="W123456789",
        group_number="G-77",
        subscriber_relationship=Relationship.CHILD,
        subscriber_name="Maria Rivera",
        subscriber_date_of_birth=date(1970, 3, 4),
        diagnosis_codes_only=True,
        date_of_birth=date(2004, 5, 6),
    )
    detail = workspace.run(create_client, data)
    assert detail.payer_name == "Aetna"
    assert detail.data == replace(data, client_ref="C-0001")


def test_set_active_hides_a_client_from_the_list(workspace: Workspace) -> None:
    detail = workspace.run(create_client, person())
    workspace.run(set_active, detail.id, False)
    assert workspace.read(list_units) == []
    assert [r.status for r in workspace.read(list_units, include_inactive=True)] == ["Inactive"]
    assert workspace.read(list_clients) == []
    workspace.run(set_active, detail.id, True)
    assert [r.name for r in workspace.read(list_units)] == ["Alex Rivera"]


def test_every_change_is_audited(workspace: Workspace) -> None:
    detail = workspace.run(create_client, person())
    workspace.run(update_client, detail.id, replace(detail.data, phone="518 555 0142"))

    def entries(session: Session) -> list[tuple[str, str]]:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.entity).where(AuditEntry.entity == "client")
        )
        return [tuple(r) for r in rows]

    assert workspace.read(entries) == [("create", "client"), ("update", "client")]
    assert workspace.read(verify_chain).intact


# --- couples and families -----------------------------------------------------------------


def make_couple(ws: Workspace) -> tuple[int, int, int]:
    alex = ws.run(create_client, person()).id
    sam = ws.run(create_client, person(first="Sam")).id
    unit = ws.run(
        create_couple,
        CoupleInput(
            members=(MemberShare(alex, 5000, "partner"), MemberShare(sam, 5000, "partner")),
            identified_patient_id=sam,
            default_service_id=service_id(ws, "90847"),
        ),
    )
    return alex, sam, unit.unit_id


def test_create_couple_names_it_and_numbers_it(workspace: Workspace) -> None:
    alex, sam, unit_id = make_couple(workspace)
    unit = workspace.read(get_unit_detail, unit_id)
    assert (unit.ref, unit.kind, unit.name) == ("CPL-0001", UnitKind.COUPLE, "Alex & Sam Rivera")
    assert unit.patient.id == sam
    assert unit.members[0].identified_patient
    assert unit.members[0].client_id == sam
    assert sorted(m.pays_share_bp for m in unit.members) == [5000, 5000]
    alex_detail = workspace.read(get_client_detail, alex)
    assert [(m.kind, m.pays_share_bp) for m in alex_detail.units] == [
        (UnitKind.INDIVIDUAL, 10000),
        (UnitKind.COUPLE, 5000),
    ]


def test_group_names_with_different_last_names(workspace: Workspace) -> None:
    ids = [
        workspace.run(create_client, person(last, first)).id
        for last, first in (("Rivera", "Alex"), ("Chen", "Sam"), ("Chen", "Jo"))
    ]
    unit = workspace.run(
        create_family,
        CoupleInput(
            members=tuple(MemberShare(i, s) for i, s in zip(ids, (10000, 0, 0), strict=True)),
            identified_patient_id=ids[2],
        ),
    )
    assert (unit.ref, unit.name) == ("FAM-0001", "Alex Rivera, Sam Chen & Jo Chen")


@pytest.mark.parametrize(
    ("shares", "patient_index", "field"),
    [
        ((6000, 5000), 0, "shares"),
        ((10000, 0), 2, "identified_patient_id"),
        ((-1, 10001), 0, "shares"),
    ],
)
def test_couple_rules(
    workspace: Workspace, shares: tuple[int, int], patient_index: int, field: str
) -> None:
    ids = [workspace.run(create_client, person(first=f)).id for f in ("Alex", "Sam", "Jo")]
    data = CoupleInput(
        members=(MemberShare(ids[0], shares[0]), MemberShare(ids[1], shares[1])),
        identified_patient_id=ids[patient_index],
    )
    with pytest.raises(InvalidInput) as caught:
        workspace.run(create_couple, data)
    assert caught.value.field == field


def test_a_couple_has_two_members(workspace: Workspace) -> None:
    ids = [workspace.run(create_client, person(first=f)).id for f in ("Alex", "Sam", "Jo")]
    data = CoupleInput(
        members=tuple(MemberShare(i, s) for i, s in zip(ids, (5000, 5000, 0), strict=True)),
        identified_patient_id=ids[0],
    )
    with pytest.raises(InvalidInput, match="exactly two"):
        workspace.run(create_couple, data)


def test_update_unit_changes_shares_and_patient(workspace: Workspace) -> None:
    alex, sam, unit_id = make_couple(workspace)
    detail = workspace.read(get_unit_detail, unit_id)
    changed = replace(
        detail.to_input(),
        members=(MemberShare(alex, 10000, "partner"), MemberShare(sam, 0, "partner")),
        identified_patient_id=alex,
        default_fee=Decimal("200.00"),
    )
    after = workspace.run(update_unit, unit_id, changed)
    assert after.patient.id == alex
    assert {m.client_id: m.pays_share_bp for m in after.members} == {alex: 10000, sam: 0}
    assert after.default_fee == Decimal("200.00")


def test_individual_units_change_only_through_the_client(workspace: Workspace) -> None:
    detail = workspace.run(create_client, person())
    data = CoupleInput(members=(MemberShare(detail.id, 10000),), identified_patient_id=detail.id)
    with pytest.raises(NotAllowed):
        workspace.run(update_unit, detail.unit_id, data)


def test_set_unit_active(workspace: Workspace) -> None:
    _, _, unit_id = make_couple(workspace)
    workspace.run(set_unit_active, unit_id, False)
    assert [r.kind for r in workspace.read(list_units)] == [UnitKind.INDIVIDUAL] * 2


# --- the client list ----------------------------------------------------------------------


def test_list_units_shows_patient_fee_and_last_session(workspace: Workspace) -> None:
    _, _, unit_id = make_couple(workspace)

    def add_sessions(session: Session) -> None:
        svc = session.scalar(select(Service.id).where(Service.code == "90847"))
        for day, voided in ((date(2025, 3, 1), False), (date(2025, 3, 8), True)):
            session.add(
                SessionRecord(
                    unit_id=unit_id,
                    service_date=day,
                    service_id=svc,
                    fee=Decimal("175.00"),
                    voided_at=None if not voided else utcnow(),
                    void_reason=None if not voided else "entered twice",
                )
            )

    workspace.run(add_sessions)
    rows = {r.ref: r for r in workspace.read(list_units)}
    couple = rows["CPL-0001"]
    assert couple.identified_patient_name == "Sam Rivera"
    assert couple.last_session == date(2025, 3, 1)  # the voided one does not count
    assert couple.default_fee == Decimal("175.00")  # the service's fee
    assert couple.default_service_code == "90847"
    assert rows["C-0001"].last_session is None
    assert rows["C-0001"].default_fee is None
    assert (couple.owed, couple.credit) == (Decimal("0.00"), Decimal("0.00"))


def test_list_units_search(workspace: Workspace) -> None:
    make_couple(workspace)
    workspace.run(create_client, person("Chen", "Jo_"))
    # By the identified patient's last name, then first name (the couple's is Sam Rivera).
    assert [r.ref for r in workspace.read(list_units, "sam")] == ["C-0002", "CPL-0001"]
    assert [r.ref for r in workspace.read(list_units, "CHEN")] == ["C-0003"]
    assert [r.ref for r in workspace.read(list_units, "rivera alex")] == ["C-0001", "CPL-0001"]
    assert [r.ref for r in workspace.read(list_units, "jo_")] == ["C-0003"]
    assert workspace.read(list_units, "%") == []


def test_list_units_is_fast_for_a_large_practice(workspace: Workspace) -> None:
    """300 units and 60,000 sessions: one grouped query, no query per row."""

    def bulk(session: Session) -> None:
        svc = session.scalar(select(Service.id).where(Service.code == "90834"))
        for n in range(300):
            create_client(session, person(f"Last{n:03d}", "First"))
        units = session.scalars(select(BillingUnit.id)).all()
        start = date(2020, 1, 1)
        rows = [
            {
                "unit_id": units[i % len(units)],
                "service_date": start + timedelta(days=i // 40),
                "service_id": svc,
                "fee_cents": 15000,
                "status": "attended",
                "place_of_service": "11",
                "modifiers": "",
                "memo": "",
                "created_at": utcnow(),
            }
            for i in range(60_000)
        ]
        session.execute(insert(SessionRecord.__table__), rows)

    workspace.run(bulk)
    started = time.perf_counter()
    rows = workspace.read(list_units)
    elapsed = time.perf_counter() - started
    assert len(rows) == 300
    assert all(r.last_session is not None for r in rows)
    assert elapsed < 1.0, f"list_units took {elapsed:.2f}s"


def test_membership_rows_exist_for_every_unit(workspace: Workspace) -> None:
    make_couple(workspace)

    def count(session: Session) -> int:
        return len(session.scalars(select(UnitMember)).all())

    assert workspace.read(count) == 4


# --- diagnoses ----------------------------------------------------------------------------


def test_diagnoses_over_time(workspace: Workspace) -> None:
    client = workspace.run(create_client, person()).id
    first = workspace.run(add_diagnosis, client, "f43.23", date(2025, 1, 10), 1)
    assert (first.code, first.description) == (
        "F43.23",
        "Adjustment disorder with mixed anxiety and depressed mood",
    )
    workspace.run(add_diagnosis, client, "Z63.0", date(2025, 1, 10), 2)
    workspace.run(end_diagnosis, first.id, date(2025, 3, 31))
    workspace.run(add_diagnosis, client, "F41.1", date(2025, 4, 1), 1)

    def codes(on: date) -> list[str]:
        return [d.code for d in workspace.read(diagnoses_in_effect, client, on)]

    assert codes(date(2025, 1, 9)) == []
    assert codes(date(2025, 2, 1)) == ["F43.23", "Z63.0"]
    assert codes(date(2025, 3, 31)) == ["F43.23", "Z63.0"]
    assert codes(date(2025, 4, 1)) == ["F41.1", "Z63.0"]
    assert len(workspace.read(get_client_detail, client).diagnoses) == 3


@pytest.mark.parametrize(
    ("code", "rank", "start", "end", "field"),
    [
        ("F99.99", 1, date(2025, 1, 1), None, "code"),  # not a code
        ("F43.2", 1, date(2025, 1, 1), None, "code"),  # a heading, not billable
        ("F41.1", 13, date(2025, 1, 1), None, "rank"),
        ("F41.1", 1, date(2025, 1, 1), date(2024, 12, 31), "effective_to"),
        ("F43.23", 3, date(2025, 6, 1), None, "code"),  # already in force then
        ("F41.1", 1, date(2025, 6, 1), None, "rank"),  # rank 1 is taken then
    ],
)
def test_diagnosis_rules(
    workspace: Workspace, code: str, rank: int, start: date, end: date | None, field: str
) -> None:
    client = workspace.run(create_client, person()).id
    workspace.run(add_diagnosis, client, "F43.23", date(2025, 1, 1), 1)
    with pytest.raises(InvalidInput) as caught:
        workspace.run(add_diagnosis, client, code, start, rank, end)
    assert caught.value.field == field


def test_end_date_before_start_is_refused(workspace: Workspace) -> None:
    client = workspace.run(create_client, person()).id
    row = workspace.run(add_diagnosis, client, "F43.23", date(2025, 1, 10), 1)
    with pytest.raises(InvalidInput) as caught:
        workspace.run(end_diagnosis, row.id, date(2025, 1, 9))
    assert caught.value.field == "effective_to"


def test_list_units_shows_what_is_owed_and_credit(workspace: Workspace) -> None:
    from desktop.services.books.payments import PaymentInput, record_payment
    from desktop.services.books.sessions import SessionInput, record_session

    owing = workspace.run(create_client, person()).unit_id
    ahead = workspace.run(create_client, person("Chen", "Sam")).unit_id
    card = workspace.read(catalog.list_payment_methods)[0].id
    workspace.run(record_session, SessionInput(owing, date(2025, 3, 3), "90834"))
    workspace.run(record_payment, PaymentInput(ahead, date(2025, 3, 3), Decimal("80.00"), card))
    rows = {r.unit_id: r for r in workspace.read(list_units)}
    assert (rows[owing].owed, rows[owing].credit) == (Decimal("150.00"), Decimal("0.00"))
    assert (rows[ahead].owed, rows[ahead].credit) == (Decimal("0.00"), Decimal("80.00"))
