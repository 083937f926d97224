"""The window path of the command line loads no subcommand modules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.app.cli import opens_the_window


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["--demo"], True),
        (["--db", "x.qlb"], True),
        (["--db=x.qlb"], True),
        (["check"], False),
        (["--db", "x.qlb", "check"], False),
        (["--help"], False),
        (["--version"], False),
        (["--db"], False),
        (["report", "aging"], False),
    ],
)
def test_only_db_and_demo_mean_the_window(argv: list[str], window: bool) -> None:
    assert opens_the_window(argv) is window


def test_parsing_a_window_call_imports_no_subcommand_module() -> None:
    code = (
        "import sys; from desktop.app import cli; "
        "args = cli.build_parser(with_commands=False).parse_args(['--demo']); "
        "assert args.command is None and args.demo; "
        "print(sorted(m for m in sys.modules if m.startswith('desktop.app.cli_') "
        "and m != 'desktop.app.cli_common'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
