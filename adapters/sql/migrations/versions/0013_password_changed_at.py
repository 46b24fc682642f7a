"""Users record when they last chose a new password at tessera (a change or a reset), so that the legacy
bridge exchanges no session of the legacy app for them from then on.

Additive for a rolling upgrade: a nullable column. Users changed by a replica of the previous release
meanwhile have none, and their legacy sessions are judged as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("password_changed_at", DateTimeUTC(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("password_changed_at")
