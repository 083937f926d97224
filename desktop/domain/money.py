"""The one place money is parsed, rounded, converted and formatted.

Amounts are ``Decimal`` in Python and whole cents (``int``) in storage. Nothing
here ever goes through ``float``. Rounding is half-up to the cent, the rule US
practices and card processors use for fees.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# "$1,234.50", "1234.5", "-12", "(12.00)" is not accepted: a sign is explicit.
# Only ASCII digits: Decimal() would otherwise accept Arabic-Indic digits.
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+"
_PLAIN = r"[0-9]+"
_MONEY_RE = re.compile(
    rf"^(?P<sign>-)?\$?(?P<int>{_GROUPED}|{_PLAIN})?(?:\.(?P<frac>[0-9]{{1,2}}))?$"
)


class MoneyError(ValueError):
    """A text that is not an amount of money; the message says why."""


def parse_money(text: str, *, allow_negative: bool = False) -> Decimal:
    """Parse a typed amount such as ``$1,234.50`` or ``1234.5`` into a Decimal.

    Raises MoneyError with a sentence a person can act on.
    """
    raw = text.strip().replace(" ", "")
    if not raw:
        raise MoneyError("Enter an amount, such as 150.00.")
    if raw.startswith("$-"):
        raw = "-$" + raw[2:]
    match = _MONEY_RE.match(raw)
    if match is None or (match.group("int") is None and match.group("frac") is None):
        if re.search(r"\.[0-9]{3,}$", raw):
            raise MoneyError(f"'{text.strip()}' has more than two decimal places.")
        raise MoneyError(f"'{text.strip()}' is not an amount; use digits, such as 1,234.50.")
    if match.group("sign") and not allow_negative:
        raise MoneyError("The amount cannot be negative here.")
    digits = (match.group("int") or "0").replace(",", "")
    frac = match.group("frac") or "0"
    value = Decimal(f"{match.group('sign') or ''}{digits}.{frac}")
    return value.quantize(CENT)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Coerce an exact value to a Decimal; refuses floats, which are not exact."""
    if isinstance(value, float):
        raise TypeError("money never passes through float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise MoneyError(f"'{value}' is not an amount.") from exc


def round_cents(value: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal | int | str) -> int:
    """A Decimal amount as whole cents; refuses fractions of a cent."""
    amount = to_decimal(value)
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise MoneyError(f"{amount} has a fraction of a cent.")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Whole cents as a Decimal amount with two places."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"cents must be an int, not {type(cents).__name__}")
    return (Decimal(cents) / 100).quantize(CENT)


def format_money(value: Decimal, *, symbol: bool = True) -> str:
    """``$1,234.50``; negatives as ``-$1,234.50``."""
    amount = round_cents(value)
    sign = "-" if amount < 0 else ""
    body = f"{abs(amount):,.2f}"
    return f"{sign}{'$' if symbol else ''}{body}"


def format_plain(value: Decimal) -> str:
    """Two decimals, no sign symbol or separators: the CSV convention."""
    return f"{round_cents(value):.2f}"


def percent_of(amount: Decimal, basis_points: int) -> Decimal:
    """``amount`` times a rate in basis points (290 = 2.90%), rounded to the cent."""
    return round_cents(to_decimal(amount) * Decimal(basis_points) / Decimal(10000))


def even_split(amount: Decimal, ways: int) -> tuple[Decimal, ...]:
    """``amount`` shared ``ways`` ways, to the cent, adding up to ``amount`` exactly.

    The rounding policy: every part is the amount divided evenly and rounded down to
    the cent; the cents that are left (fewer than ``ways``) go one each to the first
    parts. So parts differ by at most a cent, the earlier ones (in the order given) take
    the odd cents, and the same amount always splits the same way: 100.00 three ways is
    33.34, 33.33, 33.33.
    """
    if ways < 1:
        raise ValueError("an amount is split at least one way")
    base, extra = divmod(to_cents(amount), ways)
    return tuple(from_cents(base + (1 if i < extra else 0)) for i in range(ways))
