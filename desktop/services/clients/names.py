"""How billing units are named on reports and exports: reference and name, by id.

Plain SQL on a session or a raw connection (``db.queries.reader``), so a report read
without SQLAlchemy (``quietledger report aging``) names its clients the same way.
"""

from __future__ import annotations

from typing import NamedTuple

from db.queries.reader import Source, reader

_NAMES_SQL = "SELECT id, ref, name FROM billing_units"


class UnitName(NamedTuple):
    """How a billing unit is named on a report or an export: its reference and name."""

    ref: str
    name: str


def unit_names(source: Source) -> dict[int, UnitName]:
    """Every billing unit's reference and name, by unit id, in one statement.

    Plain SQL rather than the mapped class (as ``units.list_units`` reads them): the
    first query through a mapped class configures all of them, which a report's names
    do not need.
    """
    return {
        unit_id: UnitName(ref, name) for unit_id, ref, name in reader(source).rows(_NAMES_SQL, {})
    }
