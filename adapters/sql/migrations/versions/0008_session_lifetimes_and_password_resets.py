"""Sessions carry their absolute end and whether they are remembered; password-reset tokens are stored hashed.

Sessions opened before this migration end 30 days (the default `TESSERA_SESSION_MAX_AGE_SECONDS`)
after they were opened, and count as remembered.

Additive for a rolling upgrade: a replica of the previous release opens sessions without either
column, so `remember` keeps its default and, on PostgreSQL, a trigger gives such a session the same
30 days (SQLite serves one host, so it has no roll to survive).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from datetime import timedelta

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

EXISTING_SESSIONS_LIFETIME = timedelta(days=30)
"""The default session lifetime; PostgreSQL's statement below spells it as an interval."""

_sessions = sa.table(
    "sessions",
    sa.column("id", GUID(length=16)),
    sa.column("created_at", DateTimeUTC(timezone=True)),
    sa.column("expires_at", DateTimeUTC(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=True))
        table.add_column(sa.Column("remember", sa.Boolean(), nullable=False, server_default=sa.true()))
    _backfill_expiry()
    with op.batch_alter_table("sessions") as table:
        table.alter_column("expires_at", existing_type=DateTimeUTC(timezone=True), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_EXPIRY_FOR_PREVIOUS_RELEASE)
        op.execute(
            "CREATE TRIGGER tessera_session_expiry BEFORE INSERT ON sessions "
            "FOR EACH ROW EXECUTE FUNCTION tessera_session_expiry()"
        )
    op.create_table(
        "password_reset_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", GUID(length=16), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("used_at", DateTimeUTC(timezone=True), nullable=True),
    )
    op.create_index("ix_password_reset_tokens_user_id", "password_reset_tokens", ["user_id"])
    op.create_index("ix_password_reset_tokens_expires_at", "password_reset_tokens", ["expires_at"])


_EXPIRY_FOR_PREVIOUS_RELEASE = """
CREATE FUNCTION tessera_session_expiry() RETURNS trigger AS $$
BEGIN
    IF NEW.expires_at IS NULL THEN
        NEW.expires_at := NEW.created_at + interval '30 days';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def _backfill_expiry() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("UPDATE sessions SET expires_at = created_at + interval '30 days'")
        return
    rows = connection.execute(sa.select(_sessions.c.id, _sessions.c.created_at)).all()
    for session_id, created_at in rows:
        connection.execute(
            _sessions.update()
            .where(_sessions.c.id == session_id)
            .values(expires_at=created_at + EXISTING_SESSIONS_LIFETIME)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tessera_session_expiry ON sessions")
        op.execute("DROP FUNCTION tessera_session_expiry()")
    op.drop_index("ix_password_reset_tokens_expires_at", "password_reset_tokens")
    op.drop_index("ix_password_reset_tokens_user_id", "password_reset_tokens")
    op.drop_table("password_reset_tokens")
    with op.batch_alter_table("sessions") as table:
        table.drop_column("remember")
        table.drop_column("expires_at")
