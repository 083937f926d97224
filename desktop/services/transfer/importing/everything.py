"""Importing a whole export folder: settings, catalogues, clients, couples, diagnoses,
sessions and payments, in one transaction (``quietledger import all DIR``).

What someone moving to a new laptop expects: the new practice looks like the
old one. The order is the one the books need: the practice profile and
settings, the services (their own labels, minutes, fees and superbill flag),
payment methods (fee rules) and payers (filing days, defaults); then clients
with their couples and families, each unit's name and fee, diagnoses with the
dates they were in force, sessions and payments; the issued documents with
their exact PDFs, and the claims with their history; last, what would have
refused the entries before it: inactive services, methods, payers, clients
and units are made inactive, and the books are closed through the old
closed-through date.

A file missing from the folder is passed over (only ``clients.csv`` is needed);
an entry the books already hold as exported is left alone, so importing a
folder twice, or into the practice it came from, adds nothing. Each step's
problems are listed; a step with problems stops the steps that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Client, Diagnosis, Payer, PaymentMethod, Practice, Service, Setting
from desktop.domain.kinds import AgingBasis, UnitKind
from desktop.services.audit import log as audit
from desktop.services.books import periods
from desktop.services.clients import records as client_service
from desktop.services.errors import ServiceError
from desktop.services.practice import catalog, signature
from desktop.services.practice import settings as practice
from desktop.services.transfer.importing.common import (
    Findings,
    ImportResult,
    Progress,
    records_by_name,
    unit_by_ref,
)
from desktop.services.transfer.importing.fields import (
    FieldError,
    parse_amount,
    parse_choice,
    parse_date,
    parse_whole,
)
from desktop.services.transfer.importing.layouts import ImportKind
from desktop.services.transfer.importing.paperwork import (
    Paperwork,
    StepOutcome,
    import_claims,
    import_documents,
)
from desktop.services.transfer.importing.problems import (
    FILE_ROW,
    HEADER_ROW,
    ImportRejected,
    Problem,
)
from desktop.services.transfer.importing.service import attempt_file

SETTINGS_FILES = ("practice", "services", "payment_methods", "payers")
STEPS = (
    *SETTINGS_FILES,
    "clients",
    "billing_units",
    "diagnoses",
    "sessions",
    "payments",
    "documents",
    "claims",
)
_YES_NO = ("yes", "no")


@dataclass(frozen=True)
class FolderPreview:
    """What importing the folder would do, file by file, and every problem that stops it."""

    results: tuple[ImportResult, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview_folder(
    session: Session, folder: Path, *, progress: Progress | None = None
) -> FolderPreview:
    """Try the whole folder and undo it: its problems, or what it would add. Changes nothing."""
    savepoint = session.begin_nested()
    try:
        return _attempt(session, Path(folder), progress)
    finally:
        savepoint.rollback()
        audit.forget_cached(session)


def import_folder(
    session: Session, folder: Path, *, progress: Progress | None = None
) -> tuple[ImportResult, ...]:
    """Import the whole folder; raises ``ImportRejected`` listing every problem found."""
    preview = _attempt(session, Path(folder), progress)
    if preview.problems:
        raise ImportRejected(list(preview.problems))
    return preview.results


def is_export_folder(folder: Path) -> bool:
    """Whether the folder looks like a full export (or at least holds a clients file)."""
    return (Path(folder) / "clients.csv").is_file()


def summary_line(result: ImportResult, *, dry_run: bool) -> str:
    """One file's outcome in a sentence, for the command line and the wizard."""
    rows = f"{result.rows} row{'s' if result.rows != 1 else ''}"
    if result.kind in (*SETTINGS_FILES, "billing_units"):
        verb = "would change" if dry_run else "changed"
        return f"{result.file}: {rows}; {verb} {result.added}; {result.skipped} as they were."
    verb = "would add" if dry_run else "added"
    units = ""
    if n := result.units_added:
        units = f" and {n} {'couple or family' if n == 1 else 'couples or families'}"
    return (
        f"{result.file}: {rows}; {verb} {result.added}{units}; {result.skipped} already imported."
    )


# --- the steps in order ------------------------------------------------------------------


