"""The narrow exceptions of innovtrack; the CLI turns each into an exit code in one place."""

from __future__ import annotations

from dataclasses import dataclass


class InnovtrackError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = 1


class LedgerError(InnovtrackError):
    """The ledger cannot be opened or is from a newer release."""


class OutputError(InnovtrackError):
    """An output file that cannot be written (missing directory, full disk, no permission)."""


class UsageError(InnovtrackError):
    """Arguments that do not make sense together."""

    exit_code = 2


class NotFound(InnovtrackError):
    """A project, entry or target that the ledger does not hold."""


class Rejected(InnovtrackError):
    """Input refused as a whole; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem], summary: str | None = None):
        self.problems = problems
        super().__init__(summary or f"{len(problems)} problem(s); nothing was written")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, with where it is: FILE:ROW: column: message."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
