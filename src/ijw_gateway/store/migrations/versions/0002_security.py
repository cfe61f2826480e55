"""Revocations survive reloads of the parties file; answers are found by their key.

``party.file_endpoint``: the endpoint the parties file stated when it was last loaded (a
later load changes the endpoint only when the file changed). Existing parties start from
their current endpoint, the best guess of what the file said.

``ix_message_key``: messages by (Afzender, type, Identificatie), so a second answer to an
original that the gateway rejected and answered is found and refused.

``event.count``, ``event.last_at`` and ``ux_event_repeated``: refused reads and re-posts
of a message are one row per message, kind and party, counted; the rows already stored
are folded into one (the first, with the count and the last time).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_endpoint", sa.String(length=2000), nullable=True))
    op.execute("UPDATE party SET file_endpoint = endpoint")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_key", ["afzender", "type", "identificatie"], unique=False)
    _events()


_REPEATED = "kind IN ('forbidden', 'duplicate_received')"
_FOLDED = f"{_REPEATED} AND message_id IS NOT NULL AND party IS NOT NULL"
_SAME = (
    "FROM event AS e2 WHERE e2.message_id = event.message_id AND e2.kind = event.kind "
    "AND e2.party = event.party"
)
_FIRSTS = f"SELECT min(id) FROM event WHERE {_FOLDED} GROUP BY message_id, kind, party"


def _events() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("last_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        f"UPDATE event SET count = (SELECT count(*) {_SAME}), last_at = (SELECT max(e2.at) "
        f"{_SAME}) WHERE {_FOLDED} AND id IN ({_FIRSTS} HAVING count(*) > 1)"
    )
    op.execute(f"DELETE FROM event WHERE {_FOLDED} AND id NOT IN ({_FIRSTS})")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(
            "ux_event_repeated",
            ["message_id", "kind", "party"],
            unique=True,
            postgresql_where=sa.text(_REPEATED),
            sqlite_where=sa.text(_REPEATED),
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ux_event_repeated")
        batch_op.drop_column("last_at")
        batch_op.drop_column("count")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_key")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("file_endpoint")
