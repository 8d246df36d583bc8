"""What `famdesk serve` keeps between requests: the sessions opened by logging in, and the
registered kiosk PCs. Both are known by a random token the client holds; only its SHA-256
is stored (the tokens are random, so a plain hash is enough)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from famdesk.models.base import Base, UTCDateTime

TOKEN_HASH_LENGTH = 64
"""A SHA-256 in hexadecimal."""
LABEL_LENGTH = 80
TERMINAL_LENGTH = 64


class Kiosk(Base):
    """A kiosk PC an admin registered for a structure: family logins come from these."""

    __tablename__ = "kiosk"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structure.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiSession(Base):
    """A login through the server: valid until `expires_at`, unless revoked before."""

    __tablename__ = "api_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk.id", ondelete="CASCADE"))
    terminal: Mapped[str] = mapped_column(String(TERMINAL_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index(None, "account_id", "revoked_at"),
        Index(None, "kiosk_id"),
    )
