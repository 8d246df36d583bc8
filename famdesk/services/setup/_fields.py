"""Input checks shared by the set-up services: each failure names its field."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from babel.dates import get_day_names
from email_validator import EmailNotValidError, validate_email

from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import N_, _
from famdesk.models import Account, Activity, Child, Family, Structure, Wallet
from famdesk.services.formatting import LOCALE
from famdesk.services.uow import UnitOfWork

T = TypeVar("T")

_MISSING = {
    Structure: N_("This structure does not exist."),
    Wallet: N_("This wallet does not exist."),
    Activity: N_("This activity does not exist."),
    Account: N_("This account does not exist."),
    Family: N_("This family does not exist."),
    Child: N_("This child does not exist."),
}


def get_or_fail(uow: UnitOfWork, model: type[T], row_id: int) -> T:
    row = uow.session.get(model, row_id)
    if row is None:
        raise NotFoundError(_(_MISSING[model]))
    return row


def text(value: str | None, field: str, max_length: int) -> str:
    """A required one-line text, its spaces tidied."""
    cleaned = optional_text(value, field, max_length)
    if cleaned is None:
        raise ValidationError(_("This field is required."), field=field)
    return cleaned


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > max_length:
        raise ValidationError(
            _("This field holds at most {count} characters.").format(count=max_length), field=field
        )
    return cleaned or None


def period(start: date, end: date | None, field: str) -> None:
    if end is not None and end < start:
        raise ValidationError(_("The end date is before the start date."), field=field)


def checked_email(value: str | None, field: str = "email") -> str | None:
    """A syntactically valid address (nothing is sent to check it), or None when empty."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    try:
        return validate_email(cleaned, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(
            _("“{email}” is not a valid e-mail address.").format(email=cleaned), field=field
        ) from None


def weekday_name(weekday: int) -> str:
    """'lundi' for 0."""
    return str(get_day_names("wide", locale=LOCALE)[weekday])
