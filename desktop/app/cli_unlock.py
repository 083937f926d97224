"""``quietledger unlock --recovery-key``: open a file without its key file, set a new passphrase.

For a key file that is lost or damaged, or a passphrase forgotten: the recovery
key opens the file on its own, and the new passphrase is written into a new key
file beside it (atomically, as a passphrase change always is).
"""

from __future__ import annotations

import argparse

from desktop.app.cli_common import (
    EXIT_OK,
    PASSPHRASE_ENV,
    RECOVERY_ENV,
    CliError,
    Subparsers,
    UsageError,
    add_command,
    ask_new_passphrase,
    ask_recovery_key,
    db_path,
    say,
)


def register(subparsers: Subparsers) -> None:
    parser = add_command(
        subparsers,
        "unlock",
        help="open the practice file with its recovery key and set a new passphrase",
        description=(
            "Open the practice file with its recovery key (when its key file is lost or "
            "damaged, or the passphrase is forgotten) and set a new passphrase, which writes "
            f"a new key file beside it. The recovery key comes from {RECOVERY_ENV} or is "
            f"asked for; the new passphrase from {PASSPHRASE_ENV} or is asked for twice."
        ),
    )
    parser.add_argument(
        "--recovery-key",
        action="store_true",
        help="open with the recovery key (the only way this command opens a file)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from db import keys
    from desktop.services.practice.passphrase import practice_words
    from desktop.services.workspace import Workspace

    if not args.recovery_key:
        raise UsageError(
            "unlock opens a file with its recovery key; add --recovery-key "
            "(to open with the passphrase, just run the command you need)."
        )
    path = db_path(args)
    if not path.exists():
        raise CliError(f"There is no practice file at {path}; name it with --db.")
    recovery_key = ask_recovery_key()
    with Workspace.open(path, recovery_key=recovery_key) as workspace:
        known = workspace.read(practice_words)
        workspace.change_passphrase(ask_new_passphrase(path, known), known)
    say(
        f"Opened {path.name} with the recovery key and wrote a new key file, "
        f"{keys.key_file_for(path).name}: the file opens with the new passphrase from now on."
    )
    return EXIT_OK
