"""E-mails waiting to be sent, written in the same transaction as what caused them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.base import Base, UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """A time-limited message (a one-time code): never sent after this instant, and its body
    is erased once sent or expired, so that the code does not stay in the database."""

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="OutboxAttachment.id")
    """Files sent with the message (a history's PDFs); removed once it is sent."""

    __table_args__ = (Index(None, "sent_at", "next_attempt_at"),)


FILENAME_LENGTH = 120
CONTENT_TYPE_LENGTH = 80


class OutboxAttachment(Base):
    """A file of an outbox message, kept only until the message is sent."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(FILENAME_LENGTH))
    content_type: Mapped[str] = mapped_column(String(CONTENT_TYPE_LENGTH))
    data: Mapped[bytes] = mapped_column(LargeBinary)
