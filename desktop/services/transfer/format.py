"""How Quiet Ledger's own machine files spell things: what an export writes, an import reads.

One module for both directions, so that whatever ``quietledger export`` writes
reads back as it was:

- dates are written ISO (``2026-03-31``) and read ISO or US (``3/31/2026``,
  ``03/31/26``), times of day ``HH:MM``;
- money is a plain amount (``150.00``), never negative, read exactly;
- whole numbers are plain digits; a flag is ``yes`` or ``no``; a choice is one
  of a fixed list of words, in any case;
- a member's share of what a couple or family pays is a percentage (``33.33``);
- a payment applied by hand names its charges (``2026-03-03 90834 150.00; ...``);
- the import layouts say which columns each file has, and every table an export
  writes is a ``Table`` whose column kinds say how its cells are written.

Every parser takes text and returns a value or raises ``FieldError`` with a
sentence that names what was expected. Digits are ASCII only: ``int()`` and
``date.fromisoformat`` would otherwise accept other scripts' digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from desktop.domain.money import MoneyError, parse_money
from desktop.reports.safe_cells import TRIGGERS
from desktop.reports.tabular import Column, Kind, Table
from desktop.services.clients.lookups import FULL_SHARE


class FieldError(ValueError):
    """A cell that cannot be read; the message says what it should look like."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?")
MAX_AMOUNT = Decimal("999999.99")  # far above any fee; stops nonsense before it is stored
_WHOLE = re.compile(r"[0-9]{1,6}")
_PERCENT = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,2}))?\s*%?")

# --- single values -------------------------------------------------------------------------


def clean(text: str) -> str:
    """Trim a cell and undo the apostrophe our exports put before formula-like text."""
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].lstrip(" ")[:1] in TRIGGERS:
        return text[1:]
    return text


_US_DATE = re.compile(r"(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})")
_DOTTED = re.compile(r"[0-9]{1,2}[.-][0-9]{1,2}[.-][0-9]{2,4}")
DATE_FORMS = "YYYY-MM-DD or M/D/YYYY, such as 2026-03-31 or 3/31/2026"


def century(two_digits: int, this_year: int) -> int:
    """The century rule for ``MM/DD/YY``: 20YY unless that is after this year, then 19YY
    (``03/31/26`` is 2026; a birth date ``07/04/58`` is 1958)."""
    year = 2000 + two_digits
    return year if year <= this_year else year - 100


def parse_date(text: str, *, this_year: int | None = None) -> date:
    """A date as ISO ``2026-03-31``, US ``3/31/2026``, or ``03/31/26`` (see ``century``).

    Month comes first in a US date, as the app shows dates; a date that is not on the
    calendar, or could be read either way (``04.03.2026``), is refused with a sentence.
    """
    raw = text.strip()
    if _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise FieldError(
                f"'{raw}' is not a date on the calendar; write it as {DATE_FORMS}."
            ) from None
    match = _US_DATE.fullmatch(raw)
    if match is not None:
        year = int(match["y"])
        if len(match["y"]) == 2:
            year = century(year, this_year or date.today().year)
        month, day = int(match["m"]), int(match["d"])
        if month > 12 and day <= 12:
            raise FieldError(
                f"'{raw}' is not a date: US dates put the month first (M/D/YYYY), and there "
                f"is no month {month}; did you mean {day}/{month}/{match['y']}?"
            )
        try:
            return date(year, month, day)
        except ValueError:
            raise FieldError(
                f"'{raw}' is not a date on the calendar; write it as {DATE_FORMS}."
            ) from None
    if _DOTTED.fullmatch(raw):
        raise FieldError(f"'{raw}' could be read more than one way; write it as {DATE_FORMS}.")
    raise FieldError(f"'{raw}' is not a date; write it as {DATE_FORMS}.")


