"""The demo practice: realistic, deterministic for a seed, and books that hold."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal as D  # noqa: N817 - reads like the hand-worked figures
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import (
    BillingUnit,
    Claim,
    Client,
    Diagnosis,
    Document,
    Payment,
    PaymentMethod,
    Session,
)
from desktop.app.demo_file import create_demo_file
from desktop.demo.practice import DEMO_PASSPHRASE
from desktop.demo.signature import demo_signature_png
from desktop.services.books import queries as books
from desktop.services.estimates import follow, owed
from desktop.services.practice.signature import get_signature
from desktop.services.workspace import Workspace

END = date(2026, 10, 15)


def fingerprint(ws: Workspace) -> tuple[object, ...]:
    def read(session):  # type: ignore[no-untyped-def]
        units = session.execute(select(BillingUnit.id).order_by(BillingUnit.id)).scalars()
        ledgers = [
            [
                (ln.on, ln.description, ln.charges, ln.credits)
                for ln in books.ledger_lines(session, u)
            ]
            for u in units
        ]
        people = session.execute(
            select(Client.legal_first_name, Client.legal_last_name, Client.date_of_birth).order_by(
                Client.id
            )
        ).all()
        estimates = [
            (e.client_ref, e.label, e.scheduled_on, e.issued_on, e.total, e.status)
            for e in follow.current_estimates(session, END)
        ]
        return ledgers, people, books.aging(session, END), estimates

    return ws.read(read)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.qlb"
    create_demo_file(path, seed=3, years=1, clients=14, end=END)
    return path


def test_same_seed_same_books(small_demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.qlb"
    create_demo_file(again, seed=3, years=1, clients=14, end=END)
    other = tmp_path / "other.qlb"
    create_demo_file(other, seed=4, years=1, clients=14, end=END)
    with (
        Workspace.open(small_demo, passphrase=DEMO_PASSPHRASE) as first,
        Workspace.open(again, passphrase=DEMO_PASSPHRASE) as second,
        Workspace.open(other, passphrase=DEMO_PASSPHRASE) as third,
    ):
        assert fingerprint(first) == fingerprint(second)
        assert fingerprint(first) != fingerprint(third)


def test_demo_has_estimates_in_every_state_that_matters(small_demo: Path) -> None:
    with Workspace.open(small_demo, passphrase=DEMO_PASSPHRASE) as ws:
        current = ws.read(follow.current_estimates, END)
        waiting = ws.read(owed.owed_estimates, END)
        issued = ws.read(
            lambda s: s.scalars(select(Document.issued_on).where(Document.kind == "estimate")).all()
        )
    by_status = {e.status: e for e in current}
    assert sorted(e.status for e in current) == ["dispute-eligible", "issued", "issued", "late"]
    assert len(issued) == 5  # four estimates, one of them corrected
    assert max(issued) <= END
    assert len({e.unit_id for e in current}) == 4
    (due,) = waiting  # one estimate owed, due in the days ahead
    assert due.status == "due"
    assert due.unit_id not in {e.unit_id for e in current}
    late = by_status["late"]
    assert late.due_by is not None
    assert late.issued_on > late.due_by
    disputed = by_status["dispute-eligible"]
    assert disputed.dispute_eligible
    assert disputed.billed - disputed.total >= D("400.00")
    corrected = [e for e in current if e.version == 2]
    assert [e.status for e in corrected] == ["issued"]
    on_time = [e for e in current if e.status == "issued" and e.version == 1]
    assert [(e.late, e.over_by) for e in on_time] == [(False, D("0.00"))]
    assert on_time[0].issued_on <= (on_time[0].due_by or END)


def test_demo_looks_like_a_practice_and_its_books_hold(small_demo: Path) -> None:
    with Workspace.open(small_demo, passphrase=DEMO_PASSPHRASE) as ws:

        def count(model, *where):  # type: ignore[no-untyped-def]
            return ws.read(
                lambda s: s.execute(
                    select(func.count()).select_from(model).where(*where)
                ).scalar_one()
            )

        # 14 at a time; over the year some leave and others take their places.
        assert 14 <= count(Client) <= 40
        assert count(BillingUnit, BillingUnit.kind == "couple") >= 1
        assert count(BillingUnit, BillingUnit.kind == "family") >= 1
        assert count(Client, Client.billing == "superbill") >= 3
        assert count(Diagnosis) >= 3
        for status in ("attended", "late_cancel", "no_show", "cancelled"):
            assert count(Session, Session.status == status) >= 1, status
        methods = ws.read(
            lambda s: s.execute(select(func.count(func.distinct(Payment.method_id)))).scalar_one()
        )
        assert methods >= 3
        assert ws.read(books.ledger_problems) == []
        balances = ws.read(books.balances).values()
        assert any(b.owed > 0 for b in balances)
        assert any(b.credit > 0 for b in balances)
        assert count(PaymentMethod) >= 3
        assert count(Document, Document.kind == "superbill") >= 1
        assert count(Claim) >= 1
        assert ws.read(get_signature) == demo_signature_png()  # superbills print it


def test_no_file_left_when_creation_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.qlb"
    with pytest.raises(Exception, match="at least"):
        create_demo_file(path, years=1, clients=1, end=END)
    assert list(tmp_path.iterdir()) == []


def test_cli_demo_then_check(tmp_path: Path) -> None:
    path = tmp_path / "x.qlb"
    env = {**os.environ, "QUIETLEDGER_HOME": str(tmp_path / "home")}
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "demo",
            "--db",
            str(path),
            "--years",
            "1",
            "--clients",
            "6",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert "passphrase: demo" in made.stdout
    checked = subprocess.run(
        [sys.executable, "-m", "desktop", "check", "--db", str(path)],
        capture_output=True,
        text=True,
        env={**env, "QUIETLEDGER_PASSPHRASE": "demo"},
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "desktop", "check", "--db", str(path)],
        capture_output=True,
        text=True,
        env={**env, "QUIETLEDGER_PASSPHRASE": "not the one"},
        timeout=120,
    )
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1
    assert "Traceback" not in wrong.stderr


def test_clients_whose_therapy_ended_are_off_the_active_list(small_demo: Path) -> None:
    from datetime import timedelta

    from desktop.services.clients.units import list_units

    with Workspace.open(small_demo, passphrase=DEMO_PASSPHRASE) as ws:
        active = ws.read(list_units)
        everyone = ws.read(list_units, include_inactive=True)
    assert 0 < len(active) < len(everyone)
    recent = END - timedelta(days=90)
    # Everyone seen in the last three months is still on the list, and nobody who went
    # quiet longer ago is (a unit with no session of its own belongs to a couple).
    for unit in everyone:
        if unit.last_session is not None and unit.last_session >= recent:
            assert unit.active, unit.name
        if not unit.active:
            assert unit.last_session is None or unit.last_session < recent, unit.name


def test_progress_says_each_step_and_cancel_keeps_nothing(tmp_path: Path) -> None:
    from desktop.demo.practice import DemoCancelled

    heard: list[tuple[str, int, int]] = []

    def progress(what: str, done: int, total: int) -> bool:
        heard.append((what, done, total))
        return not what.startswith("Issuing superbills")  # the person cancels here

    path = tmp_path / "demo.qlb"
    with pytest.raises(DemoCancelled, match="not made"):
        create_demo_file(path, seed=3, years=1, clients=6, end=END, progress=progress)
    assert list(tmp_path.iterdir()) == []
    steps = list(dict.fromkeys(what for what, _, _ in heard))
    assert steps == [
        "Inventing 6 clients, couples and families",
        "Writing a year of their sessions and payments",
        "Issuing superbills and following their claims",
    ]
    courses = [(done, total) for what, done, total in heard if what.startswith("Writing")]
    assert courses[0][0] == 0
    assert courses[-1][0] == courses[-1][1] > 0  # every unit's course was reported
