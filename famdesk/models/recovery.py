"""Password recovery ("Le retrouver"): one-time codes sent by e-mail, and the attempts of
each terminal (the per-terminal rate limit). Codes are kept as argon2 hashes only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from famdesk.models.base import Base, UTCDateTime, enum_column
from famdesk.models.enums import RecoveryStep


class RecoveryCode(Base):
    """A 6-digit code e-mailed to an account; usable once, until `expires_at`, for a few tries."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(Integer, default=0)
    """Wrong codes typed against this one."""
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When it set a new password (a code works once)."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When it stopped working early: a newer code, too many wrong tries, a new password."""

    __table_args__ = (
        CheckConstraint("tries >= 0", name="tries_positive"),
        CheckConstraint("expires_at > created_at", name="validity_order"),
    )


class RecoveryAttempt(Base):
    """One step of "Le retrouver" taken from a terminal (no login kept: it may be mistyped
    secrets). Counted over a sliding window to rate-limit each terminal."""

    __tablename__ = "recovery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    step: Mapped[RecoveryStep] = mapped_column(enum_column(RecoveryStep, "recovery_step"))

    __table_args__ = (Index(None, "terminal", "at"),)


class LoginThrottle(Base):
    """Failed logins for a login that matches no account, counted and locked exactly like an
    account's, so that the login screen answers the same whether the login exists or not.
    The login is kept only as a keyed hash (people type passwords in the login field)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
