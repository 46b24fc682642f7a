"""Sessions remember the device they were opened from; users can be disabled.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("user_agent", sa.String(512), nullable=True))
        table.add_column(sa.Column("client_address", sa.String(128), nullable=True))
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("disabled_at", DateTimeUTC(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("disabled_at")
    with op.batch_alter_table("sessions") as table:
        table.drop_column("client_address")
        table.drop_column("user_agent")
