"""Time comes from an injected clock: the system's, or a fixed one for tests and demos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to."""

    instant: datetime = field(default_factory=lambda: datetime(2026, 9, 14, 8, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware instant")

    def now(self) -> datetime:
        return self.instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.instant = self.instant + delta

    def set(self, instant: datetime) -> None:
        self.instant = instant


@dataclass(frozen=True)
class OffsetClock:
    """The system clock shifted so that it reads `start` now (a demo's `--today`)."""

    offset: timedelta

    @classmethod
    def starting_at(cls, start: datetime) -> OffsetClock:
        return cls(start - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def local_today(clock: Clock, tz: ZoneInfo = PARIS) -> date:
    return clock.now().astimezone(tz).date()
