"""``import all``: the practice profile and settings, and the catalogs (services,
payment methods, payers) of an export folder.

An entry the books hold already is updated only where the export differs; one
the export lists as inactive is made inactive once every entry that uses it is
in. The closed-through date is applied last, since it refuses entries before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Payer, PaymentMethod, Practice, Service, Setting
from desktop.domain.kinds import AgingBasis
from desktop.services.audit import log as audit
from desktop.services.books import periods
from desktop.services.errors import ServiceError
from desktop.services.practice import catalog, signature
from desktop.services.practice import settings as practice
from desktop.services.transfer.format import FieldError, parse_amount, parse_date
from desktop.services.transfer.importing.common import Findings, records_by_name
from desktop.services.transfer.importing.folder_run import (
    FolderRun,
    amount_or_zero,
    deactivating,
    flag,
    parsed,
    refusal,
    whole,
)
from desktop.services.transfer.importing.problems import FILE_ROW, HEADER_ROW, Problem

_PRACTICE_NUMBERS = {
    "autolock_minutes": (1, 240),
    "due_days": (0, 120),
    "superbill_unsubmitted_days": (0, 3650),
}


def import_practice(run: FolderRun, path: Path) -> None:
    """practice.csv: the profile, settings and signature image; the closed-through date
    last of all."""
    records, found = records_by_name(path, ("setting", "value"))
    rows = {r["setting"]: number for number, r in records}
    text = {r["setting"]: r["value"] for _, r in records}
    changed = 0
    profile = practice.get_profile(run.session)
    given = {f: text[f] for f in practice.Profile.field_names() if f in text and f != "ein"}
    wanted = replace(profile, **given, ein=text.get("tax_id", profile.ein))
    if wanted != profile:
        try:
            practice.update_profile(run.session, wanted)
            changed += 1
        except ServiceError as exc:
            name = "tax_id" if exc.field == "ein" else exc.field or ""
            found.add(rows.get(name, HEADER_ROW), "value", f"{name}: {exc}")
    settings = practice.get_settings(run.session)
    updates: dict[str, Any] = {}
    for name in (f.name for f in fields(practice.PracticeSettings)):
        if name not in text or name == "closed_through":
            continue
        parse: Callable[[str], Any] = str
        if name in _PRACTICE_NUMBERS:
            parse = whole(*_PRACTICE_NUMBERS[name], "days or minutes", "")
        elif name == "aging_basis":
            parse = AgingBasis
        try:
            updates[name] = parse(text[name])
        except (FieldError, ValueError):
            found.add(rows[name], "value", f"{name}: '{text[name]}' cannot be read.")
    wanted_settings = replace(settings, **updates)
    if wanted_settings != settings:
        try:
            practice.update_settings(run.session, wanted_settings)
            changed += 1
        except ServiceError as exc:
            found.add(rows.get(exc.field or "", HEADER_ROW), "value", f"{exc.field}: {exc}")
    changed += _signature(found, path.parent / signature.EXPORT_FILE, run.session)
    columns = {c.key for c in Practice.__table__.columns}
    for name, raw in text.items():
        if name and name not in columns:
            changed += _setting(run.session, name, raw)
    if text.get("closed_through"):
        row = rows["closed_through"]
        through = parsed(found, row, "value", parse_date, text["closed_through"])
        if through is not None:
            run.later.append((found.file, row, "value", lambda: _close(run, through)))
    run.problems += found.problems
    run.tally("practice", len(records), changed)


def _signature(found: Findings, path: Path, session: Session) -> int:
    """The signature image beside practice.csv, kept unless the books hold it already."""
    if not path.is_file():
        return 0
    try:
        png = signature.normalized_png(signature.read_signature_file(path))
        if png == signature.get_signature(session):
            return 0
        signature.set_signature(session, png)
    except ServiceError as exc:
        found.problems.append(Problem(path.name, FILE_ROW, "(file)", str(exc)))
        return 0
    return 1


def _setting(session: Session, name: str, value: str) -> int:
    """A small setting without a column of its own, kept as the export wrote it."""
    current = session.get(Setting, name[:80])
    if current is not None and current.value == value:
        return 0
    if current is None:
        session.add(Setting(key=name[:80], value=value))
    else:
        current.value = value
    session.flush()
    audit.record(session, "update", "setting", 1, after={name: value})
    return 1


def _close(run: FolderRun, through: date) -> None:
    current = periods.closed_through(run.session)
    if current is None or current < through:
        periods.close_period(run.session, through)


# --- the catalogues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalogue:
    create: Callable[[Session, Any], Any]
    update: Callable[[Session, int, Any], Any]
    deactivate: Callable[[Session, int], Any]


_SERVICES = _Catalogue(catalog.create_service, catalog.update_service, catalog.deactivate_service)
_METHODS = _Catalogue(
    catalog.create_payment_method,
    catalog.update_payment_method,
    catalog.deactivate_payment_method,
)
_PAYERS = _Catalogue(catalog.create_payer, catalog.update_payer, catalog.deactivate_payer)


def _save(
    run: FolderRun,
    found: Findings,
    number: int,
    held: int | None,
    differs: bool,
    kind: _Catalogue,
    data: Any,
    *,
    active: bool,
) -> int:
    """Create the entry, or update the one held when it differs (1 if either), and make it
    inactive once the entries that use it are in, if the export says so."""
    try:
        if held is None:
            held = kind.create(run.session, data).id
            differs = True
        elif differs:
            kind.update(run.session, held, data)
    except ServiceError as exc:
        refusal(found, number, exc)
        return 0
    if not active:
        deactivating(kind.deactivate, run, found, number, held)
    return int(differs)


def import_services(run: FolderRun, path: Path) -> None:
    """services.csv: each service's label, minutes, fee and superbill flag."""
    required = ("code", "label", "default_minutes", "default_fee", "superbill", "active")
    records, found = records_by_name(path, required)
    changed = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        minutes = parsed(
            found, number, "default_minutes", whole(0, 600, "minutes", "0"), row["default_minutes"]
        )
        fee = parsed(found, number, "default_fee", amount_or_zero, row["default_fee"])
        superbill = flag(found, number, "superbill", row["superbill"])
        active = flag(found, number, "active", row["active"])
        if len(found.problems) != before:
            continue
        code = row["code"].upper()
        existing = run.session.scalars(select(Service).where(Service.code == code)).first()
        data = catalog.ServiceInput(
            code, row["label"], minutes, fee, bool(superbill),
            active=existing.active if existing is not None else True,
        )  # fmt: skip
        differs = existing is not None and (
            (existing.label, existing.default_minutes, existing.default_fee, existing.superbill)
            != (data.label, minutes, fee, data.superbill)
        )
        held = None if existing is None else existing.id
        changed += _save(run, found, number, held, differs, _SERVICES, data, active=bool(active))
    run.problems += found.problems
    run.tally("services", len(records), changed)


