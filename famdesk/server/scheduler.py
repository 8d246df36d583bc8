"""`famdesk serve --transmit-at 02:00`: the nightly transmission, run by the server itself.

One thread in the `famdesk serve` process (not in its workers) sleeps until the next
HH:MM in the town's time zone, runs the transmission of every structure under the
transmission lock, and sleeps again. A run that finds another one going (cron's `famdesk
transmit`, a desk's button) is left to it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from famdesk.bootstrap import AppContext
from famdesk.clock import PARIS
from famdesk.errors import FamdeskError
from famdesk.services.auth import SYSTEM
from famdesk.services.outbox import MailerFactory, smtp_mailers
from famdesk.services.transmission import TransmitSummary
from famdesk.services.transmission_lock import TransmissionRunningError, transmit_as

log = logging.getLogger(__name__)


def next_run(now: datetime, at: time, zone: ZoneInfo = PARIS) -> datetime:
    """The first `at` (local time in `zone`) strictly after `now`."""
    local = now.astimezone(zone)
    day = local.date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > local:
            return candidate
        day += timedelta(days=1)


class NightlyScheduler:
    def __init__(self, ctx: AppContext, at: time, *, zone: ZoneInfo = PARIS,
                 mailers: MailerFactory | None = None) -> None:
        self.ctx = ctx
        self.at = at
        self.zone = zone
        self.mailers = mailers or smtp_mailers(ctx.secrets)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="famdesk-nightly", daemon=True)

    def start(self) -> NightlyScheduler:
        log.info("nightly transmission every day at %s", self.at.strftime("%H:%M"))
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_once(self) -> TransmitSummary | None:
        """One transmission now; None when another one was running or it failed (logged)."""
        try:
            summary = transmit_as(self.ctx.db, self.ctx.clock, self.mailers, SYSTEM)
        except TransmissionRunningError:
            log.info("nightly transmission skipped: another one is running")
            return None
        except FamdeskError as exc:
            log.warning("nightly transmission failed: %s", exc.message)
            return None
        except Exception:
            log.exception("nightly transmission failed")
            return None
        log.info("nightly transmission done: %d movement(s), %d e-mail(s) sent",
                 summary.movements, summary.sending.sent)
        return summary

    def _loop(self) -> None:
        while True:
            now = self.ctx.clock.now()
            wait = (next_run(now, self.at, self.zone) - now).total_seconds()
            if self._stop.wait(max(wait, 0.0)):
                return
            self.run_once()