@dataclass
class _Run:
    session: Session
    progress: Progress | None
    results: list[ImportResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What waits until every entry is in: (file, row, column, action), so that a refusal
    # is a problem in its place like any other.
    later: list[tuple[str, int, str, Callable[[], object]]] = field(default_factory=list)
    step: int = 0
    paperwork: Paperwork = field(default_factory=Paperwork)

    def report(self, done: int, total: int) -> None:
        """One step's progress as a share of the whole folder's."""
        if self.progress is not None:
            share = done / total if total else 0
            self.progress(int((self.step + share) * 100), len(STEPS) * 100)

    def tally(self, name: str, rows: int, changed: int) -> None:
        self.results.append(ImportResult(name, f"{name}.csv", rows, changed, rows - changed, ()))


def _attempt(session: Session, folder: Path, progress: Progress | None) -> FolderPreview:
    if not folder.is_dir():
        problem = Problem(folder.name, FILE_ROW, "(folder)", "There is no folder here.")
        return FolderPreview((), (problem,))
    if not is_export_folder(folder):
        problem = Problem(
            "clients.csv",
            FILE_ROW,
            "(file)",
            "The folder has no clients.csv; choose the folder an export wrote.",
        )
        return FolderPreview((), (problem,))
    run = _Run(session, progress)
    for step in STEPS:
        path = folder / f"{step}.csv"
        before = len(run.problems)
        if path.is_file() and step in _STEPS:
            _STEPS[step](run, path)
        elif path.is_file():
            kind = ImportKind(step)
            # Exact dates come from diagnoses.csv, when the folder has it.
            skip = {"diagnoses": ""} if (folder / "diagnoses.csv").is_file() else None
            mapping = skip if kind is ImportKind.CLIENTS else None
            preview = attempt_file(session, kind, path, mapping, None, run.report)
            run.problems += preview.problems
            if preview.result is not None:
                run.results.append(replace(preview.result, ignored_columns=()))
        run.step += 1
        run.report(0, 1)
        # The settings files do not need each other; every later step needs those before it.
        if len(run.problems) != before and step not in SETTINGS_FILES[:-1]:
            break
    else:
        for file, row, column, finish in run.later:
            try:
                finish()
            except ServiceError as exc:
                run.problems.append(Problem(file, row, column, str(exc)))
    return FolderPreview(tuple(run.results), tuple(sorted(run.problems)))


def _parsed(
    found: Findings, number: int, column: str, parse: Callable[[str], Any], text: str
) -> Any:
    try:
        return parse(text)
    except FieldError as exc:
        found.add(number, column, str(exc))
        return None


def _whole(low: int, high: int, what: str, blank: str) -> Callable[[str], int]:
    return lambda text: parse_whole(text or blank, low=low, high=high, what=what)


def _amount_or_zero(text: str) -> Any:
    return parse_amount(text or "0")


def _flag(found: Findings, number: int, column: str, text: str) -> bool | None:
    value = _parsed(found, number, column, lambda t: parse_choice(t, _YES_NO), text or "yes")
    return None if value is None else value == "yes"


def _refusal(found: Findings, number: int, exc: ServiceError) -> None:
    found.add(number, getattr(exc, "field", "") or "(row)", str(exc))


def _deactivating(
    deactivate: Callable[[Session, int], object], run: _Run, found: Findings, row: int, row_id: int
) -> None:
    run.later.append((found.file, row, "active", lambda: deactivate(run.session, row_id)))


# --- practice.csv ----------------------------------------------------------------------------

_PRACTICE_NUMBERS = {
    "autolock_minutes": (1, 240),
    "due_days": (0, 120),
    "superbill_unsubmitted_days": (0, 3650),
}


def _practice(run: _Run, path: Path) -> None:
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
            parse = _whole(*_PRACTICE_NUMBERS[name], "days or minutes", "")
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
        through = _parsed(found, row, "value", parse_date, text["closed_through"])
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


def _close(run: _Run, through: date) -> None:
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
    run: _Run,
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
        _refusal(found, number, exc)
        return 0
    if not active:
        _deactivating(kind.deactivate, run, found, number, held)
    return int(differs)


def _services(run: _Run, path: Path) -> None:
    required = ("code", "label", "default_minutes", "default_fee", "superbill", "active")
    records, found = records_by_name(path, required)
    changed = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        minutes = _parsed(
            found, number, "default_minutes", _whole(0, 600, "minutes", "0"), row["default_minutes"]
        )
        fee = _parsed(found, number, "default_fee", _amount_or_zero, row["default_fee"])
        superbill = _flag(found, number, "superbill", row["superbill"])
        active = _flag(found, number, "active", row["active"])
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


def _methods(run: _Run, path: Path) -> None:
    records, found = records_by_name(
        path, ("name", "fee_basis_points", "fee_fixed", "active"), ("sort_order",)
    )
    changed = 0
    order: list[tuple[int, str]] = []
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        rate = _parsed(
            found,
            number,
            "fee_basis_points",
            _whole(0, 10000, "basis points", "0"),
            row["fee_basis_points"],
        )
        fixed = _parsed(found, number, "fee_fixed", _amount_or_zero, row["fee_fixed"])
        active = _flag(found, number, "active", row["active"])
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
        position = _parsed(
            found, number, "sort_order", _whole(0, 10**6, "a position", "0"), row["sort_order"]
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


def _payers(run: _Run, path: Path) -> None:
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
        filing = _parsed(
            found, number, "timely_filing_days", _whole(1, 1095, "days", "365"),
            row["timely_filing_days"],
        )  # fmt: skip
        usual = _parsed(
            found, number, "usual_days_to_pay", _whole(1, 365, "days", "30"),
            row["usual_days_to_pay"],
        )  # fmt: skip
        allowed = None
        if row["typical_allowed"]:
            allowed = _parsed(
                found, number, "typical_allowed", parse_amount, row["typical_allowed"]
            )
        active = _flag(found, number, "active", row["active"])
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


# --- billing units and diagnoses ----------------------------------------------------------------


def _deactivate_unit(session: Session, unit_id: int) -> None:
    client_service.set_unit_active(session, unit_id, False)


def _units(run: _Run, path: Path) -> None:
    """Each unit's own name and fee (the clients file made the units), and which are inactive."""
    records, found = records_by_name(path, ("ref", "name", "default_fee", "active"))
    changed = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        fee = _parsed(found, number, "default_fee", _amount_or_zero, row["default_fee"])
        active = _flag(found, number, "active", row["active"])
        unit = unit_by_ref(run.session, row["ref"])
        if unit is None:
            found.add(number, "ref", f"There is no client or couple '{row['ref']}' in clients.csv.")
        if len(found.problems) != before or unit is None:
            continue
        if unit.kind != UnitKind.INDIVIDUAL.value:
            held = client_service.get_unit_detail(run.session, unit.id).to_input()
            wanted = replace(held, name=row["name"] or held.name, default_fee=fee or None)
            if wanted != held:
                try:
                    client_service.update_unit(run.session, unit.id, wanted)
                    changed += 1
                except ServiceError as exc:
                    _refusal(found, number, exc)
                    continue
        if not active and unit.active:
            _deactivating(_deactivate_unit, run, found, number, unit.id)
    run.problems += found.problems
    run.tally("billing_units", len(records), changed)


def _diagnoses(run: _Run, path: Path) -> None:
    required = ("client_ref", "code", "rank", "effective_from", "effective_to")
    records, found = records_by_name(path, required)
    added = 0
    for done, (number, row) in enumerate(records):
        run.report(done, len(records))
        before = len(found.problems)
        rank = _parsed(found, number, "rank", _whole(1, 12, "ranks", ""), row["rank"])
        start = _parsed(found, number, "effective_from", parse_date, row["effective_from"])
        end = None
        if row["effective_to"]:
            end = _parsed(found, number, "effective_to", parse_date, row["effective_to"])
        client_id = run.session.scalar(
            select(Client.id).where(func.lower(Client.client_ref) == row["client_ref"].lower())
        )
        if client_id is None:
            found.add(
                number, "client_ref", f"There is no client '{row['client_ref']}' in clients.csv."
            )
        if len(found.problems) != before or client_id is None:
            continue
        same = run.session.scalar(
            select(Diagnosis.id).where(
                Diagnosis.client_id == client_id,
                Diagnosis.code == row["code"].upper(),
                Diagnosis.rank == rank,
                Diagnosis.effective_from == start,
                Diagnosis.effective_to.is_(None) if end is None else Diagnosis.effective_to == end,
            )
        )
        if same is not None:
            continue
        try:
            client_service.add_diagnosis(run.session, client_id, row["code"], start, rank, end)
        except ServiceError as exc:
            _refusal(found, number, exc)
            continue
        added += 1
    run.problems += found.problems
    run.tally("diagnoses", len(records), added)


def _documents(run: _Run, path: Path) -> None:
    _tally_outcome(
        run, "documents", import_documents(run.session, path.parent, run.paperwork, run.report)
    )


def _claims(run: _Run, path: Path) -> None:
    _tally_outcome(
        run, "claims", import_claims(run.session, path.parent, run.paperwork, run.report)
    )


def _tally_outcome(run: _Run, name: str, outcome: StepOutcome) -> None:
    run.problems += outcome.found.problems
    run.tally(name, outcome.rows, outcome.added)


_STEPS: dict[str, Callable[[_Run, Path], None]] = {
    "practice": _practice,
    "services": _services,
    "payment_methods": _methods,
    "payers": _payers,
    "billing_units": _units,
    "diagnoses": _diagnoses,
    "documents": _documents,
    "claims": _claims,
}
