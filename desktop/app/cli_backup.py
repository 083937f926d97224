"""``quietledger backup`` and ``quietledger restore``: verified backups from the command line."""

from __future__ import annotations

import argparse

from desktop.app import paths
from desktop.app.cli_common import (
    EXIT_OK,
    RECOVERY_ENV,
    Subparsers,
    UsageError,
    add_command,
    ask_passphrase,
    ask_recovery_key,
    expand_path,
    open_workspace,
    say,
)


def register(subparsers: Subparsers) -> None:
    backup = add_command(
        subparsers,
        "backup",
        help="write a verified, encrypted backup of the practice file",
        description=(
            "Write one encrypted backup file (.qlbak) of the practice file into a folder, "
            "check that it opens and holds the same books, and print its path. Older "
            "backups are thinned out to 7 daily, 4 weekly and 12 monthly ones unless "
            "--keep-all is given. Exit status 1 if no good backup was made."
        ),
    )
    backup.add_argument(
        "--to",
        type=expand_path,
        default=None,
        metavar="DIR",
        help="the folder for backups (default: the backups folder in the data folder)",
    )
    backup.add_argument(
        "--keep-all", action="store_true", help="delete no older backups from the folder"
    )
    backup.set_defaults(handler=run_backup)

    restore = add_command(
        subparsers,
        "restore",
        help="restore a backup into a new file, or over the practice file",
        description=(
            "Restore a backup file. With --to PATH it becomes a new practice file (an "
            "existing file is never replaced). With --over PATH --yes it replaces that "
            "practice file, after keeping a safety copy of it beside it. The backup is "
            "opened with the passphrase it was made with."
        ),
    )
    restore.add_argument("backup", type=expand_path, metavar="BACKUP", help="the .qlbak file")
    where = restore.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=expand_path, metavar="PATH", help="a new practice file")
    where.add_argument(
        "--over", type=expand_path, metavar="PATH", help="the practice file to replace"
    )
    restore.add_argument(
        "--yes", action="store_true", help="confirm replacing the file named by --over"
    )
    restore.add_argument(
        "--recovery-key",
        action="store_true",
        help=f"open the backup with the recovery key (from {RECOVERY_ENV}, else asked for) "
        "instead of the passphrase",
    )
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from desktop.services.backups.backup import make_backup, rotate_backups

    folder = args.to if args.to is not None else paths.backups_dir()
    with open_workspace(args) as workspace:
        result = make_backup(workspace, folder)
        if not args.keep_all:
            rotate_backups(folder, workspace.path.name)
    say(str(result.info.path))
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from desktop.services.backups.restore import restore_backup, restore_over

    if args.recovery_key:
        passphrase, recovery_key = None, ask_recovery_key()
    else:
        passphrase, recovery_key = ask_passphrase(args.backup), None
    if args.to is not None:
        if args.yes:
            raise UsageError("--yes is only for --over; --to never replaces a file.")
        result = restore_backup(
            args.backup, args.to, passphrase=passphrase, recovery_key=recovery_key
        )
        say(f"Restored {args.backup.name} into {result.path}.")
        return EXIT_OK
    if not args.yes:
        raise UsageError(
            f"Restoring over {args.over} replaces its books; add --yes to confirm "
            "(a safety copy of it is kept)."
        )
    result = restore_over(
        args.backup, args.over, confirmed=True, passphrase=passphrase, recovery_key=recovery_key
    )
    say(
        f"Restored {args.backup.name} over {result.path}; "
        f"the replaced file is kept as {result.safety_copy}."
    )
    return EXIT_OK
