"""Delivery channels: a party's channel and its settings; the ids of exchanges (wire_ref).

``party.file_channel`` and ``party.file_channel_settings``: what the parties file stated
when it was last loaded, so that a later load changes the channel only when the file
changed it (as ``file_endpoint`` does for the endpoint, 0002). Existing parties start with
none: no file named a channel before this revision.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="mailbox")
        )
        batch_op.add_column(sa.Column("channel_settings", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("file_channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("file_channel_settings", sa.Text(), nullable=True))
    # Until now a party with an endpoint was pushed to, one without pulled its mailbox.
    op.execute("UPDATE party SET channel = 'push' WHERE endpoint IS NOT NULL")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.alter_column("channel", server_default=None)
    op.create_table(
        "wire_ref",
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("trace_ref", sa.String(length=64), nullable=False),
        sa.Column("conversation_ref", sa.String(length=64), nullable=True),
        sa.Column("answers_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("wire_ref", schema=None) as batch_op:
        batch_op.create_index("ux_wire_ref_trace", ["channel", "trace_ref"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("wire_ref", schema=None) as batch_op:
        batch_op.drop_index("ux_wire_ref_trace")
    op.drop_table("wire_ref")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("file_channel_settings")
        batch_op.drop_column("file_channel")
        batch_op.drop_column("channel_settings")
        batch_op.drop_column("channel")
