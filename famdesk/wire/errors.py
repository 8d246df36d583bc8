"""A refused call on the wire: `FamdeskError` -> HTTP status and {"code", "message", "field"},
and back into the same exception class on the client.

The code is the exception's class name in snake case without "Error" (`NotAuthorizedError`
-> "not_authorized"); the message is its French sentence. The status comes from the class's
family: a client that does not know a code still gets the right kind of error.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from pydantic import BaseModel, Field

from famdesk.errors import (
    AccountLockedError,
    AuthenticationError,
    FamdeskError,
    InfrastructureError,
    NotAuthorizedError,
    NotFoundError,
    TooManyAttemptsError,
    ValidationError,
)

INVALID_REQUEST = "invalid_request"
"""The request itself is malformed (JSON, types, missing fields): a 422."""
BODY_TOO_LARGE = "body_too_large"
UNKNOWN_ADDRESS = "unknown_address"
METHOD_NOT_ALLOWED = "method_not_allowed"
UNEXPECTED = "unexpected"

STATUSES: tuple[tuple[type[FamdeskError], HTTPStatus], ...] = (
    # the most specific first
    (AccountLockedError, HTTPStatus.TOO_MANY_REQUESTS),
    (TooManyAttemptsError, HTTPStatus.TOO_MANY_REQUESTS),
    (AuthenticationError, HTTPStatus.UNAUTHORIZED),
    (NotAuthorizedError, HTTPStatus.FORBIDDEN),
    (NotFoundError, HTTPStatus.NOT_FOUND),
    (ValidationError, HTTPStatus.UNPROCESSABLE_ENTITY),
    (InfrastructureError, HTTPStatus.SERVICE_UNAVAILABLE),
    (FamdeskError, HTTPStatus.CONFLICT),
)
"""A refusal that is none of the others (a rule of the workflow) is a 409 Conflict."""

BY_STATUS: dict[int, type[FamdeskError]] = {
    HTTPStatus.TOO_MANY_REQUESTS: TooManyAttemptsError,
    HTTPStatus.UNAUTHORIZED: AuthenticationError,
    HTTPStatus.FORBIDDEN: NotAuthorizedError,
    HTTPStatus.NOT_FOUND: NotFoundError,
    HTTPStatus.UNPROCESSABLE_ENTITY: ValidationError,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ValidationError,
    HTTPStatus.SERVICE_UNAVAILABLE: InfrastructureError,
}


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer of the API."""

    code: str = Field(description="what went wrong, for programs (e.g. not_authorized)")
    message: str = Field(description="what went wrong, in French, to show as it is")
    field: str | None = Field(default=None, description="the request's field at fault, if any")


def error_code(kind: type[FamdeskError]) -> str:
    if kind is FamdeskError:
        return "refused"
    name = kind.__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def status_of(exc: FamdeskError) -> HTTPStatus:
    for kind, status in STATUSES:
        if isinstance(exc, kind):
            return status
    return HTTPStatus.CONFLICT


def body_of(exc: FamdeskError) -> ErrorBody:
    return ErrorBody(code=error_code(type(exc)), message=exc.message, field=exc.field)


def _known_errors() -> dict[str, type[FamdeskError]]:
    found: dict[str, type[FamdeskError]] = {}
    pending: list[type[FamdeskError]] = [FamdeskError]
    while pending:
        kind = pending.pop()
        found.setdefault(error_code(kind), kind)
        pending.extend(kind.__subclasses__())
    return found


def error_from(status: int, body: ErrorBody) -> FamdeskError:
    """The exception a client raises for an answer of status `status` with `body`: the
    class of that code if this process knows it, else the class the status stands for."""
    kind = _known_errors().get(body.code) or BY_STATUS.get(status, FamdeskError)
    try:
        return kind(body.message, field=body.field)
    except TypeError:  # a subclass with a constructor of its own
        return BY_STATUS.get(status, FamdeskError)(body.message, field=body.field)
