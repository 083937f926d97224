"""The demo opens with its own passphrase, whatever QUIETLEDGER_PASSPHRASE holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.app.demo_file import create_demo_file


def test_the_demo_window_appears_with_another_files_passphrase_in_the_environment(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    create_demo_file(home / "demo.qlb", years=1, clients=3)
    env = {
        **os.environ,
        "QUIETLEDGER_HOME": str(home),
        "QUIETLEDGER_PASSPHRASE": "another practice's passphrase",
        "QUIETLEDGER_QUIT_WHEN_SHOWN": "1",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "shown" in done.stdout, done.stderr
    assert done.returncode == 0
