"""What every subcommand shares: its parser, the practice file's path, the passphrase.

Handlers raise ``CliError`` (or let a ``ServiceError`` through); ``cli.main``
turns either into one line on stderr and an exit code, so no handler prints
errors or calls ``sys.exit`` itself.

Like every ``cli_*`` module, this one imports only the standard library and light
modules at the top: building the parser (``--help``, ``--version``) must not load
the database layer. What a command runs is imported inside its handler.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.services.plain_books import PlainBooks
    from desktop.services.unlocking import Unlocked
    from desktop.services.workspace import Workspace

PASSPHRASE_ENV = "QUIETLEDGER_PASSPHRASE"
RECOVERY_ENV = "QUIETLEDGER_RECOVERY_KEY"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]
Subparsers = Any  # argparse's _SubParsersAction is private; this is what register() receives.


class CliError(Exception):
    """A failure to report on one line; ``exit_code`` is 1 unless it is a usage error."""

    exit_code = EXIT_FAILED


class UsageError(CliError):
    """The command was called wrongly (exit 2, like argparse's own errors)."""

    exit_code = EXIT_USAGE


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr rather than the whole usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see '{self.prog} --help').\n")


def expand_path(text: str) -> Path:
    from pathlib import Path  # not before a path is given: --version needs none

    return Path(text).expanduser()


def add_db_option(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "--db",
        type=expand_path,
        default=default,
        metavar="PATH",
        help="the practice file (default: practice.qlb in the data folder)",
    )


def add_command(
    subparsers: Subparsers, name: str, *, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    """A subcommand parser that accepts ``--db`` after its name as well as before it."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description or help, allow_abbrev=False
    )
    # SUPPRESS: when --db is not given here, the value given before the name survives.
    add_db_option(parser, default=argparse.SUPPRESS)
    return parser


def db_path(args: argparse.Namespace) -> Path:
    """The practice file the user means: ``--db``, or the default one in the data folder."""
    from desktop.app import paths

    return args.db if args.db is not None else paths.default_practice_path()


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _from_env() -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def _prompt(text: str) -> str:
    if not _stdin_is_tty():
        raise UsageError(
            f"A passphrase is needed and there is no terminal to ask for it; "
            f"set {PASSPHRASE_ENV} in the environment."
        )
    try:
        return getpass.getpass(text)
    except EOFError:
        raise UsageError("No passphrase was entered; nothing was done.") from None


def ask_passphrase(path: Path) -> str:
    """The passphrase of an existing file: from the environment, else asked for once."""
    return _from_env() or _prompt(f"Passphrase for {path.name}: ")


def ask_recovery_key() -> str:
    """The recovery key: from the environment, else asked for (never echoed)."""
    value = os.environ.get(RECOVERY_ENV, "").strip()
    if value:
        return value
    if not _stdin_is_tty():
        raise UsageError(f"A recovery key is needed; set {RECOVERY_ENV} in the environment.")
    try:
        return getpass.getpass("Recovery key: ")
    except EOFError:
        raise UsageError("No recovery key was entered; nothing was done.") from None


def ask_new_passphrase(path: Path, known_words: Iterable[str] = ()) -> str:
    """A new passphrase: from the environment, else asked for twice; weak ones are refused,
    and so are ones built from ``known_words`` (the practice's names and email)."""
    from desktop.services.workspace import Workspace

    passphrase = _from_env()
    if passphrase is None:
        passphrase = _prompt(f"New passphrase for {path.name}: ")
        if _prompt("Type it again: ") != passphrase:
            raise CliError("The two passphrases differ; nothing was created.")
    problem = Workspace.passphrase_problem(passphrase, known_words)
    if problem:
        raise CliError(problem)
    return passphrase


def unlock_file(args: argparse.Namespace) -> Unlocked:
    """The practice file named by ``args``, unlocked but its books not yet opened."""
    from desktop.services.unlocking import unlock

    path = db_path(args)
    if not path.exists():
        raise CliError(
            f"There is no practice file at {path}; create one with 'quietledger init' "
            "or name it with --db."
        )
    return unlock(path, passphrase=ask_passphrase(path))


@contextlib.contextmanager
def open_workspace(
    args: argparse.Namespace, unlocked: Unlocked | None = None
) -> Iterator[Workspace]:
    """The practice file named by ``args`` (or already ``unlocked``), open, and closed
    again afterwards."""
    from desktop.services.workspace import Workspace

    workspace = Workspace.open_unlocked(unlocked or unlock_file(args))
    try:
        yield workspace
    finally:
        workspace.close()


@contextlib.contextmanager
def open_plain_books(args: argparse.Namespace) -> Iterator[PlainBooks]:
    """The practice file named by ``args``, to be read with plain SQL and no ORM when it
    allows (see ``PlainBooks``), and closed again afterwards."""
    from desktop.services.plain_books import PlainBooks

    with PlainBooks(unlock_file(args)) as books:
        yield books


def say(line: str = "") -> None:
    """A line of normal output (stdout), so results can be piped."""
    print(line, flush=True)
