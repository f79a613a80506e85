"""Errors users can catch, one class per kind of problem.

Every message is written for the person who can fix it: it names the file, the row
(the source line number, 1-based, counting the header as line 1), the column and
what to do. Callers catch :class:`RotError` to handle anything raised on purpose by
rotlib; anything else is a bug.
"""

from __future__ import annotations


class RotError(Exception):
    """Base class for every error rotlib raises on purpose."""


class InputError(RotError):
    """An input file or table cannot be used as a whole (missing, empty, wrong shape)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        row: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = file
        self.column = column
        self.row = row
        self.fix = fix
        parts = []
        if file:
            parts.append(f"{file}")
        if row is not None:
            parts.append(f"line {row}")
        if column:
            parts.append(f"column '{column}'")
        where = ", ".join(parts)
        text = f"{where}: {message}" if where else message
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)


class StrictModeError(RotError):
    """Raised under ``--strict`` when any row was quarantined."""


class ConfigError(RotError):
    """A scorecard configuration file is invalid; the message names the key and the fix."""


class AnalysisError(RotError):
    """An analysis cannot produce an honest number from the data it was given."""


class ParameterError(RotError):
    """A notebook or run parameter is unknown, misspelled or of the wrong type."""


class RunFailedError(RotError):
    """A pipeline step failed (failing cell, dead kernel or timeout)."""
