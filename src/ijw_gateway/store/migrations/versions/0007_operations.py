"""Operations: pages of messages, dead letters and the outbox; removed parties; key use.

``GET /v1/messages`` reads a page newest first by (``received_at``, ``id``) through an
index led by the filter that selects it (none, type, poster, sender, receiver), and finds
an identification or trace id through an index of its own; the sender's and receiver's
indexes replace the plain ones. The outbox's indexes end with ``id``, the order of the
dead letters and of what waits. ``party.removed_at`` marks a party an operator removed;
``last_used_at`` says when a party's or operator's key was last verified.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PAGE = ["received_at", "id"]
MESSAGE_INDEXES = {
    "ix_message_page": PAGE,
    "ix_message_type_page": ["type", *PAGE],
    "ix_message_poster_page": ["poster", *PAGE],
    "ix_message_from_page": ["from_party", *PAGE],
    "ix_message_to_page": ["to_party", *PAGE],
    "ix_message_identificatie": ["identificatie"],
    "ix_message_trace": ["trace_id"],
}
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_from_party")
        batch_op.drop_index("ix_message_to_party")
        for name, columns in MESSAGE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_receiver_state")
        batch_op.create_index("ix_outbox_receiver_state", ["receiver", "state", "id"])
        batch_op.create_index("ix_outbox_state", ["state", "id"])
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", STAMP, nullable=True))
    for table in ("api_key", "operator_key"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("last_used_at", STAMP, nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+): copying ``party`` into a new table would
    # break the keys' foreign keys to it.
    for table, column in (("operator_key", "last_used_at"), ("api_key", "last_used_at")):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column(column)
    with op.batch_alter_table("party", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state")
        batch_op.drop_index("ix_outbox_receiver_state")
        batch_op.create_index("ix_outbox_receiver_state", ["receiver", "state"])
    with op.batch_alter_table("message", schema=None) as batch_op:
        for name in MESSAGE_INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_message_from_party", ["from_party"], unique=False)
        batch_op.create_index("ix_message_to_party", ["to_party"], unique=False)
