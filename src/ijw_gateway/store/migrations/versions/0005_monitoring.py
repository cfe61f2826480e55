"""Monitoring: trajectories, their keys and messages, deadlines, monthly figures, operators.

``mon_*`` hold what ``ijw_gateway.monitoring`` keeps up to date at every intake (docs/
monitoring.md); ``operator`` and ``operator_key`` are the region's operators, who read
every figure. The history learns the product a JW315 asks for (``hist_request.categorie``,
``code``) and a JW319's reason of rejection (``hist_answer.reden``); rows recorded before
this revision have none.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mon_chain_delta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("measure", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("workdays", sa.Integer(), nullable=False),
        sa.Column("normed", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mon_chain_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("measure", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("workdays", sa.Integer(), nullable=False),
        sa.Column("normed", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("month", "gemeente", "agb", "measure"),
    )
    op.create_table(
        "mon_client_delta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mon_client_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "gemeente", "agb", "categorie", "code", "bsn"),
    )
    op.create_table(
        "mon_contract_delta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("alloc_fixed", sa.Float(), nullable=False),
        sa.Column("alloc_day", sa.Float(), nullable=False),
        sa.Column("alloc_month", sa.Float(), nullable=False),
        sa.Column("budget_fixed", sa.Float(), nullable=False),
        sa.Column("budget_day", sa.Float(), nullable=False),
        sa.Column("declared_volume", sa.Float(), nullable=False),
        sa.Column("declared_amount", sa.Float(), nullable=False),
        sa.Column("granted_volume", sa.Float(), nullable=False),
        sa.Column("granted_amount", sa.Float(), nullable=False),
        sa.Column("ended", sa.Float(), nullable=False),
        sa.Column("ended_days", sa.Float(), nullable=False),
        sa.Column("requested", sa.Float(), nullable=False),
        sa.Column("rejected", sa.Float(), nullable=False),
        sa.Column("allocated", sa.Float(), nullable=False),
        sa.Column("withdrawn", sa.Float(), nullable=False),
        sa.Column("started", sa.Float(), nullable=False),
        sa.Column("stopped", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mon_contract_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("alloc_fixed", sa.Float(), nullable=False),
        sa.Column("alloc_day", sa.Float(), nullable=False),
        sa.Column("alloc_month", sa.Float(), nullable=False),
        sa.Column("budget_fixed", sa.Float(), nullable=False),
        sa.Column("budget_day", sa.Float(), nullable=False),
        sa.Column("declared_volume", sa.Float(), nullable=False),
        sa.Column("declared_amount", sa.Float(), nullable=False),
        sa.Column("granted_volume", sa.Float(), nullable=False),
        sa.Column("granted_amount", sa.Float(), nullable=False),
        sa.Column("ended", sa.Float(), nullable=False),
        sa.Column("ended_days", sa.Float(), nullable=False),
        sa.Column("requested", sa.Float(), nullable=False),
        sa.Column("rejected", sa.Float(), nullable=False),
        sa.Column("allocated", sa.Float(), nullable=False),
        sa.Column("withdrawn", sa.Float(), nullable=False),
        sa.Column("started", sa.Float(), nullable=False),
        sa.Column("stopped", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("month", "gemeente", "agb", "categorie", "code"),
    )
    op.create_table(
        "mon_deadline",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owed_type", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("trajectory_id", sa.String(length=32), nullable=True),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("owed_by", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_id", sa.String(length=32), nullable=True),
        sa.Column("late", sa.Integer(), nullable=True),
        sa.Column("noted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mon_deadline", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mon_deadline_answer",
            ["message_id"],
            unique=False,
            postgresql_where=sa.text("kind IN ('retour', 'declaration')"),
            sqlite_where=sa.text("kind IN ('retour', 'declaration')"),
        )
        batch_op.create_index("ix_mon_deadline_due", ["state", "due"], unique=False)

    op.create_table(
        "mon_declared",
        sa.Column("trajectory_id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("trajectory_id"),
    )
    op.create_table(
        "mon_key",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("trajectory_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key", "trajectory_id"),
    )
    op.create_table(
        "mon_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mon_link", schema=None) as batch_op:
        batch_op.create_index("ix_mon_link_trajectory", ["trajectory_id", "id"], unique=False)

    op.create_table(
        "mon_trajectory",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("nummer", sa.Integer(), nullable=True),
        sa.Column("referentie", sa.String(length=40), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=2), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=True),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=True),
        sa.Column("eenheid", sa.String(length=4), nullable=True),
        sa.Column("frequentie", sa.String(length=4), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=True),
        sa.Column("toegewezen_op", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("care", sa.String(length=16), nullable=True),
        sa.Column("starts", sa.Integer(), nullable=False),
        sa.Column("stops", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("interrupted", sa.Boolean(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_type", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("req_id", sa.String(length=32), nullable=True),
        sa.Column("req_opened", sa.DateTime(timezone=True), nullable=True),
        sa.Column("req_due", sa.Date(), nullable=True),
        sa.Column("req_since", sa.Date(), nullable=True),
        sa.Column("care_id", sa.String(length=32), nullable=True),
        sa.Column("care_opened", sa.DateTime(timezone=True), nullable=True),
        sa.Column("care_due", sa.Date(), nullable=True),
        sa.Column("care_since", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mon_trajectory", schema=None) as batch_op:
        batch_op.create_index(
            "ux_mon_trajectory_allocation",
            ["gemeente", "nummer"],
            unique=True,
            postgresql_where=sa.text("nummer IS NOT NULL"),
            sqlite_where=sa.text("nummer IS NOT NULL"),
        )

    op.create_table(
        "operator",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "operator_key",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator"],
            ["operator.name"],
        ),
        sa.PrimaryKeyConstraint("key_id"),
    )
    with op.batch_alter_table("operator_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operator_key_operator"), ["operator"], unique=False)

    with op.batch_alter_table("hist_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reden", sa.String(length=4), nullable=True))

    with op.batch_alter_table("hist_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("categorie", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("code", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hist_request", schema=None) as batch_op:
        batch_op.drop_column("code")
        batch_op.drop_column("categorie")

    with op.batch_alter_table("hist_answer", schema=None) as batch_op:
        batch_op.drop_column("reden")

    with op.batch_alter_table("operator_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_key_operator"))

    op.drop_table("operator_key")
    op.drop_table("operator")
    with op.batch_alter_table("mon_trajectory", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_mon_trajectory_allocation",
            postgresql_where=sa.text("nummer IS NOT NULL"),
            sqlite_where=sa.text("nummer IS NOT NULL"),
        )

    op.drop_table("mon_trajectory")
    with op.batch_alter_table("mon_link", schema=None) as batch_op:
        batch_op.drop_index("ix_mon_link_trajectory")

    op.drop_table("mon_link")
    op.drop_table("mon_key")
    op.drop_table("mon_declared")
    with op.batch_alter_table("mon_deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_mon_deadline_due")
        batch_op.drop_index(
            "ix_mon_deadline_answer",
            postgresql_where=sa.text("kind IN ('retour', 'declaration')"),
            sqlite_where=sa.text("kind IN ('retour', 'declaration')"),
        )

    op.drop_table("mon_deadline")
    op.drop_table("mon_contract_month")
    op.drop_table("mon_contract_delta")
    op.drop_table("mon_client_month")
    op.drop_table("mon_client_delta")
    op.drop_table("mon_chain_month")
    op.drop_table("mon_chain_delta")
