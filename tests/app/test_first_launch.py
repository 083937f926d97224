"""First launch of the window on a new computer: the data folder is made, privately, in
the operating system's place for it, and the welcome screen is what shows."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user data folder of Linux")
def test_first_launch_makes_the_data_folder_and_shows_the_welcome(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"QUIETLEDGER_HOME", "XDG_DATA_HOME", "QUIETLEDGER_PASSPHRASE"}
    }
    env.update(HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen", QUIETLEDGER_QUIT_WHEN_SHOWN="1")
    data = tmp_path / ".local" / "share" / "QuietLedger"
    out = subprocess.run(
        [sys.executable, "-m", "desktop"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert out.splitlines()[-1] == "shown: welcome"
    assert data.is_dir()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert not any(data.iterdir())  # nothing is written until the person chooses
