"""Importing clients: one row per client, matched on ``client_ref``.

A client whose reference is already in the books is left as it is (the row
counts as already imported), so a file can be imported again after fixing or
adding rows. Diagnoses are in force from ``DIAGNOSES_FROM``, so that they
apply to the sessions imported with them; diagnoses.csv of a full export keeps
the exact dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Client, Payer
from desktop.domain.kinds import BillingPreference, Relationship, Sex
from desktop.domain.kinds import values as values_of
from desktop.services.claims.estimates import EstimateInput, save_estimate
from desktop.services.clients import icd
from desktop.services.clients.diagnoses import add_diagnosis
from desktop.services.clients.lookups import find_unit_by_ref
from desktop.services.clients.people import ClientInput, client_problems, create_client
from desktop.services.errors import ServiceError
from desktop.services.practice.catalog import PayerInput, create_payer
from desktop.services.transfer.format import (
    FieldError,
    clean,
    parse_amount,
    parse_choice,
    parse_date,
    parse_flag,
    parse_sex,
    parse_share,
)
from desktop.services.transfer.importing.common import Findings, ImportResult
from desktop.services.transfer.importing.layouts import Matched
from desktop.services.transfer.importing.readers import RawTable
from desktop.services.transfer.importing.units import Membership, create_units, read_memberships

DIAGNOSES_FROM = date(2000, 1, 1)
MAX_DIAGNOSES = 12
_FIELD_COLUMNS = {
    "legal_last_name": "last_name",
    "legal_first_name": "first_name",
    "legal_middle_name": "middle_name",
    "subscriber_relationship": "subscriber_relationship",
    "subscriber_name": "subscriber_name",
    "subscriber_date_of_birth": "subscriber_date_of_birth",
    "client_ref": "client_ref",
    "preferred_name": "preferred_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "email": "email",
    "phone": "phone",
    "state": "state",
    "zip": "zip",
    "member_id": "member_id",
    "group_number": "group_number",
    "default_fee": "default_fee",
    "city": "city",
    "address": "address",
    "diagnosis_codes_only": "diagnosis_codes_only",
}


def import_clients(
    session: Session, table: RawTable, matched: Matched, found: Findings
) -> ImportResult:
    added = skipped = 0
    seen: dict[str, int] = {}
    payers: dict[str, int] = {}
    units: dict[str, list[Membership]] = {}
    unit_refs: dict[str, str] = {}  # as first written, by lower case
    units_readable = True  # else a unit may lack a member, and saying so would mislead
    for done, (number, cells) in enumerate(table.rows):
        found.step(done, len(table.rows))
        text = {c: clean(matched.get(cells, c)) for c in matched.index}
        ref = text.get("client_ref", "")
        ref_ok = bool(ref) and ref.lower() not in seen
        if not ref:
            found.add(number, "client_ref", "Every client needs a client_ref.")
        elif not ref_ok:
            found.add(
                number, "client_ref", f"{ref} is also on row {seen[ref.lower()]}; refs are unique."
            )
        else:
            seen[ref.lower()] = number
            memberships = read_memberships(text, number, found)
            units_readable = units_readable and memberships is not None
            for unit_ref, membership in memberships or ():
                unit_refs.setdefault(unit_ref.lower(), unit_ref)
                units.setdefault(unit_ref.lower(), []).append(membership)
            if _exists(session, ref):
                skipped += 1
                continue
        # Every problem of the row at once: what cannot be read, then what the books refuse.
        data = _client_input(session, text, number, found, payers)
        codes = _diagnoses(text.get("diagnoses", ""), number, found)
        problems = client_problems(data.value)
        for name, message in problems.items():
            if name not in data.unread:
                found.add(number, _FIELD_COLUMNS.get(name, name), message)
        if not ref_ok or not data.ok or codes is None or problems:
            continue
        try:
            detail = create_client(session, data.value)
            for rank, code in enumerate(codes, start=1):
                add_diagnosis(session, detail.id, code, DIAGNOSES_FROM, rank)
            if data.estimate is not None:
                save_estimate(session, detail.id, data.estimate)
        except ServiceError as exc:
            found.add(number, _FIELD_COLUMNS.get(getattr(exc, "field", ""), "(row)"), str(exc))
            continue
        added += 1
    units_added = create_units(session, units, unit_refs, found) if units_readable else 0
    return ImportResult("clients", table.file, len(table.rows), added, skipped, (), units_added)


def _exists(session: Session, ref: str) -> bool:
    lowered = ref.lower()
    client = session.scalar(select(Client.id).where(func.lower(Client.client_ref) == lowered))
    return client is not None or find_unit_by_ref(session, ref) is not None


@dataclass(frozen=True)
class _Read:
    """A row as a client: ``unread`` names the fields whose cells could not be read (left
    empty in ``value``, and reported already)."""

    value: ClientInput
    unread: frozenset[str]
    estimate: EstimateInput | None = None  # the estimator's inputs, when any is given

    @property
    def ok(self) -> bool:
        return not self.unread


_DATES = {"date_of_birth": "date_of_birth", "subscriber_date_of_birth": "subscriber_date_of_birth"}


def _client_input(
    session: Session,
    text: dict[str, str],
    number: int,
    found: Findings,
    payers: dict[str, int],
) -> _Read:
    unread: set[str] = set()
    values: dict[str, object] = {}

    def take(column: str, field: str, parse: Callable[[str], object]) -> None:
        if not text.get(column):
            return
        try:
            values[field] = parse(text[column])
        except FieldError as exc:
            found.add(number, column, str(exc))
            unread.add(field)

    take(
        "billing",
        "billing",
        lambda t: BillingPreference(parse_choice(t, values_of(BillingPreference))),
    )
    take(
        "subscriber_relationship",
        "subscriber_relationship",
        lambda t: Relationship(parse_choice(t, values_of(Relationship))),
    )
    for column, field in _DATES.items():
        take(column, field, parse_date)
    take("default_fee", "default_fee", parse_amount)
    take("diagnosis_codes_only", "diagnosis_codes_only", parse_flag)
    take("sex", "sex", lambda t: Sex(parse_sex(t)))
    payer_name = text.get("payer", "")
    if payer_name:
        values["payer_id"] = _payer_id(session, payer_name, payers)
    data = ClientInput(
        client_ref=text.get("client_ref", ""),
        legal_last_name=text.get("last_name", ""),
        legal_first_name=text.get("first_name", ""),
        legal_middle_name=text.get("middle_name", ""),
        preferred_name=text.get("preferred_name", ""),
        email=text.get("email", ""),
        phone=text.get("phone", ""),
        address=text.get("address", ""),
        city=text.get("city", ""),
        state=text.get("state", ""),
        zip=text.get("zip", ""),
        member_id=text.get("member_id", ""),
        group_number=text.get("group_number", ""),
        subscriber_name=text.get("subscriber_name", ""),
        **values,  # type: ignore[arg-type]
    )
    estimate = _estimate(text, number, found, unread)
    return _Read(data, frozenset(unread), estimate)


def _estimate(
    text: dict[str, str], number: int, found: Findings, unread: set[str]
) -> EstimateInput | None:
    values: dict[str, object] = {}
    for column, parse in (
        ("estimate_allowed", parse_amount),
        ("estimate_deductible_left", parse_amount),
        ("estimate_coinsurance", _coinsurance),
    ):
        if text.get(column):
            try:
                values[column] = parse(text[column])
            except FieldError as exc:
                found.add(number, column, str(exc))
                unread.add(column)
    if not values:
        return None
    return EstimateInput(
        values.get("estimate_allowed"),  # type: ignore[arg-type]
        values.get("estimate_deductible_left"),  # type: ignore[arg-type]
        values.get("estimate_coinsurance"),  # type: ignore[arg-type]
    )


def _coinsurance(text: str) -> int:
    try:
        return parse_share(text)
    except ValueError:
        raise FieldError(f"'{text}' is not a percentage from 0 to 100, such as 20.") from None


_PAYER_LABEL = re.compile(r"(?P<name>.*?)\s*\((?P<id>[A-Za-z0-9 -]{1,40})\)\s*")


def split_payer_label(label: str) -> tuple[str, str]:
    """``Aetna (60054)`` as (name, payer id); a label without an id as (name, "")."""
    match = _PAYER_LABEL.fullmatch(label.strip())
    if match is None or not match["name"].strip():
        return " ".join(label.split()), ""
    return " ".join(match["name"].split()), match["id"].strip()


def payer_id(session: Session, label: str) -> int:
    """The payer a label such as ``Aetna (60054)`` or ``Aetna`` names, created when the books
    have none: matched on the payer id first (so ``Aetna Health (60054)`` is the same
    insurer), then on the name ignoring case."""
    whole = session.scalars(
        select(Payer.id).where(func.lower(Payer.name) == label.strip().lower()).order_by(Payer.id)
    ).first()
    if whole is not None:  # a payer whose own name has brackets in it
        return whole
    name, external = split_payer_label(label)
    if external:
        by_id = session.scalars(
            select(Payer.id).where(Payer.external_id == external).order_by(Payer.id)
        ).first()
        if by_id is not None:
            return by_id
    by_name = session.scalars(
        select(Payer.id).where(func.lower(Payer.name) == name.lower()).order_by(Payer.id)
    ).first()
    if by_name is not None:
        return by_name
    return create_payer(session, PayerInput(name=name[:120], external_id=external[:40])).id


def _payer_id(session: Session, name: str, cache: dict[str, int]) -> int:
    if name.lower() not in cache:
        cache[name.lower()] = payer_id(session, name)
    return cache[name.lower()]


def _diagnoses(text: str, number: int, found: Findings) -> list[str] | None:
    """The row's ICD-10-CM codes, each checked (the code set loads on first use)."""
    codes = [part.strip() for part in text.split(";") if part.strip()]
    if not codes:
        return []
    bad = False
    if len(codes) > MAX_DIAGNOSES:
        found.add(number, "diagnoses", f"A client can have at most {MAX_DIAGNOSES} diagnoses.")
        return None
    result = []
    for code in codes:
        hit = icd.describe(code)
        if hit is None:
            found.add(number, "diagnoses", f"{code} is not an ICD-10-CM code.")
            bad = True
        elif not hit.billable:
            found.add(
                number,
                "diagnoses",
                f"{hit.code} is a heading, not a billable code; use a more specific code.",
            )
            bad = True
        elif hit.code in result:
            found.add(number, "diagnoses", f"{hit.code} is listed twice.")
            bad = True
        else:
            result.append(hit.code)
    return None if bad else result
