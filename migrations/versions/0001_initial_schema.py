"""Initial schema: documents, claims, review, cases, gazetteer, persons, interventions, users, audit.

Written by hand, self-contained (no imports from refugewatch, whose tables.py will move on): it
creates exactly what refugewatch.store.sql.tables held when it was written, which
tests/integration/test_store_migrations.py checks with alembic's compare_metadata.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHA = sa.String(64)
CODE = sa.String(40)
ID = sa.String(100)
NAME = sa.String(300)


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _doc_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["documents.sha256"],
        name=f"fk_{table}_{column}_documents",
        ondelete="CASCADE",
    )


def _case_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=f"fk_{table}_case_id_cases", ondelete=ondelete
    )


def upgrade() -> None:
    _create_documents()
    _create_claims()
    _create_cases()
    _create_reference_tables()
    _create_audit()


def _create_documents() -> None:
    op.create_table(
        "documents",
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", NAME, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("collector", sa.Text),
        sa.Column("source_type", CODE, nullable=False),
        sa.Column("published_earliest", sa.Date),
        sa.Column("published_latest", sa.Date),
        sa.Column("published_precision", CODE, nullable=False),
        sa.Column("language", CODE),
        sa.Column("clean_text", sa.Text, nullable=False),
        sa.Column("cleaner_version", ID, nullable=False),
        sa.Column("sensitivity", CODE, nullable=False),
        sa.Column("reliability", CODE, nullable=False),
        sa.Column("encoding", CODE),
        sa.Column("ingested_at", _utc(), nullable=False),
        sa.Column("ingested_by", NAME),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_documents"),
    )
    op.create_index("ix_documents_ingested_at", "documents", ["ingested_at"])
    op.create_table(
        "document_originals",
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("bytes", sa.LargeBinary, nullable=False),
        sa.Column("encrypted", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_document_originals"),
        _doc_fk("sha256", "document_originals"),
    )


def _create_claims() -> None:
    op.create_table(
        "claims",
        sa.Column("document_sha256", SHA, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("evidence_quote", sa.Text, nullable=False),
        sa.Column("cleaner_version", ID, nullable=False),
        sa.Column("date_earliest", sa.Date),
        sa.Column("date_latest", sa.Date),
        sa.Column("date_precision", CODE, nullable=False),
        sa.Column("confidence", CODE, nullable=False),
        sa.Column("rule", NAME, nullable=False),
        sa.Column("incident_key", ID),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sensitivity", CODE, nullable=False),
        sa.Column("reliability", CODE),
        sa.Column("fingerprint", SHA, nullable=False),
        sa.PrimaryKeyConstraint("document_sha256", "position", name="pk_claims"),
        _doc_fk("document_sha256", "claims"),
    )
    for column in ("id", "fingerprint", "incident_key", "kind"):
        op.create_index(f"ix_claims_{column}", "claims", [column])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("document_sha256", SHA, nullable=False),
        sa.Column("fingerprint", SHA, nullable=False),
        sa.Column("state", CODE, nullable=False),
        sa.Column("reviewer", NAME, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("edited_values", sa.JSON),
        sa.Column("decided_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
        _doc_fk("document_sha256", "review_decisions"),
    )
    op.create_index(
        "ix_review_decisions_document_sha256_fingerprint",
        "review_decisions",
        ["document_sha256", "fingerprint"],
    )


def _create_cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", ID, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("disclosure", CODE, nullable=False),
        sa.Column("consent_note", sa.Text),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_table(
        "case_members",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("incident_key", ID, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "incident_key", name="pk_case_members"),
        _case_fk("case_members", "CASCADE"),
    )
    op.create_index("ix_case_members_incident_key", "case_members", ["incident_key"])
    op.create_table(
        "case_overrides",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("incident_keys", sa.JSON, nullable=False),
        sa.Column("case_id", ID),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_overrides"),
    )
    op.create_table(
        "persons",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("pseudonym", NAME, nullable=False),
        sa.Column("age_band", CODE),
        sa.Column("sex", CODE),
        sa.Column("vulnerabilities", sa.JSON, nullable=False),
        sa.Column("identity_ciphertext", sa.LargeBinary),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
        _case_fk("persons", "RESTRICT"),
    )
    op.create_index("ix_persons_case_id", "persons", ["case_id"])
    op.create_table(
        "interventions",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("status", CODE, nullable=False),
        sa.Column("sender", NAME, nullable=False),
        sa.Column("addressees", sa.JSON, nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("reply", sa.Text),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_interventions"),
        _case_fk("interventions", "RESTRICT"),
    )
    op.create_index("ix_interventions_case_id", "interventions", ["case_id"])


def _create_reference_tables() -> None:
    op.create_table(
        "places",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("country", CODE, nullable=False),
        sa.Column("province", NAME),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("border_km", sa.Float),
        sa.Column("staging_point", sa.Boolean, nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("source", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_places"),
    )
    op.create_index("ix_places_country", "places", ["country"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("username", NAME, nullable=False),
        sa.Column("role", CODE, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )


def _create_audit() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("action", NAME, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", SHA, nullable=False),
        sa.Column("hash", SHA, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_target", "audit_events", ["target"])


def downgrade() -> None:
    for table in (
        "audit_events",
        "users",
        "places",
        "interventions",
        "persons",
        "case_overrides",
        "case_members",
        "cases",
        "review_decisions",
        "claims",
        "document_originals",
        "documents",
    ):
        op.drop_table(table)
