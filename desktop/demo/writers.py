"""Two ways to write the demo's courses of therapy: through the services one record at a
time, or in batches.

``ServiceWriter`` is the reference: each session and payment goes through
``record_session`` and ``record_payment``, as a person's would. ``BatchWriter``
writes the same rows with a handful of INSERTs per batch: it keeps each unit's
open charges and unapplied credit in memory, plans every payment with the books'
own rule (``domain.allocation.oldest_first``), numbers the rows as the database
would, and chains an audit entry for every session and payment as the services
do. Anything rarer (a returned check, a write-off, a refund) it hands to the
services, after writing what it holds, so those rules live in one place.
``tests/demo/test_demo_writers.py`` proves both write the same books. ``BatchWriter``
lives with the books (``services/books/batch.py``): ``import all`` writes with it too.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.orm import Session

from desktop.services.books import open_amounts, payments, sessions
from desktop.services.books.batch import BatchWriter
from desktop.services.books.payments import PaymentInput
from desktop.services.books.sessions import SessionInput

P = ParamSpec("P")
T = TypeVar("T")


class CourseWriter(Protocol):
    """What recording a course of therapy needs from the books."""

    def record_session(self, data: SessionInput) -> Decimal:
        """Record a session; returns what it charged."""
        ...

    def record_payment(self, data: PaymentInput) -> None: ...

    def unit_credit(self, unit_id: int) -> Decimal: ...

    def ask(
        self, question: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Ask a service something the rows not yet written cannot change (a unit's
        defaults)."""
        ...

    def through_services(
        self,
        unit_id: int,
        action: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a service function on the books as written so far (it changes ``unit_id``)."""
        ...


class ServiceWriter:
    """Every record through its service, one at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record_session(self, data: SessionInput) -> Decimal:
        return sessions.record_session(self.session, data).charged

    def record_payment(self, data: PaymentInput) -> None:
        payments.record_payment(self.session, data)

    def unit_credit(self, unit_id: int) -> Decimal:
        return open_amounts.unit_credit(self.session, unit_id)

    def ask(
        self, question: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return question(self.session, *args, **kwargs)

    def through_services(
        self,
        unit_id: int,
        action: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return action(self.session, *args, **kwargs)

    def finish(self) -> None:
        """Nothing is held back."""


__all__ = ["BatchWriter", "CourseWriter", "ServiceWriter"]
