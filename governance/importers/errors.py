"""Errors found while reading an official file, collected so that the secretariat sees them all
(up to a limit) in one go, each naming its line and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Beyond this many errors the file is obviously not the expected one: stop reading it.
MAX_ERRORS = 20


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]} : {self.message}" if prefix else self.message


class ImportRejected(Exception):
    """The file cannot be imported: nothing was written. ``message`` is for the secretariat."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False):
        self.errors = list(errors)
        self.truncated = truncated
        self.summary = None  # set by the service: an ImportSummary with ``rejected`` filled in
        super().__init__(self.message)

    @classmethod
    def single(cls, message: str, *, line: int | None = None, column: str | None = None):
        return cls([RowError(line, column, message)])

    @property
    def message(self) -> str:
        if len(self.errors) == 1 and not self.truncated:
            return f"Fichier rejeté. {self.errors[0]}"
        head = f"Fichier rejeté : {len(self.errors)} erreurs"
        if self.truncated:
            head += f" (lecture arrêtée après {MAX_ERRORS} erreurs)"
        return head + "\n" + "\n".join(f"- {error}" for error in self.errors)


class ErrorCollector:
    """Accumulates row errors; raises as soon as the limit is reached."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.bad_lines: set[int] = set()

    def add(self, line: int | None, column: str | None, message: str) -> None:
        self.errors.append(RowError(line, column, message))
        if line is not None:
            self.bad_lines.add(line)
        if len(self.errors) >= MAX_ERRORS:
            raise ImportRejected(self.errors, truncated=True)

    def check(self, line: int, column: str, parser: Callable[[str], T], raw: str) -> T | None:
        """``parser(raw)``, or None once the error is recorded (compare ``len(errors)`` before
        and after a row to know whether it was valid: some parsers return None for empty)."""
        try:
            return parser(raw)
        except ValueError as exc:
            self.add(line, column, f"{exc}.")
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRejected(self.errors)

    def __len__(self) -> int:
        return len(self.errors)
