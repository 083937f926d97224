"""What an import found wrong, row by row, and the error that carries it."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.errors import ServiceError

FILE_ROW = 0  # a problem with the file as a whole (it cannot be read at all)
HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header is row 1


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a file is refused: where, and in plain words what to change."""

    file: str
    row: int
    column: str
    message: str

    def line(self) -> str:
        """``FILE:ROW: column: message``, the form the command line prints."""
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


class ImportRejected(ServiceError):
    """The file has problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        count = len(problems)
        first = f" The first: {self.problems[0].line()}" if problems else ""
        super().__init__(
            f"The file was not imported: {count} problem{'s' if count != 1 else ''} "
            f"to fix first. Nothing was changed.{first}"
        )


class ImportCancelled(ServiceError):
    """Cancel was pressed while importing; the transaction is rolled back, nothing changes."""

    def __init__(self) -> None:
        super().__init__("The import was canceled; nothing was changed.")
