"""The demo's caseload: clients, couples and families, each with a course of therapy.

Each place in the caseload is taken by one client (or couple, or family) after
another over the years; each gets a ``Plan`` saying when and how often they are
seen, what is billed, and how they pay, which ``courses`` then records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.demo.names import (
    COUPLE_DX,
    FEMALE_NAMES,
    INDIVIDUAL_DX,
    MALE_NAMES,
    PREFERRED,
    STREETS,
    TOWNS,
    Names,
)
from desktop.domain.kinds import BillingPreference, Relationship, Sex
from desktop.services.clients import diagnoses, people, units

SESSION_TIMES = tuple(time(h, m) for h in range(8, 19) for m in (0,))


@dataclass
class Plan:
    """One billing unit's course of therapy."""

    unit_id: int
    kind: str
    start: date
    stop: date
    every_weeks: int
    weekday: int
    start_time: time
    code: str
    fee: Decimal
    pays: str  # "at_session", "monthly", "package", "slow", "stopped_paying"
    method: str
    members: tuple[int, ...]
    superbill: bool


def _client_input(
    rng: random.Random,
    first: str,
    last: str,
    *,
    age: tuple[int, int],
    end: date,
    superbill: bool,
    payer_id: int | None,
    relationship: Relationship = Relationship.SELF,
    subscriber: tuple[str, date] | None = None,
) -> people.ClientInput:
    born = end - timedelta(days=rng.randint(age[0] * 365, age[1] * 365))
    town, zip_code = rng.choice(TOWNS)
    number = rng.randint(10, 980)
    return people.ClientInput(
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=PREFERRED.get(first, ""),
        date_of_birth=born,
        sex=_sex(first) if superbill else Sex.NOT_RECORDED,
        email=f"{first.lower()}.{last.lower()}@example.com".replace("ø", "o")
        .replace("é", "e")
        .replace("ć", "c"),
        phone=f"(518) 555-{rng.randint(100, 999):04d}",
        address=f"{number} {rng.choice(STREETS)}",
        city=town,
        state="NY",
        zip=zip_code,
        billing=BillingPreference.SUPERBILL if superbill else BillingPreference.PRIVATE,
        diagnosis_codes_only=superbill and rng.random() < 0.2,
        payer_id=payer_id if superbill else None,
        member_id=f"{rng.choice('WXYZ')}{rng.randint(10**8, 10**9 - 1)}" if superbill else "",
        group_number=f"{rng.randint(100000, 999999)}" if superbill and rng.random() < 0.8 else "",
        subscriber_relationship=relationship,
        subscriber_name=subscriber[0] if subscriber else "",
        subscriber_date_of_birth=subscriber[1] if subscriber else None,
    )


def _sex(first: str) -> Sex:
    # Read from the name, not drawn: the demo's random sequence (and its books) stay the same.
    if first in FEMALE_NAMES:
        return Sex.FEMALE
    return Sex.MALE if first in MALE_NAMES else Sex.NOT_RECORDED


def _diagnose(
    session: Session, client_id: int, codes: tuple[str, ...], start: date, rng: random.Random
) -> None:
    for rank, code in enumerate(codes, start=1):
        diagnoses.add_diagnosis(session, client_id, code, start, rank)
    if len(codes) == 1 and rng.random() < 0.25:
        # A diagnosis revised during treatment: a second code from a later date.
        later = start + timedelta(days=rng.randint(60, 200))
        diagnoses.add_diagnosis(
            session, client_id, "F41.1" if codes[0] != "F41.1" else "F43.23", later, 2
        )


def _courses(rng: random.Random, start: date, end: date) -> list[tuple[date, date]]:
    """One place in the caseload over the years: a client's course of therapy, then, after
    a few weeks, the next client's, and so on to the end date."""
    courses: list[tuple[date, date]] = []
    # The practice fills its caseload during its first months.
    begin = start + timedelta(days=rng.randint(0, 180))
    while begin <= end - timedelta(weeks=8):
        # Many clients stay for years; some come for a few months.
        length = rng.choice((12, 20, 30, 52, 80, 120, 200, 400, 600)) * 7
        stop = min(end, begin + timedelta(days=length))
        courses.append((begin, stop))
        begin = stop + timedelta(weeks=rng.choice((2, 4, 6, 8, 12, 16, 26)))
    return courses


def _payment_style(rng: random.Random) -> tuple[str, str]:
    pays = rng.choices(
        ("at_session", "monthly", "package", "slow", "stopped_paying"),
        weights=(60, 20, 6, 9, 5),
    )[0]
    method = rng.choices(
        ("Card", "Zelle", "Check", "HSA/FSA card", "Cash"), weights=(45, 20, 15, 12, 8)
    )[0]
    if pays == "monthly":
        method = rng.choice(("Check", "Zelle"))
    return pays, method


@dataclass(frozen=True)
class _Setting:
    """What every new unit of the demo is made with."""

    names: Names
    end: date
    payer_ids: list[int]
    services: dict[str, int]


