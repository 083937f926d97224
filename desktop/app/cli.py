"""The ``quietledger`` command: subcommands for scripts, no subcommand for the window.

Adding a subcommand: write ``desktop/app/cli_<name>.py`` with a function
``register(subparsers)`` that calls ``cli_common.add_command(subparsers, ...)``,
adds its own options and sets ``handler=`` to a function ``(args) -> int``.
The handler opens the file with ``cli_common.open_workspace(args)`` and calls
services through ``ws.run(...)`` / ``ws.read(...)``; it prints results with
``cli_common.say`` and reports failure by raising ``CliError`` (or letting a
``ServiceError`` through). Modules are found by name, so nothing here changes.
See ``cli_check.py`` for a complete example.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

import desktop.app
from db.errors import PracticeFileError
from db.keys import KeyProblem
from desktop import __version__
from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_USAGE,
    CliError,
    Handler,
    Parser,
    UsageError,
    add_db_option,
)
from desktop.services.errors import ServiceError

PROG = "quietledger"
DEBUG_ENV = "QUIETLEDGER_DEBUG"


def command_modules() -> list[ModuleType]:
    """Every ``desktop.app.cli_*`` module that defines ``register``, in name order."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(desktop.app.__path__)
        if info.name.startswith("cli_")
    )
    modules = [importlib.import_module(f"desktop.app.{name}") for name in names]
    return [module for module in modules if hasattr(module, "register")]


def opens_the_window(argv: Sequence[str]) -> bool:
    """True when the arguments name no subcommand: only ``--db PATH`` and ``--demo``.

    The window then starts without importing the subcommand modules, whose services
    (reports, backups, imports) it does not need before it is on screen.
    """
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--demo" or arg.startswith("--db="):
            index += 1
        elif arg == "--db" and index + 1 < len(argv):
            index += 2
        else:
            return False
    return True


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description=(
            "Quiet Ledger: offline, encrypted bookkeeping for private-pay therapists. "
            "Without a subcommand it opens the window."
        ),
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_db_option(parser, default=None)
    parser.add_argument(
        "--demo", action="store_true", help="open the demo practice (made-up clients) in the window"
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module in command_modules():
        module.register(subparsers)
    return parser


def run_window(args: argparse.Namespace) -> int:
    """No subcommand: start the window (Qt is imported only now, never for a subcommand)."""
    if args.demo and args.db is not None:
        raise UsageError("--demo opens the demo practice; leave out --db, or leave out --demo.")
    try:
        from desktop.app.gui import run_gui
    except ImportError as exc:
        if exc.name == "desktop.app.gui":
            raise CliError("This installation has no window; see 'quietledger --help'.") from None
        raise CliError(
            f"The window cannot start ({exc}); on Linux, install the system libraries "
            "listed in the README."
        ) from None
    return run_gui(args.db, args.demo)


def dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return run_window(args)
    if args.demo:
        raise UsageError("--demo is for opening the window; leave it out when running a command.")
    handler: Handler = args.handler
    return int(handler(args))


def fail(message: str, code: int) -> int:
    line = " ".join(message.split())  # one line, however the message was built
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quietledger`` command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_commands=not opens_the_window(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return dispatch(args)
    except CliError as exc:
        return fail(str(exc), exc.exit_code)
    except (ServiceError, PracticeFileError, KeyProblem) as exc:
        return fail(str(exc), EXIT_FAILED)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return fail(f"Could not use{where}: {exc.strerror or exc}.", EXIT_FAILED)
    except KeyboardInterrupt:
        return fail("Interrupted.", 130)
    except Exception as exc:
        # Never a traceback for the user; QUIETLEDGER_DEBUG=1 shows it to a developer.
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        return fail(
            f"Something unexpected went wrong ({type(exc).__name__}: {exc}); "
            f"run again with {DEBUG_ENV}=1 for details to report.",
            EXIT_FAILED,
        )
