"""Users keep the id they had in the system they were imported from, for the session bridges to find them.

Additive for a rolling upgrade: a nullable column with a unique index. A replica of the previous
release inserts and updates users without naming the column, so their users keep NULL (many NULLs do
not clash under a unique index, on PostgreSQL as on SQLite).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("legacy_id", sa.String(255), nullable=True))
    op.create_index("ix_users_legacy_id", "users", ["legacy_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_legacy_id", "users")
    with op.batch_alter_table("users") as table:
        table.drop_column("legacy_id")
