"""The stateless legacy session cookies (Django's signed_cookies, Flask's cookie session) already
exchanged, each until its own expiry, so that a replay is refused.

Additive for a rolling upgrade: a new table, read and written only by the legacy bridge.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_spent_cookies",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("spent_until", DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_index("ix_legacy_spent_cookies_spent_until", "legacy_spent_cookies", ["spent_until"])


def downgrade() -> None:
    op.drop_index("ix_legacy_spent_cookies_spent_until", "legacy_spent_cookies")
    op.drop_table("legacy_spent_cookies")
