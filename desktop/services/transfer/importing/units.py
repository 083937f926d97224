"""Couples and families in the clients layout: rows that share a ``unit_ref``.

A spreadsheet says who belongs together the way people write it: the same
reference on each partner's row (``unit_ref``), optionally ``couple`` or
``family`` (``unit_kind``; blank: a couple for two members, a family for more),
``yes`` on the member whose details go on superbills (``identified_patient``;
blank everywhere: the first member in the file) and each member's part of
what the unit pays (``pays_share``, a percentage; blank everywhere: the
identified patient pays it all). A client in more than one couple or family
lists each reference, separated by ``;``, with the other three columns listed
in the same order (or left blank).

A unit whose reference the books already hold is left as it is, so importing
the file again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Client
from desktop.domain.kinds import UnitKind
from desktop.services.clients.lookups import FULL_SHARE, find_unit_by_ref
from desktop.services.clients.units import CoupleInput, MemberShare, create_couple, create_family
from desktop.services.errors import ServiceError
from desktop.services.transfer.format import MEMBERSHIP_COLUMNS, parse_share
from desktop.services.transfer.importing.common import Findings

_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False}
_ERROR_COLUMNS = {
    "members": "unit_ref",
    "ref": "unit_ref",
    "identified_patient_id": "identified_patient",
    "shares": "pays_share",
}


@dataclass(frozen=True)
class Membership:
    """One client's place in one couple or family, as one row of the file gives it."""

    row: int
    client_ref: str
    kind: UnitKind | None
    identified: bool | None
    share_bp: int | None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";")] if text.strip() else []


def read_memberships(
    text: dict[str, str], number: int, found: Findings
) -> list[tuple[str, Membership]] | None:
    """The row's (unit reference, membership) pairs; None after reporting a problem."""
    refs = _split(text.get("unit_ref", ""))
    others = {c: _split(text.get(c, "")) for c in MEMBERSHIP_COLUMNS[1:]}
    if not refs:
        for column, values in others.items():
            if values:
                found.add(
                    number, column, f"{column} needs a unit_ref saying which couple or family."
                )
                return None
        return []
    if any(not ref for ref in refs):
        found.add(number, "unit_ref", "A unit_ref is blank between the ';'; remove the extra ';'.")
        return None
    if len({ref.lower() for ref in refs}) != len(refs):
        found.add(number, "unit_ref", "The same unit_ref is listed twice.")
        return None
    ok = True
    for column, values in others.items():
        if values and len(values) != len(refs):
            found.add(
                number,
                column,
                f"List one {column} for each unit_ref ({len(refs)}), in the same order.",
            )
            ok = False
    if not ok:
        return None
    result = []
    for position, ref in enumerate(refs):
        membership = _membership(text["client_ref"], ref, position, others, number, found)
        if membership is None:
            return None
        result.append((ref, membership))
    return result


def _membership(
    client_ref: str,
    ref: str,
    position: int,
    others: dict[str, list[str]],
    number: int,
    found: Findings,
) -> Membership | None:
    def value(column: str) -> str:
        values = others[column]
        return values[position] if values else ""

    kind = None
    if value("unit_kind"):
        try:
            kind = UnitKind(value("unit_kind").lower())
        except ValueError:
            kind = None
        if kind not in (UnitKind.COUPLE, UnitKind.FAMILY):
            found.add(number, "unit_kind", f"'{value('unit_kind')}' is not couple or family.")
            return None
    identified = None
    if value("identified_patient"):
        identified = _YES.get(value("identified_patient").lower())
        if identified is None:
            found.add(
                number,
                "identified_patient",
                f"'{value('identified_patient')}' is not yes or no.",
            )
            return None
    share = None
    if value("pays_share"):
        try:
            share = parse_share(value("pays_share"))
        except ValueError:
            found.add(
                number,
                "pays_share",
                f"'{value('pays_share')}' is not a percentage between 0 and 100, such as 50.",
            )
            return None
    return Membership(number, client_ref, kind, identified, share)


def create_units(
    session: Session, declared: dict[str, list[Membership]], refs: dict[str, str], found: Findings
) -> int:
    """Create each couple or family the file declares and the books lack; how many."""
    added = 0
    for key, members in declared.items():
        ref = refs[key]
        existing = find_unit_by_ref(session, ref)
        if existing is not None and existing.kind == UnitKind.INDIVIDUAL.value:
            found.add(
                members[0].row,
                "unit_ref",
                f"{ref} is a client's own reference; give the couple or family its own.",
            )
            continue
        if existing is not None:
            continue
        data = _unit_input(session, ref, members, found)
        if data is None:
            continue
        kind, couple = data
        create = create_couple if kind is UnitKind.COUPLE else create_family
        try:
            create(session, couple)
        except ServiceError as exc:
            column = _ERROR_COLUMNS.get(getattr(exc, "field", "") or "", "unit_ref")
            found.add(members[0].row, column, f"{ref}: {exc}")
            continue
        added += 1
    return added


def _unit_input(
    session: Session, ref: str, members: list[Membership], found: Findings
) -> tuple[UnitKind, CoupleInput] | None:
    first = members[0].row
    kinds = {m.kind for m in members if m.kind is not None}
    if len(kinds) > 1:
        found.add(
            first, "unit_kind", f"The rows of {ref} disagree: couple on one, family on another."
        )
        return None
    kind = kinds.pop() if kinds else (UnitKind.COUPLE if len(members) == 2 else UnitKind.FAMILY)
    if len(members) < 2:
        found.add(first, "unit_ref", f"{ref} has one member; a couple or family needs two rows.")
        return None
    if kind is UnitKind.COUPLE and len(members) != 2:
        found.add(
            first,
            "unit_kind",
            f"{ref} is a couple with {len(members)} members; a couple has two (or say family).",
        )
        return None
    patients = [m for m in members if m.identified]
    if len(patients) > 1:
        found.add(
            patients[1].row, "identified_patient", f"{ref} has more than one identified patient."
        )
        return None
    patient = patients[0] if patients else members[0]
    if all(m.share_bp is None for m in members):
        shares = {m.client_ref: FULL_SHARE if m is patient else 0 for m in members}
    else:
        shares = {m.client_ref: m.share_bp or 0 for m in members}
    ids = {}
    for m in members:
        client_id = session.scalar(
            select(Client.id).where(func.lower(Client.client_ref) == m.client_ref.lower())
        )
        if client_id is None:
            return None  # the client's own row has a problem, reported there
        ids[m.client_ref] = client_id
    return kind, CoupleInput(
        members=tuple(MemberShare(ids[m.client_ref], shares[m.client_ref]) for m in members),
        identified_patient_id=ids[patient.client_ref],
        ref=ref,
    )
