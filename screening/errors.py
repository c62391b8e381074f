"""Errors a user can act on. Each names where the problem is (file, field path, value).

The CLI prints ``str(error)`` on one line and exits 2; no traceback reaches a user.
"""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class: a problem with the user's input, not a bug in the engine."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keep the error picklable (batch screening uses worker processes).
        return (_rebuild, (type(self), self.message, self.location))


def _rebuild(cls: type[ScreeningError], message: str, location: str | None) -> ScreeningError:
    err = cls.__new__(cls)
    ScreeningError.__init__(err, message, location=location)
    return err


class InputError(ScreeningError, ValueError):
    """Malformed patient, trial or cohort input (bad JSON, unknown field, impossible date)."""


class UnitError(ScreeningError, ValueError):
    """A unit that is unknown, or whose dimension does not fit the concept it measures."""


class TrialFileError(ScreeningError, ValueError):
    """A trial rules file that cannot be read or does not follow the documented format."""