def _individual(
    session: Session, rng: random.Random, setting: _Setting, begin: date, stop: date
) -> Plan:
    superbill = rng.random() < 0.45
    payer = rng.choice(setting.payer_ids) if superbill else None
    first, last = setting.names.person()
    dependent = superbill and rng.random() < 0.15
    subscriber = None
    end = setting.end
    if dependent:
        sub_first, _ = setting.names.person(last)
        subscriber = (f"{sub_first} {last}", end - timedelta(days=rng.randint(45, 60) * 365))
    data = _client_input(
        rng,
        first,
        last,
        age=(19, 26) if dependent else (24, 68),
        end=end,
        superbill=superbill,
        payer_id=payer,
        relationship=Relationship.CHILD if dependent else Relationship.SELF,
        subscriber=subscriber,
    )
    fee = rng.choices(
        (
            Decimal("175.00"),
            Decimal("190.00"),
            Decimal("150.00"),
            Decimal("120.00"),
            Decimal("95.00"),
        ),
        weights=(40, 25, 15, 12, 8),
    )[0]
    code = "90837" if rng.random() < 0.6 else "90834"
    detail = people.create_client(session, data)
    if superbill:
        _diagnose(session, detail.id, rng.choice(INDIVIDUAL_DX), begin, rng)
    pays, method = _payment_style(rng)
    return Plan(
        detail.unit_id,
        "individual",
        begin,
        stop,
        rng.choice((1, 1, 1, 2)),
        rng.randint(0, 4),
        rng.choice(SESSION_TIMES),
        code,
        fee,
        pays,
        method,
        (detail.id,),
        superbill,
    )


def _group(
    session: Session, rng: random.Random, setting: _Setting, begin: date, stop: date, family: bool
) -> Plan:
    superbill = rng.random() < 0.5
    payer = rng.choice(setting.payer_ids) if superbill else None
    names, end = setting.names, setting.end
    first_a, last = names.person()
    first_b, last_b = names.person(last if rng.random() < 0.6 else None)
    members = [
        people.create_client(
            session,
            _client_input(
                rng, first_a, last, age=(30, 60), end=end, superbill=superbill, payer_id=payer
            ),
        ),
        people.create_client(
            session,
            _client_input(
                rng, first_b, last_b, age=(30, 60), end=end, superbill=False, payer_id=None
            ),
        ),
    ]
    if family:
        child_first, _ = names.person(last)
        members.append(
            people.create_client(
                session,
                _client_input(
                    rng,
                    child_first,
                    last,
                    age=(13, 17),
                    end=end,
                    superbill=False,
                    payer_id=None,
                ),
            )
        )
    patient = members[0]
    shares = (10000, 0) if rng.random() < 0.6 else (5000, 5000)
    share_list = list(shares) + [0] * (len(members) - 2)
    data = units.CoupleInput(
        members=tuple(
            units.MemberShare(m.id, share, "partner" if i < 2 else "child")
            for i, (m, share) in enumerate(zip(members, share_list, strict=True))
        ),
        identified_patient_id=patient.id,
        default_service_id=setting.services["90847"],
        default_fee=Decimal("200.00") if not family else Decimal("210.00"),
    )
    unit = (units.create_family if family else units.create_couple)(session, data)
    if superbill:
        _diagnose(session, patient.id, rng.choice(COUPLE_DX), begin, rng)
    pays, method = _payment_style(rng)
    payer_ids_in_unit = tuple(m.id for m, s in zip(members, share_list, strict=True) if s)
    return Plan(
        unit.unit_id,
        "family" if family else "couple",
        begin,
        stop,
        rng.choice((1, 2)),
        rng.randint(0, 4),
        rng.choice(SESSION_TIMES),
        "90847",
        data.default_fee or Decimal("200.00"),
        pays,
        method,
        payer_ids_in_unit,
        superbill,
    )


def build_caseload(
    session: Session,
    rng: random.Random,
    count: int,
    start: date,
    end: date,
    payer_ids: list[int],
    services: dict[str, int],
) -> list[Plan]:
    """Units for a caseload of about ``count`` people at a time: each place in it is taken
    by one client (or couple, or family) after another over the years."""
    setting = _Setting(Names(rng), end, payer_ids, services)
    n_family = 1 if count >= 10 else 0
    n_couples = max(1, count // 7)
    n_individual = max(1, count - 2 * n_couples - 3 * n_family)
    places = ["individual"] * n_individual + ["couple"] * n_couples + ["family"] * n_family
    plans: list[Plan] = []
    for kind in places:
        for begin, stop in _courses(rng, start, end):
            if kind == "individual":
                plans.append(_individual(session, rng, setting, begin, stop))
            else:
                plans.append(_group(session, rng, setting, begin, stop, kind == "family"))
    plans.sort(key=lambda plan: (plan.start, plan.unit_id))
    return plans
