"""Every failure answers JSON {"code", "message", "field"} with a French message and a 4xx:
the services' `FamdeskError`s, malformed requests, unknown addresses. Only a bug is a 500
(logged with its traceback, shown as "Une erreur inattendue est survenue").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from famdesk.errors import FamdeskError, InfrastructureError
from famdesk.i18n import N_, _
from famdesk.wire import errors as wire

log = logging.getLogger(__name__)

# what pydantic found wrong -> the French words for it (msgids in English)
PROBLEMS = {
    "missing": N_("this field is missing"),
    "extra_forbidden": N_("this field is not expected"),
    "json_invalid": N_("the body is not valid JSON"),
    "model_attributes_type": N_("an object is expected"),
    "dict_type": N_("an object is expected"),
    "list_type": N_("a list is expected"),
    "tuple_type": N_("a list is expected"),
    "int_type": N_("a whole number is expected"),
    "int_parsing": N_("a whole number is expected"),
    "int_from_float": N_("a whole number is expected"),
    "bool_type": N_("true or false is expected"),
    "bool_parsing": N_("true or false is expected"),
    "string_type": N_("a text is expected"),
    "string_too_long": N_("this text is too long"),
    "string_too_short": N_("this text is empty"),
    "too_long": N_("this list is too long"),
    "too_short": N_("this list is too short"),
    "greater_than_equal": N_("this number is too small"),
    "less_than_equal": N_("this number is too large"),
    "date_type": N_("a date is expected (YYYY-MM-DD)"),
    "date_parsing": N_("a date is expected (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("a date is expected (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("a date is expected (YYYY-MM-DD)"),
    "time_type": N_("a time is expected (HH:MM)"),
    "time_parsing": N_("a time is expected (HH:MM)"),
    "enum": N_("this value is not one of those allowed"),
    "literal_error": N_("this value is not one of those allowed"),
    "decimal_type": N_("an amount is expected (e.g. 12.50)"),
    "decimal_parsing": N_("an amount is expected (e.g. 12.50)"),
    "decimal_max_digits": N_("this amount is too large"),
    "decimal_max_places": N_("an amount has at most two decimals"),
    "decimal_whole_digits": N_("this amount is too large"),
    "finite_number": N_("an amount is expected (e.g. 12.50)"),
}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = wire.ErrorBody(code=code, message=message, field=field)
    return JSONResponse(body.model_dump(), status_code=status,
                        headers=dict(headers) if headers else None)


def famdesk_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FamdeskError)
    if isinstance(exc, InfrastructureError) and isinstance(exc.__cause__, DataError):
        # a value the database cannot hold (a number too large...): the request's fault
        return invalid_value()
    status = wire.status_of(exc)
    body = wire.body_of(exc)
    if status >= 500:
        log.warning("%s: %s", body.code, exc.message)
    return error_response(status, body.code, body.message, body.field)


def invalid_value() -> JSONResponse:
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, wire.INVALID_REQUEST,
                          _("A value of the request is outside what famdesk accepts."))


def request_invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[Any] = list(exc.errors())
    first = problems[0] if problems else {}
    kind = str(first.get("type", ""))
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    what = _(PROBLEMS.get(kind, N_("this value is not valid")))
    if kind == "json_invalid":
        message = _("The request is not valid: {problem}.").format(problem=what)
        where = ""
    elif where:
        message = _("The request is not valid: “{field}”: {problem}.").format(
            field=where, problem=what)
    else:
        message = _("The request is not valid: {problem}.").format(problem=what)
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, wire.INVALID_REQUEST, message,
                          where or None)


def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == HTTPStatus.NOT_FOUND:
        return error_response(exc.status_code, wire.UNKNOWN_ADDRESS,
                              _("This address is not part of the famdesk API."))
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        return error_response(exc.status_code, wire.METHOD_NOT_ALLOWED,
                              _("This address does not take this kind of request."),
                              headers=exc.headers)
    # a body that cannot even be read (not UTF-8...): malformed like bad JSON
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, wire.INVALID_REQUEST,
                          _("The request is not valid: {problem}.").format(
                              problem=_(PROBLEMS["json_invalid"])))


def value_error(_request: Request, exc: Exception) -> JSONResponse:
    """A value the services cannot work with (a date past year 9999, unencodable text)."""
    log.info("request refused: %s", type(exc).__name__)
    return invalid_value()


def unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, wire.UNEXPECTED,
                          _("An unexpected error occurred."))


def install(app: FastAPI) -> None:
    app.add_exception_handler(FamdeskError, famdesk_error)
    app.add_exception_handler(RequestValidationError, request_invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(OverflowError, value_error)
    app.add_exception_handler(UnicodeError, value_error)
    app.add_exception_handler(Exception, unexpected)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": wire.ErrorBody, "description": text}
    for status, text in (
        (401, "no valid session (or wrong credentials)"),
        (403, "not allowed for this session"),
        (404, "unknown id"),
        (409, "refused by a rule"),
        (413, "body too large"),
        (422, "malformed request or invalid value"),
        (429, "too many attempts"),
        (503, "database or mail server unavailable"),
    )
}
"""Documented on every route: the answers a client must expect besides its success."""
