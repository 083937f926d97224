"""The ``quietledger`` command: subcommands for scripts, no subcommand for the window.

Adding a subcommand: write ``desktop/app/cli_<name>.py`` with a function
``register(subparsers)`` that calls ``cli_common.add_command(subparsers, ...)``,
adds its own options and sets ``handler=`` to a function ``(args) -> int``, and
list the command in ``COMMANDS`` below. The handler opens the file with
``cli_common.open_workspace(args)`` and calls services through ``ws.run(...)`` /
``ws.read(...)``; it prints results with ``cli_common.say`` and reports failure by
raising ``CliError`` (or letting a ``ServiceError`` through). See ``cli_check.py``
for a complete example.

Start-up pays only for the command that runs. ``--help`` and ``--version`` read
``COMMANDS`` and import no command module; a command imports its own module(s),
and those import at their top only the standard library, other ``cli_*`` modules
and ``desktop.domain`` vocabularies: the services, the database and the renderers
a handler calls are imported inside it. ``tests/app/test_cli_lazy.py`` fails when
a heavy module leaks into the parser or a command loads what it does not run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection, Sequence
from types import ModuleType
from typing import NamedTuple

from db.errors import PracticeFileError
from desktop import __version__
from desktop.app.cli_common import (
    EXIT_FAILED,
    EXIT_USAGE,
    CliError,
    Handler,
    Parser,
    Subparsers,
    UsageError,
    add_db_option,
)
from desktop.services.errors import ServiceError

PROG = "quietledger"
DEBUG_ENV = "QUIETLEDGER_DEBUG"


class Command(NamedTuple):
    """A subcommand as ``quietledger --help`` lists it, and the modules that define it.

    The one-line help is written here as well as in the module, so listing the
    commands imports none of them; a test keeps the two the same. Each module is
    imported, and each that has ``register`` registers (``report`` gathers the
    reports declared in several).
    """

    help: str
    modules: tuple[str, ...]


def _command(help: str, *modules: str) -> Command:
    return Command(help, tuple(f"desktop.app.{name}" for name in modules))


# In the order --help lists them. A module that defines several commands registers them
# together, so they stand together here too, in its order: then the parser with every
# command (build_parser()) lists them in this order as well.
COMMANDS: dict[str, Command] = {
    "init": _command("create a new, empty practice file", "cli_init"),
    "check": _command("verify the practice file", "cli_check"),
    "unlock": _command(
        "open the practice file with its recovery key and set a new passphrase", "cli_unlock"
    ),
    "demo": _command("write a demo practice of made-up clients", "cli_demo"),
    "report": _command("export a report as CSV or XLSX", "cli_report", "cli_claims", "cli_gfe"),
    "gfe": _command("issue a Good Faith Estimate for a client", "cli_gfe"),
    "superbill": _command("issue a superbill for a client over a period", "cli_documents"),
    "superbills": _command("issue the month's superbills as one PDF", "cli_documents"),
    "statement": _command("issue a statement of account for a client", "cli_documents"),
    "receipt": _command("issue a receipt for a payment", "cli_documents"),
    "reprint": _command("save an issued document's PDF again, exactly as issued", "cli_documents"),
    "cms1500": _command("issue a CMS-1500 claim form for a client over a period", "cli_claim_form"),
    "month-end": _command(
        "write the month-end workbook (XLSX) and print the A/R tie-out", "cli_month_end"
    ),
    "close-month": _command(
        "check the month and close the books through its last day", "cli_month_end"
    ),
    "reopen": _command("reopen closed books back to a date, with a reason", "cli_month_end"),
    "backup": _command("write a verified, encrypted backup of the practice file", "cli_backup"),
    "restore": _command(
        "restore a backup into a new file, or over the practice file", "cli_backup"
    ),
    "import": _command("bring clients, sessions or payments in from CSV or XLSX", "cli_import"),
    "export": _command(
        "take everything out: CSV files, one XLSX and the issued PDFs", "cli_export"
    ),
}


def command_modules(names: Collection[str] | None = None) -> list[ModuleType]:
    """The modules that define the named commands (default: every command), imported."""
    chosen = COMMANDS if names is None else names
    paths = dict.fromkeys(path for name in chosen for path in COMMANDS[name].modules)
    return [importlib.import_module(path) for path in paths]


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


def build_parser(
    *, commands: Collection[str] | None = None, with_commands: bool = True
) -> argparse.ArgumentParser:
    """The parser, with the options of ``commands`` (default: of every command).

    Every other command is only listed, by name and help: enough for ``--help``,
    ``--version`` and to learn which command the arguments name, with no module
    imported for it.
    """
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
    subparsers: Subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands"
    )
    for module in command_modules(commands):
        if hasattr(module, "register"):
            module.register(subparsers)
    for name, command in COMMANDS.items():
        if name not in subparsers.choices:
            # Listed only: its own arguments are left for the second pass (parse_arguments).
            subparsers.add_parser(name, help=command.help, add_help=False)
    return parser


def parse_arguments(arguments: Sequence[str]) -> argparse.Namespace:
    """The command line read in two passes: which command, then with that command's options.

    The first pass lists the commands without loading any (``--help``, ``--version``
    and an unknown command end there); the second loads only the command named.
    """
    if opens_the_window(arguments):
        return build_parser(with_commands=False).parse_args(arguments)
    named = build_parser(commands=()).parse_known_args(arguments)[0].command
    return build_parser(commands=() if named is None else (named,)).parse_args(arguments)


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
    try:
        args = parse_arguments(arguments)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return dispatch(args)
    except CliError as exc:
        return fail(str(exc), exc.exit_code)
    except (ServiceError, PracticeFileError) as exc:
        return fail(str(exc), EXIT_FAILED)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return fail(f"Could not use{where}: {exc.strerror or exc}.", EXIT_FAILED)
    except KeyboardInterrupt:
        return fail("Interrupted.", 130)
    except Exception as exc:
        # Imported only now: a key problem can only come from a command that loaded it.
        from db.keys import KeyProblem

        if isinstance(exc, KeyProblem):
            return fail(str(exc), EXIT_FAILED)
        # Never a traceback for the user; QUIETLEDGER_DEBUG=1 shows it to a developer.
        if os.environ.get(DEBUG_ENV):
            import traceback

            traceback.print_exc()
        return fail(
            f"Something unexpected went wrong ({type(exc).__name__}: {exc}); "
            f"run again with {DEBUG_ENV}=1 for details to report.",
            EXIT_FAILED,
        )
