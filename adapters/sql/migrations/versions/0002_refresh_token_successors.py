"""A spent refresh token names its successor and keeps it sealed, for the rotation grace window.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.add_column(sa.Column("successor_id", GUID(length=16), nullable=True))
        table.add_column(sa.Column("sealed_successor", sa.String(256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.drop_column("sealed_successor")
        table.drop_column("successor_id")
