"""Initial tables: parties, keys, messages, findings, events, outbox, links, history,
refusals.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_ref",
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("ref", "message_id"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("trace_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_message_id"), ["message_id"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=True),
        sa.Column("retourcode", sa.String(length=8), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_message_id"), ["message_id"], unique=False)

    op.create_table(
        "hist_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("nummer", sa.Integer(), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_wijziging", sa.String(length=4), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=True),
        sa.Column("eenheid", sa.String(length=4), nullable=True),
        sa.Column("frequentie", sa.String(length=4), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=True),
        sa.Column("toegewezen_op", sa.DateTime(), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_allocation", schema=None) as batch_op:
        batch_op.create_index("ix_hist_allocation_client", ["gemeente", "agb", "bsn"], unique=False)
        batch_op.create_index("ix_hist_allocation_number", ["gemeente", "nummer"], unique=False)

    op.create_table(
        "hist_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("referentie", sa.String(length=40), nullable=False),
        sa.Column("verzoek_antwoord", sa.String(length=4), nullable=True),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_answer", schema=None) as batch_op:
        batch_op.create_index("ix_hist_answer_ref", ["gemeente", "agb", "referentie"], unique=False)

    op.create_table(
        "hist_care",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("nummer", sa.Integer(), nullable=True),
        sa.Column("categorie", sa.String(length=8), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden", sa.String(length=4), nullable=True),
        sa.Column("status", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_care", schema=None) as batch_op:
        batch_op.create_index("ix_hist_care_client", ["gemeente", "agb", "bsn"], unique=False)

    op.create_table(
        "hist_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("identificatie", sa.String(length=40), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("nummer", sa.String(length=40), nullable=False),
        sa.Column("periode_begin", sa.Date(), nullable=False),
        sa.Column("periode_eind", sa.Date(), nullable=False),
        sa.Column("xsd_basis", sa.String(length=16), nullable=False),
        sa.Column("xsd_bericht", sa.String(length=16), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_declaration", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hist_declaration_ident", ["gemeente", "agb", "identificatie"], unique=False
        )
        batch_op.create_index("ix_hist_declaration_number", ["agb", "nummer"], unique=False)

    op.create_table(
        "hist_prestatie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("declaratie", sa.String(length=40), nullable=False),
        sa.Column("referentie", sa.String(length=40), nullable=False),
        sa.Column("vorig_referentie", sa.String(length=40), nullable=True),
        sa.Column("nummer", sa.Integer(), nullable=False),
        sa.Column("categorie", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.Column("eenheid", sa.String(length=4), nullable=False),
        sa.Column("tarief", sa.Integer(), nullable=True),
        sa.Column("bedrag", sa.Integer(), nullable=False),
        sa.Column("debet_credit", sa.String(length=1), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_prestatie", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hist_prestatie_decl", ["gemeente", "agb", "declaratie"], unique=False
        )
        batch_op.create_index("ix_hist_prestatie_number", ["gemeente", "nummer"], unique=False)
        batch_op.create_index("ix_hist_prestatie_prev", ["agb", "vorig_referentie"], unique=False)
        batch_op.create_index("ix_hist_prestatie_ref", ["agb", "referentie"], unique=False)

    op.create_table(
        "hist_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("gemeente", sa.String(length=4), nullable=False),
        sa.Column("agb", sa.String(length=8), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("referentie", sa.String(length=40), nullable=False),
        sa.Column("identificatie", sa.String(length=40), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hist_request", schema=None) as batch_op:
        batch_op.create_index("ix_hist_request_client", ["gemeente", "agb", "bsn"], unique=False)
        batch_op.create_index("ix_hist_request_ref", ["agb", "referentie"], unique=False)

    op.create_table(
        "identification",
        sa.Column("afzender", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("identificatie", sa.String(length=40), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("afzender", "type", "identificatie"),
    )
    op.create_table(
        "message",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("poster", sa.String(length=8), nullable=True),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=True),
        sa.Column("afzender", sa.String(length=16), nullable=True),
        sa.Column("ontvanger", sa.String(length=16), nullable=True),
        sa.Column("identificatie", sa.String(length=40), nullable=True),
        sa.Column("from_party", sa.String(length=16), nullable=True),
        sa.Column("to_party", sa.String(length=16), nullable=True),
        sa.Column("answers_id", sa.String(length=32), nullable=True),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("verdict", sa.Text(), nullable=True),
        sa.Column("trace_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_message_from_party"), ["from_party"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_to_party"), ["to_party"], unique=False)
        batch_op.create_index("ux_message_answers", ["answers_id"], unique=True)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("receiver", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_receiver_state", ["receiver", "state"], unique=False)

    op.create_table(
        "party",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "receipt",
        sa.Column("poster", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("poster", "sha256"),
    )
    op.create_table(
        "refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("municipality", sa.String(length=4), nullable=True),
        sa.Column("provider", sa.String(length=8), nullable=True),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("refusal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refusal_municipality"), ["municipality"], unique=False)
        batch_op.create_index(batch_op.f("ix_refusal_on"), ["on"], unique=False)

    op.create_table(
        "api_key",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("party_code", sa.String(length=8), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_code"],
            ["party.code"],
        ),
        sa.PrimaryKeyConstraint("key_id"),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_party_code"), ["party_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_party_code"))

    op.drop_table("api_key")
    with op.batch_alter_table("refusal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refusal_on"))
        batch_op.drop_index(batch_op.f("ix_refusal_municipality"))

    op.drop_table("refusal")
    op.drop_table("receipt")
    op.drop_table("party")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_receiver_state")
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ux_message_answers")
        batch_op.drop_index(batch_op.f("ix_message_to_party"))
        batch_op.drop_index(batch_op.f("ix_message_from_party"))
        batch_op.drop_index(batch_op.f("ix_message_conversation_id"))

    op.drop_table("message")
    op.drop_table("identification")
    with op.batch_alter_table("hist_request", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_request_ref")
        batch_op.drop_index("ix_hist_request_client")

    op.drop_table("hist_request")
    with op.batch_alter_table("hist_prestatie", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_prestatie_ref")
        batch_op.drop_index("ix_hist_prestatie_prev")
        batch_op.drop_index("ix_hist_prestatie_number")
        batch_op.drop_index("ix_hist_prestatie_decl")

    op.drop_table("hist_prestatie")
    with op.batch_alter_table("hist_declaration", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_declaration_number")
        batch_op.drop_index("ix_hist_declaration_ident")

    op.drop_table("hist_declaration")
    with op.batch_alter_table("hist_care", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_care_client")

    op.drop_table("hist_care")
    with op.batch_alter_table("hist_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_answer_ref")

    op.drop_table("hist_answer")
    with op.batch_alter_table("hist_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_allocation_number")
        batch_op.drop_index("ix_hist_allocation_client")

    op.drop_table("hist_allocation")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_message_id"))

    op.drop_table("finding")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_message_id"))

    op.drop_table("event")
    op.drop_table("conversation_ref")
