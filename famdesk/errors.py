"""Every error the user may see derives from FamdeskError; its message is a French sentence."""

from __future__ import annotations


class FamdeskError(Exception):
    """An error whose message can be shown as it is to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(FamdeskError):
    """Bad input: shown next to its field when `field` is set."""


class NotFoundError(FamdeskError):
    pass


class NotAuthorizedError(FamdeskError):
    pass


class AuthenticationError(FamdeskError):
    """Wrong login or password: never says which."""


class AccountLockedError(AuthenticationError):
    pass


class InfrastructureError(FamdeskError):
    """The database or the mail server cannot be reached, is locked or is gone: retry later."""


class DatabaseUnavailableError(InfrastructureError):
    pass


class SchemaMismatchError(InfrastructureError):
    """The database was made by a newer famdesk, or is not a famdesk database."""


class TooManyAttemptsError(FamdeskError):
    """This terminal tried to recover passwords too often: it waits a while."""
