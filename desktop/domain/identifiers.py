"""Validation of US provider identifiers: NPI and EIN.

Each check returns None when the value is valid or a sentence saying what is
wrong, so forms and the command line can show it as it is.
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.us import ein as stdnum_ein

# Prefixes the IRS has never assigned (DOMAIN.md).
_UNASSIGNED_EIN_PREFIXES = frozenset(
    {
        "00",
        "07",
        "08",
        "09",
        "17",
        "18",
        "19",
        "28",
        "29",
        "49",
        "69",
        "70",
        "78",
        "79",
        "89",
        "96",
        "97",
    }
)


def npi_problem(npi: str) -> str | None:
    """Why ``npi`` is not a valid National Provider Identifier, or None."""
    digits = npi.strip()
    if not re.fullmatch(r"[0-9]{10}", digits):
        return "An NPI is exactly 10 digits."
    if digits[0] not in "12":
        return "An NPI starts with 1 (individual) or 2 (organization)."
    if not luhn.is_valid("80840" + digits):
        return "This NPI's check digit is wrong; check it against the NPI registry."
    return None


def normalize_ein(ein: str) -> str:
    """``123456789`` or ``12-3456789`` as ``12-3456789``; other text unchanged."""
    digits = re.sub(r"[\s-]", "", ein)
    if re.fullmatch(r"[0-9]{9}", digits):
        return f"{digits[:2]}-{digits[2:]}"
    return ein.strip()


def ein_problem(ein: str) -> str | None:
    """Why ``ein`` is not a valid Employer Identification Number, or None."""
    digits = re.sub(r"[\s-]", "", ein)
    if not re.fullmatch(r"[0-9]{9}", digits):
        return "An EIN is 9 digits, written XX-XXXXXXX."
    if digits[:2] in _UNASSIGNED_EIN_PREFIXES:
        return f"EIN prefix {digits[:2]} is never assigned by the IRS; check the number."
    if not stdnum_ein.is_valid(digits):
        return "This EIN is not valid; check the number on the IRS letter."
    return None


def mask_tax_id(value: str) -> str:
    """Show only the last four digits of an EIN or SSN on screen."""
    digits = re.sub(r"\D", "", value)
    return f"•••••{digits[-4:]}" if len(digits) >= 4 else "•" * len(digits)
