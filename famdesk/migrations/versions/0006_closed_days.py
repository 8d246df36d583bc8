"""a closed day's reservations keep no open day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 09:12:41.503117
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

REQUIRED = "activity_day_id INTEGER NOT NULL,"
OPTIONAL = "activity_day_id INTEGER,"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_reservation(REQUIRED, OPTIONAL)
    else:
        op.alter_column('reservation', 'activity_day_id', existing_type=sa.Integer(),
                        nullable=True)


def downgrade() -> None:
    closed = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM reservation WHERE activity_day_id IS NULL"))
    if closed:
        # their movements and ledger entries still point to them: nothing to go back to
        raise RuntimeError(f"{closed} reservations belong to closed days: cannot go below 0006")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_reservation(OPTIONAL, REQUIRED)
    else:
        op.alter_column('reservation', 'activity_day_id', existing_type=sa.Integer(),
                        nullable=False)


def _rebuild_reservation(old: str, new: str) -> None:
    """SQLite changes a column by rebuilding its table. The migration runs inside a
    transaction with the foreign keys on (movements and ledger entries point to reservations),
    so instead of Alembic's batch (copy, drop, rename: the drop orphans them for good) the
    table is emptied and dropped under deferred foreign keys, made again, and refilled: each
    row put back gives its movements and entries their parent again before the commit, which
    still refuses any row left without one. The indexes (the partial unique one included)
    are made again from their own SQL."""
    bind = op.get_bind()
    table_sql = bind.scalar(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reservation'"))
    if old not in table_sql:
        raise RuntimeError(f"unexpected reservation table, without {old!r}: {table_sql}")
    index_sql = list(bind.scalars(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reservation'"
        " AND sql IS NOT NULL ORDER BY name")))
    columns = ", ".join(f'"{row[1]}"' for row in bind.execute(sa.text(
        "PRAGMA table_info(reservation)")))
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute("CREATE TABLE _reservation_0006 AS SELECT * FROM reservation")
    op.execute("DELETE FROM reservation")
    op.execute("DROP TABLE reservation")
    op.execute(table_sql.replace(old, new, 1))
    op.execute(f"INSERT INTO reservation ({columns}) SELECT {columns} FROM _reservation_0006")
    op.execute("DROP TABLE _reservation_0006")
    for sql in index_sql:
        op.execute(sql)
