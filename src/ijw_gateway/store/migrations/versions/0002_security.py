"""Revocations survive reloads of the parties file; answers are found by their key.

``party.file_endpoint``: the endpoint the parties file stated when it was last loaded (a
later load changes the endpoint only when the file changed). Existing parties start from
their current endpoint, the best guess of what the file said.

``ix_message_key``: messages by (Afzender, type, Identificatie), so a second answer to an
original that the gateway rejected and answered is found and refused.

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


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_key")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("file_endpoint")
