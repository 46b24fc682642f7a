"""Users carry when they last changed; on PostgreSQL, revocations and user changes are NOTIFYed.

The notification is sent by a trigger inside the transaction that writes the change, so PostgreSQL
delivers it only if that transaction commits, to every replica listening on `tessera_changes`,
whichever process (server, CLI) made the change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHANNEL = "tessera_changes"

_CREATE = [
    f"""CREATE FUNCTION tessera_notify_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL THEN
        PERFORM pg_notify('{CHANNEL}', 's ' || NEW.id::text || ' ' || extract(epoch FROM NEW.revoked_at)::text);
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER tessera_session_revoked AFTER UPDATE OF revoked_at ON sessions
    FOR EACH ROW EXECUTE FUNCTION tessera_notify_session_revoked()""",
    f"""CREATE FUNCTION tessera_notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.changed_at IS DISTINCT FROM OLD.changed_at THEN
        PERFORM pg_notify('{CHANNEL}', 'u ' || NEW.id::text);
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER tessera_user_changed AFTER UPDATE OF changed_at ON users
    FOR EACH ROW EXECUTE FUNCTION tessera_notify_user_changed()""",
]

_DROP = [
    "DROP TRIGGER IF EXISTS tessera_user_changed ON users",
    "DROP FUNCTION IF EXISTS tessera_notify_user_changed()",
    "DROP TRIGGER IF EXISTS tessera_session_revoked ON sessions",
    "DROP FUNCTION IF EXISTS tessera_notify_session_revoked()",
]


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("changed_at", DateTimeUTC(timezone=True), nullable=True))
    op.create_index("ix_users_changed_at", "users", ["changed_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in _CREATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _DROP:
            op.execute(statement)
    op.drop_index("ix_users_changed_at", "users")
    with op.batch_alter_table("users") as table:
        table.drop_column("changed_at")
