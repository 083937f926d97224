"""Importing clients: one row per client, matched on ``client_ref``.

A client whose reference is already in the books is left as it is (the row
counts as already imported), so a file can be imported again after fixing or
adding rows. Diagnoses are in force from ``DIAGNOSES_FROM``, so that they
apply to the sessions imported with them; diagnoses.csv of a full export keeps
the exact dates.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Client, Payer
from desktop.domain.kinds import BillingPreference, Sex
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
    parse_sex,
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
        if not ref:
            found.add(number, "client_ref", "Every client needs a client_ref.")
            continue
        if ref.lower() in seen:
            found.add(
                number, "client_ref", f"{ref} is also on row {seen[ref.lower()]}; refs are unique."
            )
            continue
        seen[ref.lower()] = number
        memberships = read_memberships(text, number, found)
        units_readable = units_readable and memberships is not None
        for unit_ref, membership in memberships or ():
            unit_refs.setdefault(unit_ref.lower(), unit_ref)
            units.setdefault(unit_ref.lower(), []).append(membership)
        if _exists(session, ref):
            skipped += 1
            continue
        data = _client_input(session, text, number, found, payers)
        codes = _diagnoses(text.get("diagnoses", ""), number, found)
        if data is None or codes is None:
            continue
        problems = client_problems(data)
        for name, message in problems.items():
            found.add(number, _FIELD_COLUMNS.get(name, name), message)
        if problems:
            continue
        try:
            detail = create_client(session, data)
            for rank, code in enumerate(codes, start=1):
                add_diagnosis(session, detail.id, code, DIAGNOSES_FROM, rank)
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


def _client_input(
    session: Session,
    text: dict[str, str],
    number: int,
    found: Findings,
    payers: dict[str, int],
) -> ClientInput | None:
    ok = True
    values: dict[str, object] = {}
    try:
        billing = text.get("billing") or "private"
        values["billing"] = BillingPreference(parse_choice(billing, ("private", "superbill")))
    except FieldError as exc:
        found.add(number, "billing", str(exc))
        ok = False
    for column, parse in (("date_of_birth", parse_date), ("default_fee", parse_amount)):
        if text.get(column):
            try:
                values[column] = parse(text[column])
            except FieldError as exc:
                found.add(number, column, str(exc))
                ok = False
    try:
        values["sex"] = Sex(parse_sex(text.get("sex", "")))
    except FieldError as exc:
        found.add(number, "sex", str(exc))
        ok = False
    payer_name = text.get("payer", "")
    if payer_name:
        values["payer_id"] = _payer_id(session, payer_name, payers)
    if not ok:
        return None
    return ClientInput(
        client_ref=text.get("client_ref", ""),
        legal_last_name=text.get("last_name", ""),
        legal_first_name=text.get("first_name", ""),
        preferred_name=text.get("preferred_name", ""),
        email=text.get("email", ""),
        phone=text.get("phone", ""),
        address=text.get("address", ""),
        city=text.get("city", ""),
        state=text.get("state", ""),
        zip=text.get("zip", ""),
        member_id=text.get("member_id", ""),
        group_number=text.get("group_number", ""),
        **values,  # type: ignore[arg-type]
    )


def payer_id(session: Session, name: str, external_id: str = "") -> int:
    """The payer with this name (ignoring case), created when the books have none."""
    existing = session.scalar(select(Payer.id).where(func.lower(Payer.name) == name.lower()))
    if existing is not None:
        return existing
    return create_payer(session, PayerInput(name=name[:120], external_id=external_id[:40])).id


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
