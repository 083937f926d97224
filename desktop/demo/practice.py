"""A realistic demo practice, made entirely of invented people.

Deterministic for a seed and an end date: the same arguments give the same
books. Everything is written through the same services the app uses, so the
demo's books obey every rule real books do.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import keys
from db.models import PaymentMethod, Service
from desktop.demo.caseload import Plan, build_caseload
from desktop.demo.claims import add_demo_claims
from desktop.demo.courses import prepayments, record_course
from desktop.demo.defaults import DEFAULT_CLIENTS, DEFAULT_YEARS
from desktop.demo.estimates import add_demo_estimates
from desktop.demo.signature import demo_signature_png
from desktop.demo.writers import BatchWriter, ServiceWriter
from desktop.services.books import periods
from desktop.services.clients import people, units
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


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    units: int
    sessions: int
    payments: int
    start: date
    end: date


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


DISCHARGED_AFTER = timedelta(days=90)  # no session for this long: off the active list


def _discharge_finished(session: Session, plans: list[Plan], end: date) -> None:
    """Move clients whose therapy ended months ago off the active list, as a practice
    does when it discharges them; their books and documents stay as they are."""

    def members(plan: Plan) -> list[int]:
        return [m.client_id for m in units.get_unit_detail(session, plan.unit_id).members]

    finished = [p for p in plans if p.stop < end - DISCHARGED_AFTER]
    in_care = [p for p in plans if p.stop >= end - DISCHARGED_AFTER]
    still_seen = {member for plan in in_care for member in members(plan)}
    for plan in finished:
        units.set_unit_active(session, plan.unit_id, False)
        if plan.kind != "individual":
            for member in members(plan):
                if member not in still_seen:
                    people.set_active(session, member, False)
                    still_seen.add(member)


UNITS_PER_BATCH = 25  # courses written per transaction, and between progress reports
Writer = Callable[[Session], BatchWriter | ServiceWriter]


@dataclass(frozen=True)
class Caseload:
    """The practice before its books: who is seen, when, and how they pay."""

    seed: int
    start: date
    end: date
    plans: list[Plan]
    methods: dict[str, int]  # payment method ids by name
    rng: random.Random  # the demo's generator, where the caseload left it


def start_demo(ws: Workspace, *, seed: int, years: int, clients: int, end: date) -> Caseload:
    """The practice's profile, payers, clients, couples and families, and their plans."""
    if years < 1 or clients < 2:
        raise ServiceError("A demo practice needs at least 1 year and 2 clients.")
    start = date(end.year - years, end.month, 1)
    rng = random.Random(seed)
    ws.run(_profile)
    payer_ids = ws.run(_payers)
    services = ws.read(_service_ids)
    methods = ws.read(_method_ids)
    plans = ws.run(build_caseload, rng, clients, start, end, payer_ids, services)
    return Caseload(seed, start, end, plans, methods, rng)


def write_courses(
    ws: Workspace,
    caseload: Caseload,
    *,
    writer: Writer = BatchWriter,
    progress: Callable[[int, int], bool] | None = None,
) -> tuple[int, int]:
    """Every unit's course of therapy, ``UNITS_PER_BATCH`` units to a transaction; the
    sessions and payments made. ``progress`` hears after each batch."""
    plans = caseload.plans
    made_sessions = made_payments = 0
    if progress is not None:
        progress(0, len(plans))
    for first in range(0, len(plans), UNITS_PER_BATCH):
        batch = plans[first : first + UNITS_PER_BATCH]
        made = ws.run(_record_courses, batch, caseload, writer)
        made_sessions += made[0]
        made_payments += made[1]
        if progress is not None:
            progress(first + len(batch), len(plans))
    return made_sessions, made_payments


def _record_courses(
    session: Session, plans: list[Plan], caseload: Caseload, writer: Writer
) -> tuple[int, int]:
    """Several units' courses, in one transaction; each unit draws from its own random
    generator, so how they are grouped changes nothing."""
    books = writer(session)
    made_sessions = made_payments = 0
    for plan in plans:
        unit_rng = random.Random(f"{caseload.seed}-{plan.unit_id}")
        made = record_course(books, unit_rng, plan, caseload.methods, caseload.end)
        made_sessions += made[0]
        made_payments += made[1]
    books.finish()
    return made_sessions, made_payments


Progress = Callable[[str, int, int], bool]  # (what is being done, done, total) -> go on?


class DemoCancelled(ServiceError):
    """The person stopped the demo being written; nothing of it is kept."""


def _keep_going(_what: str, _done: int, _total: int) -> bool:
    return True


def generate_demo(
    ws: Workspace,
    *,
    seed: int = 7,
    years: int = DEFAULT_YEARS,
    clients: int = DEFAULT_CLIENTS,
    end: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty practice file with a demo practice (the courses of therapy written in
    batches: see ``writers``). ``progress`` hears what is being done, step by step; when it
    returns False the work stops with ``DemoCancelled``."""
    report = progress or _keep_going

    def step(what: str) -> Callable[[int, int], bool]:
        def said(done: int, total: int) -> bool:
            if report(what, done, total) is False:
                raise DemoCancelled("The demo practice was not made; nothing of it was kept.")
            return True

        return said

    inventing = step(f"Inventing {clients} clients, couples and families")
    inventing(0, 1)
    caseload = start_demo(ws, seed=seed, years=years, clients=clients, end=end or date.today())
    plans, methods, end = caseload.plans, caseload.methods, caseload.end
    inventing(1, 1)
    span = f"{years} years" if years > 1 else "a year"
    total_sessions, total_payments = write_courses(
        ws, caseload, progress=step(f"Writing {span} of their sessions and payments")
    )
    total_payments += ws.run(prepayments, caseload.rng, plans, methods, end)
    closed = date(end.year, end.month, 1) - timedelta(days=1)
    closed = date(closed.year, closed.month, 1) - timedelta(days=1)
    ws.run(periods.close_period, closed, today=end)
    add_demo_claims(
        ws, seed=seed, end=end, progress=step("Issuing superbills and following their claims")
    )
    step("Giving Good Faith Estimates")(0, 1)
    add_demo_estimates(ws, plans, seed=seed, end=end)
    finishing = step("Taking clients who have left off the active list")
    finishing(0, 1)
    ws.run(_discharge_finished, plans, end)
    everyone = ws.read(lambda s: len(people.list_clients(s, include_inactive=True)))
    finishing(1, 1)
    return DemoSummary(everyone, len(plans), total_sessions, total_payments, caseload.start, end)
