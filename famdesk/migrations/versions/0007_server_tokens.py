"""server sessions and kiosks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import famdesk.models.base
# the tables' mapped classes (every process that migrates or checks the schema knows them)
from famdesk.models.server_tokens import LABEL_LENGTH, TERMINAL_LENGTH, TOKEN_HASH_LENGTH


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=LABEL_LENGTH), nullable=False),
    sa.Column('token_hash', sa.String(length=TOKEN_HASH_LENGTH), nullable=False),
    sa.Column('created_at', famdesk.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('revoked_at', famdesk.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], name=op.f('fk_kiosk_created_by_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_kiosk_structure_id_structure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_kiosk_token_hash'))
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_structure_id'), ['structure_id'], unique=False)

    op.create_table('api_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=TOKEN_HASH_LENGTH), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=True),
    sa.Column('terminal', sa.String(length=TERMINAL_LENGTH), nullable=False),
    sa.Column('created_at', famdesk.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', famdesk.models.base.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', famdesk.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_api_session_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_api_session_kiosk_id_kiosk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_session_token_hash'))
    )
    with op.batch_alter_table('api_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_session_account_id_revoked_at'), ['account_id', 'revoked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_session_kiosk_id'), ['kiosk_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_session_kiosk_id'))
        batch_op.drop_index(batch_op.f('ix_api_session_expires_at'))
        batch_op.drop_index(batch_op.f('ix_api_session_account_id_revoked_at'))

    op.drop_table('api_session')
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_structure_id'))

    op.drop_table('kiosk')
