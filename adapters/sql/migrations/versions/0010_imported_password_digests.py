"""Users keep the digest of the password hash they were last imported with, so that an import's
`--update` can tell a hash tessera wrote since (a change, a reset, a re-hash at login) from its own.

Additive for a rolling upgrade: a nullable column. Users stored before it, and users a replica of
the previous release imports meanwhile, have none; an import judges them by their hash's format
(`domain.imported_passwords`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("imported_hash_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("imported_hash_digest")
