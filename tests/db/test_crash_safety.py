"""Crash safety: a writer killed (SIGKILL) at random moments loses nothing it acknowledged.

``crash_writer.py serve`` forks a writer that posts visits (a session and its
payment, one transaction each) and records each committed one. The writer is
killed after a random delay, N times (``QUIETLEDGER_CRASH_KILLS``, 50 by
default). After every kill: the file opens, every check passes, every
acknowledged visit is there, and no visit is half there (a session without its
payment, or money owed that a paid visit should have settled).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_writer import add_client
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Payment
from db.models import Session as SessionRecord
from desktop.services.audit.checks import run_checks
from desktop.services.books.queries import ledger_problems
from desktop.services.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.paths import ROOT, TESTS

KILLS = int(os.environ.get("QUIETLEDGER_CRASH_KILLS", "50"))
MIN_SPAN = 1.5  # seconds after the fork in which to kill: covers opening and writing


class WriterServer:
    """``crash_writer.py serve``: the app imported once, a writer forked per request."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(TESTS / "crash_writer.py"), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            err = self.process.stderr.read() if self.process.stderr else ""
            pytest.fail(f"the writer server died: {err}")
        return line.strip()

    def warm_up(self, db: Path) -> None:
        self._send({"warm": True, "db": str(db), "passphrase": PASSPHRASE})
        assert self._line() == "warm"

    def _send(self, request: dict[str, object]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def start(self, db: Path, acks: Path, seed: int) -> int:
        self._send({"db": str(db), "passphrase": PASSPHRASE, "acks": str(acks), "seed": seed})
        word, pid = self._line().split()
        assert word == "pid"
        return int(pid)

    def wait_exit(self) -> int:
        word, status = self._line().split()
        assert word == "exit"
        return int(status)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture
def server() -> Iterator[WriterServer]:
    srv = WriterServer()
    yield srv
    srv.close()


def acknowledged(acks: Path) -> set[tuple[int, int]]:
    """Every whole line of the acknowledgement file."""
    if not acks.exists():
        return set()
    text = acks.read_text()
    lines = text.split("\n")[:-1]  # a last line without its newline was cut by the kill
    return {(int(a), int(b)) for a, b in (line.split() for line in lines)}


def _present(session: Session) -> tuple[set[int], set[int], list[str]]:
    sessions = set(session.execute(select(SessionRecord.id)).scalars())
    payments = set(session.execute(select(Payment.id)).scalars())
    return sessions, payments, ledger_problems(session)


def first_visit_seconds(server: WriterServer, db: Path, acks: Path) -> float:
    """How long a forked writer takes to acknowledge its first visit."""
    started = time.monotonic()
    pid = server.start(db, acks, seed=-1)
    while not acknowledged(acks) and time.monotonic() - started < 60:
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    os.kill(pid, signal.SIGKILL)
    server.wait_exit()
    assert acknowledged(acks), "the writer posted nothing in a minute"
    return elapsed


def test_killed_writers_lose_nothing_they_acknowledged(
    workspace: Workspace, server: WriterServer, tmp_path: Path
) -> None:
    for name in ("Rivera", "Okafor", "Lindqvist"):
        add_client(workspace, name)
    db = workspace.path
    workspace.close()
    server.warm_up(db)
    # Kills are spread over three times what the first visit takes here (at least MIN_SPAN),
    # so a slower machine still sees most of them land while visits are being posted.
    span = max(MIN_SPAN, 3 * first_visit_seconds(server, db, tmp_path / "calibration.txt"))
    rng = random.Random(int(os.environ.get("QUIETLEDGER_CRASH_SEED", "20261123")))
    acks = tmp_path / "acks.txt"
    started = time.monotonic()
    killed_mid_write = 0
    for round_ in range(KILLS):
        before = len(acknowledged(acks))
        pid = server.start(db, acks, seed=round_)
        time.sleep(rng.uniform(0, span))
        os.kill(pid, signal.SIGKILL)
        status = server.wait_exit()
        assert os.WIFSIGNALED(status), f"round {round_}: the writer stopped by itself"
        assert os.WTERMSIG(status) == signal.SIGKILL
        acked = acknowledged(acks)
        killed_mid_write += len(acked) > before

        with Workspace.open(db, passphrase=PASSPHRASE) as ws:
            problems = run_checks(ws)
            sessions, payments, ledger = ws.read(_present)
        assert problems == [], f"round {round_}"
        assert ledger == [], f"round {round_}"
        missing = {(s, p) for s, p in acked if s not in sessions or p not in payments}
        assert missing == set(), f"round {round_}: acknowledged but lost"
        # Each visit is one transaction: its session and its payment, or neither.
        assert len(sessions) == len(payments), f"round {round_}: a visit is half-written"
    # Guard: the harness is blind if its kills never land while visits are being posted.
    print(
        f"{KILLS} kills within {span:.1f} s of each start, {killed_mid_write} after a visit, "
        f"in {time.monotonic() - started:.0f} s"
    )
    assert killed_mid_write >= KILLS // 4
    assert len(acknowledged(acks)) > KILLS
