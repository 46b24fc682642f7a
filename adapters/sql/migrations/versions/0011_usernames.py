"""Users may have a username to log in with, unique case-insensitively (stored normalised).

Additive for a rolling upgrade: a nullable column with a unique index. A replica of the previous
release inserts users without it (NULL, which never clashes) and logs in by email only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("username", sa.String(150), nullable=True))
    op.create_index("ix_users_username", "users", ["username"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_username", "users")
    with op.batch_alter_table("users") as table:
        table.drop_column("username")
