"""A realistic demo practice, made entirely of invented people.

Deterministic for a seed and an end date: the same arguments give the same
books. Everything is written through the same services the app uses, so the
demo's books obey every rule real books do.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import keys
from db.models import LedgerTxn, PaymentMethod, Service
from desktop.demo.claims import add_demo_claims
from desktop.demo.signature import demo_signature_png
from desktop.domain.kinds import AdjustmentReason, BillingPreference, Relationship, SessionStatus
from desktop.services.books import payments, periods, sessions
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput
from desktop.services.clients import records as clients
from desktop.services.clients import records as clients_module
from desktop.services.errors import ServiceError
from desktop.services.practice import catalog
from desktop.services.practice.settings import Profile, create_practice
from desktop.services.practice.signature import set_signature
from desktop.services.workspace import Workspace

DEMO_PASSPHRASE = keys.DEMO_PASSPHRASE

DEMO_PROFILE = Profile(
    practice_name="Harbor Light Counseling",
    provider_name="Dana Whitfield",
    credentials="PhD, LMFT",
    npi="1234567893",
    organization_npi="",
    ein="12-3456789",
    license_number="LMFT 004512",
    license_state="NY",
    taxonomy="106H00000X",
    address="100 State Street, Suite 410",
    city="Albany",
    state="NY",
    zip="12207",
    phone="(518) 555-0142",
    email="office@harborlight.example",
)

# name, timely filing days, usual days to pay, place of service, modifiers
DEMO_PAYERS = (
    ("Aetna", 180, 24, "10", "95"),
    ("Cigna", 90, 35, "02", "95"),
    ("Empire BlueCross BlueShield", 365, 30, "10", "95"),
    ("UnitedHealthcare", 365, 45, "11", ""),
)

FIRST_NAMES = (
    "Amara",
    "Ben",
    "Camila",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Imani",
    "Jonah",
    "Kaia",
    "Luis",
    "Maya",
    "Nikos",
    "Olivia",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tomasz",
    "Uma",
    "Victor",
    "Wren",
    "Xavier",
    "Yara",
    "Zane",
    "Aisha",
    "Bjorn",
    "Chloe",
    "Darius",
    "Esme",
    "Felix",
    "Gabriela",
    "Hugo",
    "Ines",
    "Jasper",
    "Keiko",
    "Leon",
    "Mira",
    "Noah",
    "Oren",
    "Paloma",
    "Rosa",
    "Samir",
    "Tess",
    "Ulrich",
    "Vera",
    "Wes",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Abernathy",
    "Baptiste",
    "Castellanos",
    "Dimitriou",
    "Eriksen",
    "Fairbanks",
    "Gallagher",
    "Hashemi",
    "Ivanova",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Papadopoulos",
    "Quintero",
    "Rahman",
    "Sørensen",
    "Takahashi",
    "Underwood",
    "Valdés",
    "Whitaker",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Achebe",
    "Brennan",
    "Carvalho",
    "Delacroix",
    "Esposito",
    "Fitzgerald",
    "Guerrero",
    "Haddad",
    "Iverson",
    "Jovanović",
    "Kaplan",
    "Lombardi",
    "Mbeki",
    "Novak",
)
PREFERRED = {
    "Dmitri": "Dima",
    "Elena": "Lena",
    "Gabriela": "Gabi",
    "Tomasz": "Tom",
    "Xavier": "Xavi",
    "Hiroshi": "Hiro",
}
STREETS = (
    "Maple Ave",
    "Lark St",
    "Western Ave",
    "Delaware Ave",
    "Madison Ave",
    "Quail St",
    "New Scotland Ave",
    "Central Ave",
    "Hudson Ave",
    "Morris St",
)
TOWNS = (
    ("Albany", "12203"),
    ("Albany", "12208"),
    ("Troy", "12180"),
    ("Schenectady", "12305"),
    ("Delmar", "12054"),
    ("Latham", "12110"),
    ("Saratoga Springs", "12866"),
)

# Diagnoses typical of a couples and sex therapy practice; all billable ICD-10-CM codes.
INDIVIDUAL_DX = (
    ("F43.23",),
    ("F41.1",),
    ("F32.1",),
    ("F52.0", "F41.1"),
    ("F43.10",),
    ("F33.1",),
    ("F52.21",),
    ("F41.0",),
    ("F43.22", "Z63.0"),
)
COUPLE_DX = (("F43.23", "Z63.0"), ("F41.1", "Z63.0"), ("F52.0", "Z63.0"))

SESSION_TIMES = tuple(time(h, m) for h in range(8, 19) for m in (0,))


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    units: int
    sessions: int
    payments: int
    start: date
    end: date


@dataclass
class _Plan:
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


def _profile(session: Session) -> None:
    create_practice(session, DEMO_PROFILE, user_name="Dana Whitfield")
    set_signature(session, demo_signature_png())


def _payers(session: Session) -> list[int]:
    ids = []
    for name, filing, usual, pos, mods in DEMO_PAYERS:
        row = catalog.create_payer(
            session,
            catalog.PayerInput(
                name=name,
                timely_filing_days=filing,
                usual_days_to_pay=usual,
                place_of_service=pos,
                modifiers=mods,
            ),
        )
        ids.append(row.id)
    return ids


def _service_ids(session: Session) -> dict[str, int]:
    return {row.code: row.id for row in session.execute(select(Service.code, Service.id))}


def _method_ids(session: Session) -> dict[str, int]:
    query = select(PaymentMethod.name, PaymentMethod.id)
    return {row.name: row.id for row in session.execute(query)}


class _Names:
    """Unique invented names, drawn without repeats while the list lasts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def person(self, last: str | None = None) -> tuple[str, str]:
        for _ in range(1000):
            first = self.rng.choice(FIRST_NAMES)
            family = last or self.rng.choice(LAST_NAMES)
            if (first, family) not in self.used:
                self.used.add((first, family))
                return first, family
        first = f"{self.rng.choice(FIRST_NAMES)}-{self.rng.choice(FIRST_NAMES)}"
        return first, last or self.rng.choice(LAST_NAMES)


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
) -> clients.ClientInput:
    born = end - timedelta(days=rng.randint(age[0] * 365, age[1] * 365))
    town, zip_code = rng.choice(TOWNS)
    number = rng.randint(10, 980)
    return clients.ClientInput(
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=PREFERRED.get(first, ""),
        date_of_birth=born,
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


def _diagnose(
    session: Session, client_id: int, codes: tuple[str, ...], start: date, rng: random.Random
) -> None:
    for rank, code in enumerate(codes, start=1):
        clients.add_diagnosis(session, client_id, code, start, rank)
    if len(codes) == 1 and rng.random() < 0.25:
        # A diagnosis revised during treatment: a second code from a later date.
        later = start + timedelta(days=rng.randint(60, 200))
        clients.add_diagnosis(
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

    names: _Names
    end: date
    payer_ids: list[int]
    services: dict[str, int]


def _individual(
    session: Session, rng: random.Random, setting: _Setting, begin: date, stop: date
) -> _Plan:
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
    detail = clients.create_client(session, data)
    if superbill:
        _diagnose(session, detail.id, rng.choice(INDIVIDUAL_DX), begin, rng)
    pays, method = _payment_style(rng)
    return _Plan(
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
) -> _Plan:
    superbill = rng.random() < 0.5
    payer = rng.choice(setting.payer_ids) if superbill else None
    names, end = setting.names, setting.end
    first_a, last = names.person()
    first_b, last_b = names.person(last if rng.random() < 0.6 else None)
    members = [
        clients.create_client(
            session,
            _client_input(
                rng, first_a, last, age=(30, 60), end=end, superbill=superbill, payer_id=payer
            ),
        ),
        clients.create_client(
            session,
            _client_input(
                rng, first_b, last_b, age=(30, 60), end=end, superbill=False, payer_id=None
            ),
        ),
    ]
    if family:
        child_first, _ = names.person(last)
        members.append(
            clients.create_client(
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
    data = clients.CoupleInput(
        members=tuple(
            clients.MemberShare(m.id, share, "partner" if i < 2 else "child")
            for i, (m, share) in enumerate(zip(members, share_list, strict=True))
        ),
        identified_patient_id=patient.id,
        default_service_id=setting.services["90847"],
        default_fee=Decimal("200.00") if not family else Decimal("210.00"),
    )
    unit = (clients.create_family if family else clients.create_couple)(session, data)
    if superbill:
        _diagnose(session, patient.id, rng.choice(COUPLE_DX), begin, rng)
    pays, method = _payment_style(rng)
    payer_ids_in_unit = tuple(m.id for m, s in zip(members, share_list, strict=True) if s)
    return _Plan(
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


def _build_units(
    session: Session,
    rng: random.Random,
    count: int,
    start: date,
    end: date,
    payer_ids: list[int],
    services: dict[str, int],
) -> list[_Plan]:
    """Units for a caseload of about ``count`` people at a time: each place in it is taken
    by one client (or couple, or family) after another over the years."""
    setting = _Setting(_Names(rng), end, payer_ids, services)
    n_family = 1 if count >= 10 else 0
    n_couples = max(1, count // 7)
    n_individual = max(1, count - 2 * n_couples - 3 * n_family)
    places = ["individual"] * n_individual + ["couple"] * n_couples + ["family"] * n_family
    plans: list[_Plan] = []
    for kind in places:
        for begin, stop in _courses(rng, start, end):
            if kind == "individual":
                plans.append(_individual(session, rng, setting, begin, stop))
            else:
                plans.append(_group(session, rng, setting, begin, stop, kind == "family"))
    plans.sort(key=lambda plan: (plan.start, plan.unit_id))
    return plans


def _first_slot(plan: _Plan) -> date:
    offset = (plan.weekday - plan.start.weekday()) % 7
    return plan.start + timedelta(days=offset)


def _record_course(
    session: Session, rng: random.Random, plan: _Plan, methods: dict[str, int], end: date
) -> tuple[int, int]:
    """Sessions of one unit, and how it paid for them."""
    made_sessions = made_payments = 0
    defaults = sessions.defaults_for(session, plan.unit_id)  # once, not for every session
    day = _first_slot(plan)
    first = True
    owed_since_payment: list[Decimal] = []
    month = (day.year, day.month)
    if plan.pays == "package":
        _pay(session, plan, methods, day, plan.fee * 5, reference="Package of 5")
        made_payments += 1
    every_weeks = plan.every_weeks
    while day <= plan.stop and day <= end:
        roll = rng.random()
        status = SessionStatus.ATTENDED
        code, fee, minutes = plan.code, plan.fee, 53 if plan.code == "90837" else 45
        if first:
            code, fee, minutes = ("90791", plan.fee + Decimal("25.00"), 60)
        elif roll < 0.05:
            status = SessionStatus.LATE_CANCEL
            code, fee, minutes = "LATE", Decimal("75.00") if rng.random() < 0.7 else Decimal(0), 0
        elif roll < 0.08:
            status = SessionStatus.NO_SHOW
            code, fee, minutes = "NOSHOW", Decimal("75.00"), 0
        elif roll < 0.15:
            status = SessionStatus.CANCELLED
        if plan.kind != "individual" and not first and status is SessionStatus.ATTENDED:
            minutes = 50
        start_time = plan.start_time
        row = sessions.record_session(
            session,
            SessionInput(
                unit_id=plan.unit_id,
                service_date=day,
                service_code=code,
                status=status,
                fee=fee,
                minutes=minutes if status is SessionStatus.ATTENDED else None,
                start_time=start_time,
                place_of_service=defaults.place_of_service,
                modifiers=defaults.modifiers,
            ),
        )
        made_sessions += 1
        first = False
        if row.charged > 0:
            owed_since_payment.append(row.charged)
        stopped = plan.pays == "stopped_paying" and day > plan.stop - timedelta(weeks=6)
        pays_now = plan.pays in ("at_session", "stopped_paying") and not stopped
        if pays_now and row.charged > 0 and day < end - timedelta(days=2):
            made_payments += _pay_members(session, plan, methods, day, row.charged, rng)
            owed_since_payment.clear()
            if plan.method == "Check" and rng.random() < 0.02:
                made_payments += _bounce_last_check(session, plan, methods, day, end)
        elif (
            plan.pays == "slow"
            and owed_since_payment
            and day + timedelta(days=9) <= end  # nothing is dated after the demo's today
            and rng.random() < 0.3
        ):
            amount = sum(owed_since_payment, Decimal(0))
            if rng.random() < 0.3:
                amount = (amount / 2).quantize(Decimal("0.01"))
            made_payments += _pay_members(
                session, plan, methods, day + timedelta(days=9), amount, rng
            )
            owed_since_payment.clear()
        # Long courses thin out: weekly becomes fortnightly after some months, fortnightly
        # becomes monthly after a couple of years.
        weeks_in = (day - plan.start).days // 7
        if every_weeks == 1 and weeks_in >= 26 and rng.random() < 0.05:
            every_weeks = 2
        elif every_weeks == 2 and weeks_in >= 104 and rng.random() < 0.05:
            every_weeks = 4
        next_day = day + timedelta(weeks=every_weeks)
        if (next_day.year, next_day.month) != month:
            if plan.pays == "monthly" and owed_since_payment:
                paid_on = date(next_day.year, next_day.month, 1) + timedelta(days=rng.randint(2, 9))
                if paid_on <= end - timedelta(days=3):
                    made_payments += _pay_members(
                        session, plan, methods, paid_on, sum(owed_since_payment, Decimal(0)), rng
                    )
                    owed_since_payment.clear()
            if plan.pays == "package":
                credit = payments.ledger.unit_credit(session, plan.unit_id)
                if credit < plan.fee and day < end - timedelta(days=30):
                    _pay(session, plan, methods, next_day, plan.fee * 5, reference="Package of 5")
                    made_payments += 1
            month = (next_day.year, next_day.month)
        day = next_day
    if plan.pays == "stopped_paying" and rng.random() < 0.5:
        _write_off_oldest(session, plan, end)
    if plan.pays == "at_session" and plan.stop < end - timedelta(days=30) and rng.random() < 0.3:
        # Paid ahead at the last visit, then decided to stop: the credit is refunded.
        _pay(session, plan, methods, plan.stop, plan.fee, reference="Paid ahead")
        made_payments += 1
    _refund_what_is_left(session, plan, end)
    return made_sessions, made_payments


def _bounce_last_check(
    session: Session, plan: _Plan, methods: dict[str, int], paid_on: date, end: date
) -> int:
    """The bank returns the unit's latest check; the client pays again by card."""
    returned_on = paid_on + timedelta(days=6)
    if returned_on > end - timedelta(days=3):
        return 0
    latest = payments.list_payments(session, start=paid_on, end=paid_on, unit_id=plan.unit_id)
    if not latest:
        return 0
    payments.void_entry(
        session, "payment", latest[-1].id, "Check returned unpaid by the bank", on=returned_on
    )
    payments.record_payment(
        session,
        PaymentInput(
            plan.unit_id,
            returned_on + timedelta(days=2),
            latest[-1].amount,
            methods["Card"],
            "Replaces the returned check",
            payer_client_id=latest[-1].payer_client_id,
        ),
    )
    return 1


def _refund_what_is_left(session: Session, plan: _Plan, end: date) -> None:
    """A client who has left and still has credit (a package not used up) gets it back,
    once everything else on their account has happened."""
    credit = payments.ledger.unit_credit(session, plan.unit_id)
    if credit <= 0:
        return
    last_entry = session.execute(
        select(func.max(LedgerTxn.txn_date)).where(LedgerTxn.unit_id == plan.unit_id)
    ).scalar_one()
    refund_on = max(plan.stop, last_entry) + timedelta(days=10)
    if refund_on <= end - timedelta(days=7):
        payments.record_refund(
            session, plan.unit_id, credit, refund_on, reference="Unused sessions"
        )


def _prepayments(
    session: Session, rng: random.Random, plans: list[_Plan], methods: dict[str, int], end: date
) -> int:
    """A few clients still in care pay ahead for next month: credit on account."""
    active = [p for p in plans if p.stop >= end - timedelta(days=14) and p.kind == "individual"]
    chosen = rng.sample(active, min(3, len(active)))
    for plan in chosen:
        on = end - timedelta(days=rng.randint(1, 6))
        _pay(session, plan, methods, on, plan.fee * 2, reference="Paid ahead for next month")
    return len(chosen)


def _pay(
    session: Session,
    plan: _Plan,
    methods: dict[str, int],
    on: date,
    amount: Decimal,
    *,
    payer: int | None = None,
    reference: str = "",
) -> None:
    method = methods[plan.method]
    if not reference and plan.method == "Check":
        reference = f"No. {on.toordinal() % 9000 + 1000}"
    payments.record_payment(
        session, PaymentInput(plan.unit_id, on, amount, method, reference, payer_client_id=payer)
    )


def _pay_members(
    session: Session,
    plan: _Plan,
    methods: dict[str, int],
    on: date,
    amount: Decimal,
    rng: random.Random,
) -> int:
    if amount <= 0:
        return 0
    if len(plan.members) > 1:
        half = (amount / 2).quantize(Decimal("0.01"))
        _pay(session, plan, methods, on, half, payer=plan.members[0])
        _pay(session, plan, methods, on, amount - half, payer=plan.members[1])
        return 2
    _pay(
        session,
        plan,
        methods,
        on,
        amount,
        payer=plan.members[0] if plan.kind != "individual" else None,
    )
    return 1


def _write_off_oldest(session: Session, plan: _Plan, end: date) -> None:
    """Bad debt: some months after a client stopped paying, what they owe is written off
    (all of it once they have long gone, the oldest two charges if they are still around)."""
    on = min(end - timedelta(days=30), plan.stop + timedelta(days=150))
    open_charges = payments.open_charges(session, plan.unit_id)
    old = [c for c in open_charges if (on - c.service_date).days > 120]
    if on > end - timedelta(days=365):
        old = old[:2]
    for charge in old:
        payments.write_off(
            session,
            charge.id,
            charge.owed,
            AdjustmentReason.BAD_DEBT,
            on=on,
            note="Client stopped responding",
        )


DISCHARGED_AFTER = timedelta(days=90)  # no session for this long: off the active list


def _discharge_finished(session: Session, plans: list[_Plan], end: date) -> None:
    """Move clients whose therapy ended months ago off the active list, as a practice
    does when it discharges them; their books and documents stay as they are."""

    def members(plan: _Plan) -> list[int]:
        return [m.client_id for m in clients.get_unit_detail(session, plan.unit_id).members]

    finished = [p for p in plans if p.stop < end - DISCHARGED_AFTER]
    in_care = [p for p in plans if p.stop >= end - DISCHARGED_AFTER]
    still_seen = {member for plan in in_care for member in members(plan)}
    for plan in finished:
        clients.set_unit_active(session, plan.unit_id, False)
        if plan.kind != "individual":
            for member in members(plan):
                if member not in still_seen:
                    clients.set_active(session, member, False)
                    still_seen.add(member)


def generate_demo(
    ws: Workspace,
    *,
    seed: int = 7,
    years: int = 3,
    clients: int = 40,
    end: date | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Fill an empty practice file with a demo practice; each client is one transaction."""
    if years < 1 or clients < 2:
        raise ServiceError("A demo practice needs at least 1 year and 2 clients.")
    end = end or date.today()
    start = date(end.year - years, end.month, 1)
    rng = random.Random(seed)
    ws.run(_profile)
    payer_ids = ws.run(_payers)
    services = ws.read(_service_ids)
    methods = ws.read(_method_ids)
    plans = ws.run(_build_units, rng, clients, start, end, payer_ids, services)
    total_sessions = total_payments = 0
    for index, plan in enumerate(plans):
        unit_rng = random.Random(f"{seed}-{plan.unit_id}")
        made = ws.run(_record_course, unit_rng, plan, methods, end)
        total_sessions += made[0]
        total_payments += made[1]
        if progress is not None and progress(index + 1, len(plans)) is False:
            break
    total_payments += ws.run(_prepayments, rng, plans, methods, end)
    closed = date(end.year, end.month, 1) - timedelta(days=1)
    closed = date(closed.year, closed.month, 1) - timedelta(days=1)
    ws.run(periods.close_period, closed, today=end)
    add_demo_claims(ws, seed=seed, end=end)
    ws.run(_discharge_finished, plans, end)
    people = ws.read(lambda s: len(clients_module.list_clients(s, include_inactive=True)))
    return DemoSummary(people, len(plans), total_sessions, total_payments, start, end)
