"""Passphrases, the key file and the recovery key."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from db.keys import guessable_words, key_file_for, passphrase_problem
from db.models import Client
from desktop.services.workspace import UnlockFailed, WeakPassphrase, Workspace
from tests.conftest import PASSPHRASE

NEW_PASSPHRASE = "lantern orchard quietly ninety"


def add_client(ws: Workspace, last_name: str = "Marker") -> None:
    with ws.practice_file.transaction() as session:
        session.add(Client(client_ref="K1", legal_last_name=last_name))


def client_names(ws: Workspace) -> list[str]:
    with ws.practice_file.reading() as session:
        return [c.legal_last_name for c in session.query(Client).all()]


def one_sentence(message: str) -> None:
    assert "\n" not in message
    assert message.endswith(".")
    assert message.count(". ") == 0, message


def test_wrong_passphrase_is_one_sentence(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    with pytest.raises(UnlockFailed) as caught:
        Workspace.open(path, passphrase="not the right one at all")
    one_sentence(str(caught.value))
    assert "passphrase" in str(caught.value)


def test_change_passphrase_then_reopen(workspace: Workspace) -> None:
    path = workspace.path
    add_client(workspace)
    workspace.change_passphrase(NEW_PASSPHRASE)
    workspace.close()
    with Workspace.open(path, passphrase=NEW_PASSPHRASE) as ws:
        assert client_names(ws) == ["Marker"]
    with pytest.raises(UnlockFailed, match="does not open"):
        Workspace.open(path, passphrase=PASSPHRASE)


def _change_back_and_forth(path: Path, ready: Connection) -> None:
    """In the child: open with whichever passphrase works, then flip it until killed."""
    one, two = PASSPHRASE, NEW_PASSPHRASE
    try:
        ws = Workspace.open(path, passphrase=one)
    except UnlockFailed:
        ws = Workspace.open(path, passphrase=two)
        one, two = two, one
    ready.send("ready")
    while True:
        ws.change_passphrase(two)
        one, two = two, one


def open_with_either(path: Path) -> Workspace:
    try:
        return Workspace.open(path, passphrase=PASSPHRASE)
    except UnlockFailed:
        return Workspace.open(path, passphrase=NEW_PASSPHRASE)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_a_crash_while_changing_the_passphrase_loses_nothing(workspace: Workspace) -> None:
    path = workspace.path
    add_client(workspace)
    data_key = workspace.recovery_key()
    workspace.close()
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    # fork: the child starts with everything imported, so each round costs only the change.
    context = multiprocessing.get_context("fork")
    for round_number in range(15):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_change_back_and_forth, args=(path, sender), daemon=True)
        child.start()
        try:
            assert receiver.poll(60), "the child did not open the file"
            assert receiver.recv() == "ready"
            time.sleep(rng.uniform(0.0, 0.6))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.join(30)
        where = f"seed {seed}, round {round_number}"
        json.loads(key_file_for(path).read_text())  # whole, never half-written
        with open_with_either(path) as ws:
            assert client_names(ws) == ["Marker"], where
            assert ws.recovery_key() == data_key, where


def test_recovery_key_opens_without_the_key_file(workspace: Workspace) -> None:
    path = workspace.path
    recovery = workspace.recovery_key()
    add_client(workspace)
    workspace.close()
    key_file_for(path).unlink()

    with pytest.raises(UnlockFailed, match="recovery key"):
        Workspace.open(path, passphrase=PASSPHRASE)

    with Workspace.open(path, recovery_key=recovery) as ws:
        assert client_names(ws) == ["Marker"]
        ws.change_passphrase(NEW_PASSPHRASE)
    assert key_file_for(path).is_file()
    with Workspace.open(path, passphrase=NEW_PASSPHRASE) as ws:
        assert client_names(ws) == ["Marker"]


def test_recovery_key_is_forgiving_of_case_and_spacing(workspace: Workspace) -> None:
    path = workspace.path
    typed = workspace.recovery_key().lower().replace("-", " ")
    workspace.close()
    Workspace.open(path, recovery_key=typed).close()


def _typo(recovery: str, position: int) -> str:
    original = recovery[position]
    replacement = "Q" if original != "Q" else "R"
    return recovery[:position] + replacement + recovery[position + 1 :]


@pytest.mark.parametrize("position", [0, 7, 31, 66])
def test_recovery_key_typo_is_detected(workspace: Workspace, position: int) -> None:
    path = workspace.path
    recovery = workspace.recovery_key()
    workspace.close()
    with pytest.raises(UnlockFailed, match="typing mistake") as caught:
        Workspace.open(path, recovery_key=_typo(recovery, position))
    one_sentence(str(caught.value))


def test_recovery_key_with_a_missing_group(workspace: Workspace) -> None:
    path = workspace.path
    short = workspace.recovery_key()[5:]
    workspace.close()
    with pytest.raises(UnlockFailed, match="56 letters"):
        Workspace.open(path, recovery_key=short)


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaaaa", "password123", "password12"])
def test_weak_passphrase_is_refused_on_create(tmp_path: Path, weak: str) -> None:
    folder = tmp_path / "books"
    with pytest.raises(WeakPassphrase):
        Workspace.create(folder / "b.qlb", weak)
    assert not folder.exists()


def test_strength_is_zxcvbns_with_the_practice_as_known_words() -> None:
    known = ["Harbor Light Therapy", "Dana Whitfield", "LMFT", "dana@example.com"]
    assert passphrase_problem(PASSPHRASE, known) is None
    assert passphrase_problem(NEW_PASSPHRASE, known) is None
    # zxcvbn's own sentence, then its advice.
    common = passphrase_problem("password12", known)
    assert common is not None
    assert common.startswith("This is a very common password.")
    for own in ("Harbor Light Therapy", "HarborLightTherapy", "Dana Whitfield"):
        problem = passphrase_problem(own, known)
        assert problem is not None, own
        assert "the practice's own name or email" in problem
    # Spaced out, reordered, or with a year: still the practice's own words.
    for own in ("harbor light 2026", "therapy-dana-whitfield", "whitfield harbor light dana"):
        problem = passphrase_problem(own, known)
        assert problem is not None, own
        assert "the practice's own name or email" in problem
    # A word of the practice among words of one's own is fine.
    assert passphrase_problem("violet harbor lantern quietly 42", known) is None
    # Past zxcvbn's 72 characters, the start is measured (it refuses longer input).
    assert passphrase_problem("lantern orchard quietly ninety " * 4, known) is None
    # Without the practice's words, its name alone would have passed.
    assert passphrase_problem("Harbor Light Therapy") is None
    assert guessable_words(["Dana Whitfield", "dana@example.com"]) == [
        "dana whitfield",
        "danawhitfield",
        "dana",
        "whitfield",
        "dana@example.com",
        "danaexamplecom",
        "example",
        "com",
    ]


def test_weak_passphrase_is_refused_on_change(workspace: Workspace) -> None:
    path = workspace.path
    with pytest.raises(WeakPassphrase, match="at least 10 characters"):
        workspace.change_passphrase("tiny")
    workspace.close()
    Workspace.open(path, passphrase=PASSPHRASE).close()
