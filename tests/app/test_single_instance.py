"""One writer at a time: a second process is refused; a crashed one's lock is recovered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from db.errors import AlreadyOpen
from db.lock import WriterLock
from desktop.services.workspace import UnlockFailed, Workspace
from tests.conftest import PASSPHRASE

# The child holds the file (a bare WriterLock, or a whole open Workspace) until killed.
_HOLDER = """
import sys, time
from pathlib import Path
path, how = Path(sys.argv[1]), sys.argv[2]
if how == "lock":
    from db.lock import WriterLock
    held = WriterLock(path).acquire()
else:
    from desktop.services.workspace import Workspace
    held = Workspace.open(path, passphrase=sys.argv[3])
print("holding", flush=True)
time.sleep(600)
"""


def hold_in_child(path: Path, how: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), how, PASSPHRASE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != "holding":
        child.kill()
        pytest.fail(
            f"the child could not take the file: {child.stderr.read() if child.stderr else ''}"
        )
    return child


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def test_a_second_process_is_refused_with_a_clear_message(workspace: Workspace) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop.services.workspace import UnlockFailed, Workspace\n"
        "try:\n"
        f"    Workspace.open(Path({str(workspace.path)!r}), passphrase={PASSPHRASE!r})\n"
        "except UnlockFailed as exc:\n"
        "    print(exc)\n"
        "    sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == (
        f"This practice file is already open in another Quiet Ledger window (process "
        f"{os.getpid()}); switch to that window or close it first."
    )


def test_the_command_line_is_refused_too(workspace: Workspace) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "check", "--db", str(workspace.path)],
        env={**os.environ, "QUIETLEDGER_PASSPHRASE": PASSPHRASE},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "already open in another Quiet Ledger window" in lines[0]


def test_a_second_open_in_the_same_process_is_refused(workspace: Workspace) -> None:
    with pytest.raises(UnlockFailed, match="already open"):
        Workspace.open(workspace.path, passphrase=PASSPHRASE)
    with pytest.raises(AlreadyOpen):
        WriterLock(workspace.path).acquire()


@pytest.mark.parametrize("how", ["lock", "open"])
def test_a_lock_left_by_a_killed_process_is_recovered(workspace: Workspace, how: str) -> None:
    path = workspace.path
    workspace.close()
    child = hold_in_child(path, how)
    try:
        with pytest.raises(UnlockFailed, match=f"process {child.pid}"):
            Workspace.open(path, passphrase=PASSPHRASE)
    finally:
        kill(child)
    assert path.with_name("books.qlb.lock").exists()  # left behind, and harmless
    with Workspace.open(path, passphrase=PASSPHRASE) as ws:
        assert ws.is_open


def test_closing_releases_the_lock(workspace: Workspace) -> None:
    path = workspace.path
    workspace.close()
    child = hold_in_child(path, "lock")
    kill(child)
    Workspace.open(path, passphrase=PASSPHRASE).close()
