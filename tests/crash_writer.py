"""A writer for the crash harness: posts visits through the services until it is killed.

Each visit is one transaction (``Workspace.run``): a session and the payment for
it. Once a transaction is committed its ids are appended to an acknowledgement
file as ``<session id> <payment id>`` with a single ``write`` (so a kill leaves a
line either whole or absent).

Run as ``python crash_writer.py serve``, it imports the app once and then forks
one writer per request line on stdin (JSON: ``{"db", "passphrase", "acks",
"seed"}``), printing ``pid N`` when the writer starts and ``exit N`` when it
has died; a request ``{"warm": true, "db", "passphrase"}`` posts a visit and
rolls it back, so the writers forked after it start warm. Starting Python and
the app takes seconds on a slow machine; forking a ready process takes
milliseconds, so many kills fit in a short test.

The module also gives the tests that need real books a way to post them.
"""

from __future__ import annotations

import json
import os
import random
import sys
import traceback
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from db.models import BillingUnit, PaymentMethod  # noqa: E402
from desktop.services.books.payments import PaymentInput, record_payment  # noqa: E402
from desktop.services.books.sessions import SessionInput, record_session  # noqa: E402
from desktop.services.clients.people import ClientInput, create_client  # noqa: E402
from desktop.services.workspace import Workspace  # noqa: E402

FEES = (Decimal("150.00"), Decimal("175.00"), Decimal("210.00"))


def add_client(ws: Workspace, last_name: str, first_name: str = "Sam") -> int:
    """A new individual client; returns their billing unit's id."""
    detail = ws.run(
        create_client, ClientInput(legal_last_name=last_name, legal_first_name=first_name)
    )
    return detail.unit_id


def _visit(session: Session, unit_id: int, day: date, fee: Decimal, paid: bool) -> tuple[int, int]:
    row = record_session(session, SessionInput(unit_id, day, "90834", fee=fee))
    if not paid:
        return row.id, 0
    method = session.execute(select(PaymentMethod.id).order_by(PaymentMethod.id)).scalars().first()
    assert method is not None
    payment = record_payment(session, PaymentInput(unit_id, day, row.charged, method))
    return row.id, payment.id


def post_visit(
    ws: Workspace, unit_id: int, day: date, fee: Decimal = FEES[0], *, paid: bool = True
) -> tuple[int, int]:
    """One session (90834) and, if ``paid``, its payment in full, in one transaction.

    Returns the session's id and the payment's (0 when unpaid).
    """
    return ws.run(_visit, unit_id, day, fee, paid)


def post_history(ws: Workspace, unit_ids: list[int], start: date, weeks: int) -> None:
    """Weekly visits for each unit; every third one left unpaid, so there is something owed."""
    for week in range(weeks):
        for n, unit_id in enumerate(unit_ids):
            day = start + timedelta(days=7 * week + n % 5)
            post_visit(ws, unit_id, day, FEES[n % len(FEES)], paid=(week + n) % 3 != 0)


def write_until_killed(db: Path, passphrase: str, acks: Path, seed: int) -> None:
    rng = random.Random(seed)
    ws = Workspace.open(db, passphrase=passphrase)
    units = ws.read(lambda s: list(s.execute(select(BillingUnit.id)).scalars()))
    fd = os.open(acks, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    day = date.today() - timedelta(days=rng.randrange(300))
    while True:
        session_id, payment_id = post_visit(ws, rng.choice(units), day, rng.choice(FEES))
        os.write(fd, f"{session_id} {payment_id}\n".encode())


def warm_up(db: Path, passphrase: str) -> None:
    """Post a visit and roll it back, so each forked writer starts with SQLAlchemy ready."""
    with Workspace.open(db, passphrase=passphrase) as ws:
        unit = ws.read(lambda s: s.execute(select(BillingUnit.id)).scalars().first())
        with ws.practice_file.reading() as session:
            _visit(session, unit, date.today(), FEES[0], True)


def serve() -> None:
    """Fork a writer per request; report its pid and, once it is dead, its exit."""
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("warm"):
            warm_up(Path(request["db"]), request["passphrase"])
            print("warm", flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            try:
                write_until_killed(
                    Path(request["db"]),
                    request["passphrase"],
                    Path(request["acks"]),
                    request["seed"],
                )
            except BaseException:
                traceback.print_exc()
                os._exit(3)
            os._exit(0)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        write_until_killed(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