def parse_time(text: str) -> time:
    """A time of day, ``14:30`` (seconds allowed)."""
    raw = text.strip()
    match = _TIME.fullmatch(raw)
    if match is not None:
        try:
            return time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
        except ValueError:
            pass
    raise FieldError(f"'{raw}' is not a time of day; write it as HH:MM, such as 14:30.")


def format_time(value: time | None) -> str:
    """A time of day as ``HH:MM``; blank for none."""
    return "" if value is None else value.strftime("%H:%M")


def parse_amount(text: str) -> Decimal:
    """An amount of money such as ``150.00`` or ``150`` (never negative)."""
    try:
        value = parse_money(text)
    except MoneyError as exc:
        raise FieldError(str(exc)) from None
    if value > MAX_AMOUNT:
        raise FieldError(f"'{text.strip()}' is more than {MAX_AMOUNT:,}; check the amount.")
    return value


def parse_whole(text: str, *, low: int, high: int, what: str) -> int:
    """A whole number from ``low`` to ``high``; ``what`` names the unit in the message."""
    raw = text.strip()
    if _WHOLE.fullmatch(raw) and low <= int(raw) <= high:
        return int(raw)
    raise FieldError(f"'{raw}' is not a number of {what} from {low} to {high}.")


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``, in any case (returned in lower case)."""
    raw = text.strip().lower()
    if raw in choices:
        return raw
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
    raise FieldError(f"'{text.strip()}' is not one of {listed}.")


YES_NO = ("yes", "no")


def parse_sex(text: str) -> str:
    """``F``, ``M`` or blank (not recorded) from F/M or the words, in any case."""
    raw = text.strip().lower()
    if not raw:
        return ""
    return {"f": "F", "female": "F", "m": "M", "male": "M"}.get(raw) or _bad_sex(text)


def _bad_sex(text: str) -> str:
    raise FieldError(f"'{text.strip()}' is not F or M; leave it blank when it is not recorded.")


def format_modifiers(modifiers: str | None) -> str:
    """Modifiers as a file holds them: ``none`` for none at all, blank for the default."""
    if modifiers is None:
        return ""
    return modifiers or NO_MODIFIERS


def format_flag(flag: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if flag else "no"


def parse_flag(text: str) -> bool:
    """``yes`` or ``no``, in any case."""
    return parse_choice(text, YES_NO) == "yes"


def parse_share(text: str) -> int:
    """``50``, ``50%`` or ``33.33`` as basis points; raises ValueError otherwise."""
    match = _PERCENT.fullmatch(text.strip())
    if match is None:
        raise ValueError(text)
    value = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if value > FULL_SHARE:
        raise ValueError(text)
    return value


def format_share(basis_points: int) -> str:
    """5000 as ``50``, 3333 as ``33.33``: what ``parse_share`` reads back."""
    whole, part = divmod(basis_points, 100)
    return str(whole) if part == 0 else f"{whole}.{part:02d}"


# --- payments applied by hand ----------------------------------------------------------------


@dataclass(frozen=True)
class AppliedCharge:
    """One charge a payment was applied to by hand, as the file names it."""

    service_date: date
    service_code: str
    amount: Decimal

    def text(self) -> str:
        return f"{self.service_date.isoformat()} {self.service_code} {self.amount}"


NOT_APPLIED = "none"


def parse_applied_to(text: str) -> tuple[AppliedCharge, ...]:
    """``none``, or ``YYYY-MM-DD CODE AMOUNT`` parts separated by ``;``."""
    if text.strip().casefold() == NOT_APPLIED:
        return ()
    parts = []
    for part in text.split(";"):
        if not part.strip():
            continue
        words = part.split()
        if len(words) != 3:
            raise FieldError(
                f"'{part.strip()}' is not a charge; write each as date, service code and "
                "amount, such as '2025-03-03 90834 150.00', separated by ';' (or 'none')."
            )
        parts.append(AppliedCharge(parse_date(words[0]), words[1].upper(), parse_amount(words[2])))
    return tuple(parts)


def format_applied_to(parts: list[AppliedCharge]) -> str:
    """What ``parse_applied_to`` reads back: the parts, or ``none``."""
    return "; ".join(p.text() for p in parts) if parts else NOT_APPLIED


# --- the import layouts ----------------------------------------------------------------------


class ImportKind(StrEnum):
    CLIENTS = "clients"
    SESSIONS = "sessions"
    PAYMENTS = "payments"
    SIMPLEPRACTICE = "simplepractice"


@dataclass(frozen=True)
class Layout:
    kind: ImportKind
    required: tuple[str, ...]
    optional: tuple[str, ...]
    # What an export writes after the layout's columns: the entry's own id, which the
    # ledger's history files name it by (``import all``). A one-file import passes it over.
    export_id: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


# The sessions layout's status for a charge that is not a session (a report, a letter).
FEE_STATUS = "fee"
# A session with no modifiers at all, as against a blank cell (the payer's or practice's own).
NO_MODIFIERS = "none"
# Couples and families in the clients layout: rows sharing a unit_ref are one billing unit.
MEMBERSHIP_COLUMNS = ("unit_ref", "unit_kind", "identified_patient", "pays_share")
ESTIMATOR_COLUMNS = ("estimate_allowed", "estimate_deductible_left", "estimate_coinsurance")
# The clients layout's columns, in the order an export writes them.
CLIENTS_FILE_COLUMNS = (
    "client_ref",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "billing",
    "default_fee",
    "payer",
    "member_id",
    "group_number",
    # The insured person, when it is not the client (a child on a parent's plan).
    "subscriber_relationship",
    "subscriber_name",
    "subscriber_date_of_birth",
    "diagnoses",
    "diagnosis_codes_only",
    # The reimbursement estimator's inputs kept with the client.
    *ESTIMATOR_COLUMNS,
    *MEMBERSHIP_COLUMNS,
)
_CLIENTS_REQUIRED = ("client_ref", "last_name")

LAYOUTS: dict[ImportKind, Layout] = {
    ImportKind.CLIENTS: Layout(
        ImportKind.CLIENTS,
        required=_CLIENTS_REQUIRED,
        optional=tuple(c for c in CLIENTS_FILE_COLUMNS if c not in _CLIENTS_REQUIRED),
    ),
    ImportKind.SESSIONS: Layout(
        ImportKind.SESSIONS,
        required=("client_ref", "date", "service_code"),
        optional=(
            "start_time",
            "minutes",
            "fee",
            "status",
            "place_of_service",
            "modifiers",
            # Beyond the list, so that a full export re-imports to the same books.
            "addon_code",
            "addon_fee",
            "write_off",
            "write_off_date",
            "write_off_reason",
            "memo",
        ),
        export_id="session_id",
    ),
    ImportKind.PAYMENTS: Layout(
        ImportKind.PAYMENTS,
        required=("client_ref", "date", "amount", "method"),
        optional=("reference", "fee", "refunded", "refund_date", "applied_to", "paid_by"),
        export_id="payment_id",
    ),
}

# --- the tables an export writes -------------------------------------------------------------

MONEY, DATE, INT = Kind.MONEY, Kind.DATE, Kind.INTEGER


def table(name: str, columns: tuple[Column, ...], rows: list[tuple]) -> tuple[str, Table]:
    """One exported table, by the file stem (and sheet) it is written as."""
    return name, Table(title=name, columns=columns, rows=tuple(rows), sheet_name=name)


def text_columns(*names: str) -> tuple[Column, ...]:
    """Text columns by name."""
    return tuple(Column(n) for n in names)


def layout_columns(names: tuple[str, ...], kinds: dict[str, Kind]) -> tuple[Column, ...]:
    """Columns by name, text unless ``kinds`` says otherwise."""
    return tuple(Column(n, kinds.get(n, Kind.TEXT)) for n in names)
