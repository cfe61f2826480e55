"""Answer modes: who answers a party's messages, and the advice a party-mode message carries.

``party.answers`` holds the answer mode per message type as a JSON object (none: the
gateway answers everything, as before this revision); ``party.file_answers`` what the
parties file stated when it was last loaded, so that a mode set by hand survives restarts
(as ``file_channel``, 0003). ``message.advice``: the return message the gateway would
have composed for a message whose receiver answers itself.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("file_answers", sa.Text(), nullable=True))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advice", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("advice")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("file_answers")
        batch_op.drop_column("answers")
