"""Start-up time: process start to main window shown, on the demo practice.

Beside it, a floor measured in the same run: a bare script that imports
PySide6.QtWidgets and SQLAlchemy's ORM, unlocks and opens the same encrypted
file, and shows an empty QMainWindow. Target: at most 1.3x the floor.

    uv run python benchmarks/startup.py [--runs 7] [--home DIR]

Each run is a fresh process, timed from spawn until it prints that its window
is on screen (``QUIETLEDGER_QUIT_WHEN_SHOWN=1`` makes the app quit there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import sqlalchemy.orm  # noqa: F401
from db.engine import open_practice_file

app = QApplication(sys.argv)
practice = open_practice_file(Path(sys.argv[1]), passphrase="demo")
with practice.engine.connect() as conn:
    conn.exec_driver_sql("SELECT count(*) FROM clients").scalar()
window = QMainWindow()
window.resize(1280, 800)
window.show()
def done():
    print("shown", flush=True)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
practice.close()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("shown"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"{cmd[:3]} never showed its window (exit {proc.wait()})")
    proc.wait(timeout=60)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--home", type=Path, help="reuse this QUIETLEDGER_HOME (its demo.qlb, made if missing)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="ql-startup-"))
    env = {
        **os.environ,
        "QUIETLEDGER_HOME": str(home),
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "QUIETLEDGER_QUIT_WHEN_SHOWN": "1",
    }
    # As on a user's machine, compiled bytecode is kept after the first start; without
    # it every run would compile the app's modules (and far fewer of the floor's) again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    from desktop.app import paths

    os.environ["QUIETLEDGER_HOME"] = str(home)
    demo = paths.demo_practice_path()
    if not demo.exists():
        print("Creating the demo practice once (not timed)...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "desktop", "demo", "--db", str(demo)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    app_cmd = [sys.executable, "-m", "desktop", "--demo"]
    floor_cmd = [sys.executable, "-c", FLOOR, str(demo)]
    timed(app_cmd, env)  # warm the file cache for both, and write the bytecode
    timed(floor_cmd, env)
    apps, floors = [], []
    for _ in range(args.runs):
        floors.append(timed(floor_cmd, env))
        apps.append(timed(app_cmd, env))
    app_ms = statistics.median(apps) * 1000
    floor_ms = statistics.median(floors) * 1000
    ratio = app_ms / floor_ms
    # The fastest run of each is the least disturbed by anything else on the machine.
    best_ratio = min(apps) / min(floors)
    print(f"floor (Qt + ORM + unlock + empty window): {floor_ms:7.0f} ms  (median of {args.runs})")
    print(f"quietledger --demo, main window shown:    {app_ms:7.0f} ms")
    print(f"fastest runs: floor {min(floors) * 1000:.0f} ms, app {min(apps) * 1000:.0f} ms")
    print(
        f"ratio {ratio:.2f}x (fastest {best_ratio:.2f}x)  target <= 1.30x  "
        f"{'OK' if ratio <= 1.3 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
