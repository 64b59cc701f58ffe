"""Errors the user sees: each carries a short title and a message that says what to do.

Provider call errors have their own taxonomy in ``core.providers.errors``; these are the errors of
configuration, input and the local machine.
"""

from __future__ import annotations

from collections.abc import Sequence


class FiedlerError(Exception):
    """Base class of every error meant for the user, never shown with a traceback."""

    title = "Error"
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The error as printable lines, one per problem."""
        return [self.message]


class ConfigError(FiedlerError):
    """One or more problems in models.yaml or another configuration source."""

    title = "Configuration error"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)


class SettingsError(ConfigError):
    """A ``FIEDLER_*`` environment variable has a value that cannot be used."""

    title = "Environment setting error"


class KeyStoreError(FiedlerError):
    """A key could not be read, stored or deleted, or strict mode refused its source."""

    title = "Key store error"


class UsageError(FiedlerError):
    """The command line asks for something that does not exist or cannot be combined."""

    title = "Usage error"