def import_payment_methods(run: FolderRun, path: Path) -> None:
    """payment_methods.csv: each method's fee rule, in the export's order."""
    records, found = records_by_name(
        path, ("name", "fee_basis_points", "fee_fixed", "active"), ("sort_order",)
    )
    changed = 0
    order: list[tuple[int, str]] = []
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        rate = parsed(
            found,
            number,
            "fee_basis_points",
            whole(0, 10000, "basis points", "0"),
            row["fee_basis_points"],
        )
        fixed = parsed(found, number, "fee_fixed", amount_or_zero, row["fee_fixed"])
        active = flag(found, number, "active", row["active"])
        if len(found.problems) != before:
            continue
        existing = run.session.scalars(
            select(PaymentMethod).where(func.lower(PaymentMethod.name) == row["name"].lower())
        ).first()
        keep = existing.active if existing is not None else True
        data = catalog.PaymentMethodInput(row["name"], rate, fixed, active=keep)
        held = None if existing is None else existing.id
        differs = existing is not None and (
            (existing.name, existing.fee_basis_points, existing.fee_fixed)
            != (data.name, rate, fixed)
        )
        changed += _save(run, found, number, held, differs, _METHODS, data, active=bool(active))
        position = parsed(
            found, number, "sort_order", whole(0, 10**6, "a position", "0"), row["sort_order"]
        )
        order.append((position or 0, row["name"].lower()))
    if not found.problems:
        _order_methods(run.session, [name for _, name in sorted(order)])
    run.problems += found.problems
    run.tally("payment_methods", len(records), changed)


def _order_methods(session: Session, names: list[str]) -> None:
    """The methods in the export's order, first; the new practice's own after them."""
    ids = {
        name.lower(): id_
        for id_, name in session.execute(select(PaymentMethod.id, PaymentMethod.name))
    }
    catalog.order_payment_methods(session, [ids[n] for n in names if n in ids])


def import_payers(run: FolderRun, path: Path) -> None:
    """payers.csv: each payer's filing days, usual days to pay and defaults."""
    required = (
        "name",
        "external_id",
        "timely_filing_days",
        "usual_days_to_pay",
        "place_of_service",
        "modifiers",
        "typical_allowed",
        "active",
    )
    records, found = records_by_name(path, required)
    changed = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        filing = parsed(
            found, number, "timely_filing_days", whole(1, 1095, "days", "365"),
            row["timely_filing_days"],
        )  # fmt: skip
        usual = parsed(
            found, number, "usual_days_to_pay", whole(1, 365, "days", "30"),
            row["usual_days_to_pay"],
        )  # fmt: skip
        allowed = None
        if row["typical_allowed"]:
            allowed = parsed(found, number, "typical_allowed", parse_amount, row["typical_allowed"])
        active = flag(found, number, "active", row["active"])
        if len(found.problems) != before:
            continue
        existing = run.session.scalars(
            select(Payer).where(func.lower(Payer.name) == row["name"].lower())
        ).first()
        data = catalog.PayerInput(
            name=row["name"],
            external_id=row["external_id"],
            timely_filing_days=filing,
            usual_days_to_pay=usual,
            place_of_service=row["place_of_service"] or None,
            modifiers=row["modifiers"] or None,
            typical_allowed=allowed,
            active=existing.active if existing is not None else True,
        )
        held = None if existing is None else existing.id
        differs = held is not None and catalog.get_payer(run.session, held) != catalog.PayerRow(
            held, *(getattr(data, f.name) for f in fields(data))
        )
        changed += _save(run, found, number, held, differs, _PAYERS, data, active=bool(active))
    run.problems += found.problems
    run.tally("payers", len(records), changed)
