"""The import wizard's screen state, without Qt: what is coming in and from where, how the
file's columns match the layout, what the check found, and whether Import may go ahead.

The wizard's pages show this and hand it what the person chose; the checking and the
importing themselves are jobs (``desktop.services.transfer.importing.jobs``) that take
``ImportPlan.source()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.money import format_money
from desktop.services.transfer.importing import (
    LAYOUTS,
    HeaderCheck,
    ImportKind,
    ImportResult,
    Layout,
    Problem,
    default_matches,
)
from desktop.services.transfer.importing.everything import summary_line
from desktop.services.transfer.importing.jobs import Checked, Imported, ImportSource

FOLDER = "folder"  # a whole export folder: not a layout, so not an ImportKind


@dataclass(frozen=True)
class KindChoice:
    """One thing the wizard can bring in, as its first page offers it."""

    kind: str  # an ImportKind, or FOLDER
    text: str
    hint: str


KINDS: tuple[KindChoice, ...] = (
    KindChoice(ImportKind.CLIENTS, "Clients", "one row per client; couples share a unit_ref"),
    KindChoice(ImportKind.SESSIONS, "Sessions", "of clients already in the books"),
    KindChoice(ImportKind.PAYMENTS, "Payments", "applied to each client's oldest charges first"),
    KindChoice(ImportKind.SIMPLEPRACTICE, "SimplePractice report", "the appointment status report"),
    KindChoice(
        FOLDER, "Everything from an export folder", "settings, clients, sessions and payments"
    ),
)


@dataclass(frozen=True)
class Status:
    """A sentence under the column matching, and whether it names a problem to fix."""

    text: str
    problem: bool = False


class ImportPlan:
    """Everything the wizard has settled so far, for the pages after the one that settled it."""

    def __init__(self) -> None:
        self.kind: str = ImportKind.CLIENTS
        self.path_text = ""
        # The file's columns, once read off the UI thread (``reading_header``/``header_read``).
        self.header: tuple[str, ...] = ()
        self.header_known = False
        self.reading = False
        self.read_problems: tuple[Problem, ...] = ()
        self.read_failure = ""
        self._reads = 0
        self.chosen: dict[str, str] = {}  # layout column -> the file's column chosen for it
        # A SimplePractice report without its Status column: every appointment attended.
        self.assume_attended = False
        # The check (a dry run) and the import.
        self.checked: Checked | None = None
        self.check_failure = ""
        self.imported: Imported | None = None
        self.import_failure = ""
        self.import_problems: tuple[Problem, ...] = ()
        self.import_finished = False

    # --- 1. what and where ----------------------------------------------------------------

    def choose_kind(self, kind: str) -> None:
        self.kind = kind

    def choose_path(self, text: str) -> None:
        self.path_text = text

    def choose_assume_attended(self, attended: bool) -> None:
        self.assume_attended = attended

    @property
    def asks_attended(self) -> bool:
        """Whether the first step offers "every appointment was attended"."""
        return self.kind == ImportKind.SIMPLEPRACTICE

    @property
    def is_folder(self) -> bool:
        return self.kind == FOLDER

    @property
    def maps_columns(self) -> bool:
        """Whether the columns step applies: the SimplePractice report has a fixed layout,
        and an export folder names its own files."""
        return self.kind not in (FOLDER, ImportKind.SIMPLEPRACTICE)

    @property
    def path(self) -> Path | None:
        text = self.path_text.strip()
        return Path(text).expanduser() if text else None

    @property
    def source_complete(self) -> bool:
        path = self.path
        if path is None:
            return False
        return path.is_dir() if self.is_folder else path.is_file()

    @property
    def path_label(self) -> str:
        return "Folder:" if self.is_folder else "File:"

    @property
    def path_hint(self) -> str:
        return "the folder Export everything wrote" if self.is_folder else "a .csv or .xlsx file"

    @property
    def note(self) -> str:
        if self.is_folder:
            return (
                "The folder's settings, services, payment methods and insurers replace this "
                "practice's; its clients, sessions and payments are added."
            )
        return (
            "Column names are matched ignoring case, spaces and underscores; the next "
            "step lets you match the ones that differ."
        )

    # --- 2. columns -----------------------------------------------------------------------

    @property
    def layout(self) -> Layout:
        return LAYOUTS[ImportKind(self.kind)]

    def reading_header(self) -> int:
        """The file's header is being read afresh; the number names this read."""
        self._reads += 1
        self.reading = True
        self.header = ()
        self.header_known = False
        self.read_problems = ()
        self.read_failure = ""
        self.chosen = {}
        return self._reads

    def header_read(self, read: int, check: HeaderCheck) -> bool:
        """Take the header read as ``read``; False if a newer read is on its way (the person
        went back and chose again), and then nothing changes."""
        if read != self._reads:
            return False
        self.reading = False
        self.header = check.file_columns
        self.header_known = True
        self.chosen = default_matches(self.layout, self.header)
        self.read_problems = check.problems if not self.header else ()
        return True

    def header_unreadable(self, read: int, message: str) -> bool:
        """The read ``read`` failed with ``message``; False if a newer read is on its way."""
        if read != self._reads:
            return False
        self.reading = False
        self.read_failure = message or "The file could not be read; try again."
        return True

    @property
    def file_columns(self) -> tuple[str, ...]:
        """The file's columns that can be chosen (a column without a name cannot)."""
        return tuple(name for name in self.header if name)

    def choose(self, column: str, file_column: str) -> None:
        """Take ``file_column`` for the layout's ``column`` ("" for none)."""
        if file_column:
            self.chosen[column] = file_column
        else:
            self.chosen.pop(column, None)

    def mapping(self) -> dict[str, str]:
        """The file's column -> layout column; a column chosen for nothing is sent nowhere,
        so a file column that happens to share a name cannot be taken twice."""
        taken = {source: column for column, source in self.chosen.items()}
        return {name: taken.get(name, "") for name in self.header if name}

    def column_problem(self) -> str:
        """What stops the matching going on, in a sentence; "" when nothing does."""
        if self.read_problems:
            return self.read_problems[0].message
        missing = [c for c in self.layout.required if c not in self.chosen]
        if missing:
            return f"Choose the file's column for {', '.join(missing)}."
        sources = list(self.chosen.values())
        twice = sorted({s for s in sources if sources.count(s) > 1})
        if twice:
            return f"{twice[0]} is chosen for two columns; choose it once."
        return ""

    def columns_status(self) -> Status:
        if self.reading:
            return Status("Reading the file's columns…")
        if self.read_failure:
            return Status(self.read_failure)
        problem = self.column_problem()
        if problem:
            return Status(problem, problem=True)
        used = set(self.chosen.values())
        unused = [h for h in self.header if h and h not in used]
        return Status(f"Not imported: {', '.join(unused)}." if unused else "Every column is used.")

    @property
    def columns_complete(self) -> bool:
        return not self.reading and self.header_known and not self.column_problem()

    def source(self) -> ImportSource:
        """What the check and the import work on: a copy, so later choices cannot reach it."""
        assert self.path is not None
        if self.is_folder:
            return ImportSource(None, self.path)
        mapping = self.mapping() if self.maps_columns else {}
        attended = self.assume_attended and self.asks_attended
        return ImportSource(ImportKind(self.kind), self.path, mapping, attended)

    # --- 3. the check ---------------------------------------------------------------------

    def checking(self) -> None:
        self.checked = None
        self.check_failure = ""

    def check_done(self, checked: Checked) -> None:
        self.checked = checked
        self.check_failure = ""

    def check_failed(self, message: str) -> None:
        self.checked = None
        self.check_failure = message

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.checked.problems if self.checked is not None else ()

    @property
    def can_import(self) -> bool:
        """Import is allowed only after a check that found no problem at all."""
        return self.checked is not None and not self.checked.problems

    @property
    def may_check_again(self) -> bool:
        """After fixing the file: the check failed, or found problems."""
        return bool(self.check_failure) or bool(self.problems)

    def check_summary(self) -> str:
        if self.check_failure:
            return self.check_failure
        if self.checked is None:
            return "Checking every row…"
        if self.checked.problems:
            count = len(self.checked.problems)
            return (
                f"{count} problem{'s' if count != 1 else ''} to fix first; nothing will be "
                "imported until there are none."
            )
        return "\n".join(_lines(self.checked.results, dry_run=True))

    def check_advice(self) -> str | None:
        """The check page's subtitle once the check is done (None: leave it as it is)."""
        if self.checked is None:
            return None
        if self.checked.problems:
            return "Fix these in the file, save it, then check again."
        return "No problems. Press Import to bring it in, all in one go."

    # --- 4. the import --------------------------------------------------------------------

    def importing(self) -> None:
        self.imported = None
        self.import_failure = ""
        self.import_problems = ()
        self.import_finished = False

    def import_done(self, imported: Imported) -> None:
        self.imported = imported
        self.import_finished = True

    def import_failed(self, message: str, problems: Sequence[Problem] = ()) -> None:
        """Nothing was imported: ``message`` says why, ``problems`` are those the books found
        since the check (they changed in between)."""
        self.import_failure = message
        self.import_problems = tuple(problems)
        self.import_finished = True

    def import_title(self) -> str:
        if self.import_failure:
            return "Not imported"
        return "Imported" if self.imported is not None else "Importing"

    def import_summary(self) -> str:
        if self.import_failure:
            return self.import_failure
        if self.imported is None:
            return "Importing…"
        lines = _lines(self.imported.results, dry_run=False)
        lines.append(
            f"Clients now owe {format_money(self.imported.owed)} in all; "
            f"{format_money(self.imported.credit)} is credit waiting to be used."
        )
        return "\n".join(lines)


def _lines(results: Sequence[ImportResult], *, dry_run: bool) -> list[str]:
    """Each file's outcome, followed by what its import assumed."""
    lines: list[str] = []
    for result in results:
        lines.append(summary_line(result, dry_run=dry_run))
        lines.extend(result.notes)
    return lines
