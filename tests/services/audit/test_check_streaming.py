"""The check reads the audit log and the books as plain rows, and still finds every change.

A year of a small demo practice holds every kind of audited value (money, dates,
times of day, timestamps, a voided session, claims, documents): a clean file must
pass, a change to any of them must be named, and no ORM object is built on the way.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from db import keys
from db.models import AuditEntry
from db.models.base import Base
from desktop.demo.practice import generate_demo
from desktop.domain.money import from_cents
from desktop.services.audit import agreement, checks
from desktop.services.audit.log import payload
from desktop.services.books.sessions import void_session
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.tampering import tamper

END = date(2026, 10, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed year of a small demo practice (passphrase PASSPHRASE), one session voided."""
    path = tmp_path_factory.mktemp("demo") / "books.qlb"
    with Workspace.create(path, PASSPHRASE) as ws:
        generate_demo(ws, seed=5, years=1, clients=6, end=END)
        ws.run(void_session, 2, "Entered twice")
    return path


@pytest.fixture
def books(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo to change."""
    path = tmp_path / demo.name
    shutil.copy(demo, path)
    shutil.copy(keys.key_file_for(demo), keys.key_file_for(path))
    return path


def problems_in(path: Path, *, full: bool = False) -> list[str]:
    with Workspace.open(path, passphrase=PASSPHRASE) as ws:
        return checks.run_checks(ws, full=full)


@pytest.mark.parametrize("full", [False, True], ids=["quick", "full"])
def test_a_clean_year_passes_both_modes(demo: Path, full: bool) -> None:
    assert problems_in(demo, full=full) == []


@pytest.mark.parametrize(
    ("statements", "said"),
    [
        (
            ["UPDATE sessions SET start_time = '09:05:00.000000' WHERE id = 1"],
            "has start time 09:05:00 in the books, but its audit entry",
        ),
        (
            [
                "UPDATE sessions SET voided_at = '2026-05-01 10:00:00.000000', "
                "void_reason = 'gone' WHERE id = 3"
            ],
            "Session 3 (",
        ),
        (
            ["UPDATE sessions SET voided_at = NULL, void_reason = NULL WHERE id = 2"],
            "is not voided in the books, but its audit entries say voided",
        ),
        (
            [
                "DROP TRIGGER trg_payments_void_only",
                "UPDATE payments SET received_date = '2026-01-05' WHERE id = 1",
            ],
            "Payment 1 (01/05/2026) has received date 01/05/2026 in the books",
        ),
        (
            [
                "DROP TRIGGER trg_payments_void_only",
                "UPDATE payments SET amount_cents = amount_cents + 1 WHERE id = 1",
            ],
            "Payment 1 (",
        ),
        (
            ["UPDATE claims SET reimbursed_cents = 1 WHERE id = 1"],
            "Claim 1 has reimbursed 0.01 in the books",
        ),
        (
            [
                "DROP TRIGGER trg_documents_immutable",
                "UPDATE documents SET total_charged_cents = 1 WHERE id = 1",
            ],
            "has total charged 0.01 in the books",
        ),
    ],
    ids=[
        "time-of-day",
        "voided",
        "unvoided",
        "date",
        "money",
        "claim",
        "document",
    ],
)
def test_each_kind_of_value_changed_without_the_app_is_named(
    books: Path, statements: list[str], said: str
) -> None:
    tamper(books, *statements)
    found = problems_in(books)
    # One sentence from the replay, naming the change (beside the dropped trigger, and the
    # ledger's own word on a payment): no other record is reported.
    replayed = [p for p in found if "its audit entr" in p]
    assert len(replayed) == 1, found
    assert said in replayed[0], found


def test_a_stored_pdf_replaced_under_its_fingerprint_is_named(books: Path) -> None:
    """Someone holding the key swaps an issued PDF and puts the trigger back: the row and
    the log still agree, but the bytes a reprint would hand out are not the ones issued."""
    with Workspace.open(books, passphrase=PASSPHRASE) as ws:
        number, version, trigger = ws.read(
            lambda s: s.execute(
                text(
                    "SELECT number, version, (SELECT sql FROM sqlite_master "
                    "WHERE name = 'trg_documents_immutable') FROM documents WHERE id = 1"
                )
            ).one()
        )
    tamper(
        books,
        "DROP TRIGGER trg_documents_immutable",
        "UPDATE documents SET pdf = CAST('%PDF-1.4 not the one issued' AS BLOB) WHERE id = 1",
        trigger,
    )
    found = problems_in(books)
    assert len(found) == 1, found
    assert found[0].startswith(f"The stored PDF of {number} version {version} is not"), found


# --- no ORM object on the way ---------------------------------------------------------


@pytest.fixture
def orm_loads() -> Iterator[list[object]]:
    """Every ORM object loaded from the database while the fixture lives."""
    loaded: list[object] = []

    def note(target: object, _context: object) -> None:
        loaded.append(target)

    event.listen(Base, "load", note, propagate=True)
    try:
        yield loaded
    finally:
        event.remove(Base, "load", note)


def test_the_chain_and_the_replay_build_no_orm_objects(demo: Path, orm_loads: list[object]) -> None:
    with Workspace.open(demo, passphrase=PASSPHRASE) as ws:
        entries = ws.read(lambda s: len(s.execute(select(AuditEntry.id)).all()))
        assert ws.read(checks.log_problems) == []
        assert orm_loads == []
        # The counter counts: reading the entries as objects is seen.
        ws.read(lambda s: s.execute(select(AuditEntry).limit(3)).scalars().all())
    assert entries > 500
    assert len(orm_loads) == 3


# --- the plain forms equal the typed ones ---------------------------------------------


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_read_plain_are_written_as_the_log_writes_money(cents: int) -> None:
    assert agreement._cents_text(cents) == f"{from_cents(cents):.2f}"


@given(
    st.tuples(
        st.text(),
        st.text(),
        st.one_of(st.none(), st.integers()),
        st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.text()),
        st.text(alphabet=st.characters(codec="utf-8")),
    )
)
def test_a_hash_covers_exactly_what_json_dumps_writes(fields: tuple[object, ...]) -> None:
    assert payload(fields) == json.dumps(list(fields), ensure_ascii=False).encode("utf-8")


def test_every_audited_column_reads_as_the_typed_value_would(demo: Path) -> None:
    """Each column of each audited record, read as a plain row, is what the ORM's typed
    value gives in the log's form (``audit.log.to_json``)."""

    def compare(session: Session) -> int:
        dialect = session.get_bind().dialect
        compared = 0
        for spec in agreement.AUDITED:
            table = agreement._Table(spec, dialect)
            rows = session.connection().exec_driver_sql(table.sql).fetchall()
            objects = session.execute(select(spec.model).order_by(spec.model.id)).scalars()
            for row, obj in zip(rows, objects, strict=True):
                for field in table.position:
                    typed = agreement._plain(getattr(obj, field))
                    assert table.found(row, field) == typed, (spec.entity, field)
                    compared += 1
        return compared

    with Workspace.open(demo, passphrase=PASSPHRASE) as ws:
        assert ws.read(compare) > 3000
