"""Declarative base, naming convention and the one money column type."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from desktop.domain.money import from_cents, to_cents

# Alembic batch mode on SQLite needs every constraint named.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Cents(TypeDecorator[Decimal]):
    """Money: ``Decimal`` in Python, whole cents as INTEGER in SQLite."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> int | None:
        return None if value is None else to_cents(value)

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class UtcDateTime(TypeDecorator[datetime]):
    """Audit timestamps: stored naive in UTC, returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def cents_check(
    column: str, *, minimum: int | None = 0, name: str | None = None
) -> CheckConstraint:
    """CHECK that a money column holds an integer (and, by default, is not negative)."""
    rule = f"typeof({column}) = 'integer'"
    if minimum is not None:
        rule += f" AND {column} >= {minimum}"
    return CheckConstraint(rule, name=name or f"{column}_cents")


def nullable_cents_check(column: str, *, name: str | None = None) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR (typeof({column}) = 'integer' AND {column} >= 0)",
        name=name or f"{column}_cents",
    )


def one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> CheckConstraint:
    """CHECK that a text column holds one of ``values``."""
    listed = ", ".join(f"'{v}'" for v in values)
    rule = f"{column} IN ({listed})"
    if nullable:
        rule = f"{column} IS NULL OR {rule}"
    return CheckConstraint(rule, name=f"{column}_valid")


PK = Integer
