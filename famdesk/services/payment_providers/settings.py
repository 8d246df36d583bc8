"""A structure's online payment settings — which provider; PayFiP's client number (numcli),
mode (T test, X activation, W production) and URLs — and the provider they make.

Managers change them (audited); the staff may read them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.models.online import OnlinePaymentSettings, OnlineProviderKind, PayfipMode
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.payment_providers import PaymentProvider
from famdesk.services.payment_providers.localtest import LocalTestProvider
from famdesk.services.payment_providers.payfip import ENDPOINT, PAGE_URL, PayfipProvider
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

_NUMCLI = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class OnlineSettings:
    provider: OnlineProviderKind
    payfip_numcli: str | None = None
    payfip_mode: PayfipMode = PayfipMode.TEST
    notify_url: str | None = None
    """PayFiP's urlnotif (its domain declared to the DGFiP)."""
    return_url: str | None = None
    """PayFiP's urlredirect (its domain declared to the DGFiP)."""


def online_settings(uow: UnitOfWork, session: SessionInfo, structure_id: int
                    ) -> OnlineSettings | None:
    """The structure's settings (None: no online payment)."""
    session.require_staff()
    session.require_structure(structure_id)
    row = uow.session.get(OnlinePaymentSettings, structure_id)
    if row is None:
        return None
    return OnlineSettings(row.provider, row.payfip_numcli, row.payfip_mode, row.notify_url,
                          row.return_url)


def save_online_settings(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    settings: OnlineSettings,
    *,
    terminal: str = "",
) -> None:
    """Set the structure's online payments (managers only); audited; commits."""
    session.require_admin()
    session.require_structure(structure_id)
    checked = _checked(settings)
    row = uow.session.get(OnlinePaymentSettings, structure_id)
    if row is None:
        row = OnlinePaymentSettings(structure_id=structure_id)
        uow.session.add(row)
    row.provider = checked.provider
    row.payfip_numcli = checked.payfip_numcli
    row.payfip_mode = checked.payfip_mode
    row.notify_url = checked.notify_url
    row.return_url = checked.return_url
    audit(uow, clock.now(), "online_settings_changed", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure_id, provider=checked.provider.value,
          numcli=checked.payfip_numcli, mode=checked.payfip_mode.value)
    uow.commit()
    log.info("structure %s: online payments through %s", structure_id, checked.provider.value)


def make_provider(
    settings: OnlineSettings,
    clock: Clock,
    *,
    localtest: LocalTestProvider | None = None,
    endpoint: str = ENDPOINT,
    page_url: str = PAGE_URL,
) -> PaymentProvider:
    """The provider `settings` describe (the local test one is started by the caller)."""
    if settings.provider is OnlineProviderKind.LOCALTEST:
        if localtest is None:
            raise ValueError("the local test provider is not running")
        return localtest
    assert settings.payfip_numcli and settings.notify_url and settings.return_url
    return PayfipProvider(settings.payfip_numcli, mode=settings.payfip_mode,
                          notify_url=settings.notify_url, return_url=settings.return_url,
                          endpoint=endpoint, page_url=page_url, clock=clock)


def _checked(settings: OnlineSettings) -> OnlineSettings:
    if settings.provider is not OnlineProviderKind.PAYFIP:
        return OnlineSettings(settings.provider)
    numcli = (settings.payfip_numcli or "").strip()
    if not _NUMCLI.fullmatch(numcli):
        raise ValidationError(_("PayFiP's client number is 6 digits."), field="payfip_numcli")
    urls = {}
    for name in ("notify_url", "return_url"):
        url = (getattr(settings, name) or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 255:
            raise ValidationError(
                _("Enter a full address, starting with https://"), field=name)
        urls[name] = url
    return OnlineSettings(OnlineProviderKind.PAYFIP, numcli, PayfipMode(settings.payfip_mode),
                          **urls)
