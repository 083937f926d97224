"""``quietledger init``: create a new, empty practice file (optionally from a profile TOML)."""

from __future__ import annotations

import argparse
import contextlib
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.app.cli_common import (
    EXIT_OK,
    CliError,
    Subparsers,
    add_command,
    ask_new_passphrase,
    db_path,
    expand_path,
    say,
)
from desktop.services.errors import ServiceError

if TYPE_CHECKING:
    from desktop.services.practice.settings import Profile

DEFAULT_PRACTICE_NAME = "My practice"


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "init",
        help="create a new, empty practice file",
        description=(
            "Create a new, empty, encrypted practice file with the default services and "
            "payment methods. The passphrase comes from QUIETLEDGER_PASSPHRASE or is asked "
            "for twice."
        ),
    )
    parser.add_argument(
        "--profile",
        type=expand_path,
        metavar="practice.toml",
        help="the practice profile: practice_name, provider_name, npi, ein, ... (see README)",
    )
    parser.set_defaults(handler=run)


def load_profile(path: Path) -> Profile:
    """The profile in a TOML file of flat ``key = "text"`` lines; unknown keys are refused."""
    from desktop.services.practice.settings import Profile

    profile_keys = tuple(f.name for f in fields(Profile))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CliError(f"{path.name} is not valid TOML: {exc}.") from None
    except UnicodeDecodeError:
        raise CliError(f"{path.name} is not a UTF-8 text file.") from None
    for key, value in data.items():
        if key not in profile_keys:
            raise CliError(
                f"{path.name} has an unknown key '{key}'; the keys are {', '.join(profile_keys)}."
            )
        if not isinstance(value, str):
            raise CliError(f'In {path.name}, {key} must be text in quotes, such as {key} = "...".')
    # A profile file must name the practice; profile_problems says so if it does not.
    return Profile(**{"practice_name": "", **data})


def check_profile(profile: Profile, source: str) -> None:
    from desktop.services.practice.settings import profile_problems

    problems = profile_problems(profile)
    if problems:
        details = " ".join(f"{field}: {message}" for field, message in problems.items())
        raise CliError(f"{source}: {details} Nothing was created.")


def run(args: argparse.Namespace) -> int:
    from db import keys
    from desktop.services.practice.passphrase import profile_words
    from desktop.services.practice.settings import Profile, create_practice
    from desktop.services.workspace import Workspace

    path = db_path(args)
    # Everything that can be wrong is checked before the first byte is written.
    profile = load_profile(args.profile) if args.profile else Profile(DEFAULT_PRACTICE_NAME)
    check_profile(profile, args.profile.name if args.profile else "The profile")
    if path.exists() or keys.key_file_for(path).exists():
        raise CliError(f"{path} already exists; choose another name with --db.")
    known = profile_words(profile)
    passphrase = ask_new_passphrase(path, known)

    workspace = Workspace.create(path, passphrase, known_words=known)
    try:
        workspace.run(create_practice, profile, user_name=profile.provider_name)
        recovery_key = workspace.recovery_key()
    except ServiceError:
        workspace.close()
        _remove_new_file(path)
        raise
    workspace.close()

    say(f"Created {path} for {profile.practice_name}.")
    say()
    say(f"Recovery key: {recovery_key}")
    say()
    say(
        "Print this recovery key and keep it somewhere safe, away from the computer: it opens "
        "the practice file if the passphrase is forgotten, and it is not shown again."
    )
    return EXIT_OK


def _remove_new_file(path: Path) -> None:
    """Undo a half-made practice file, so a failed init leaves nothing behind."""
    from db import keys
    from db.lock import lock_path_for

    side = [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]
    for candidate in (path, keys.key_file_for(path), lock_path_for(path), *side):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
