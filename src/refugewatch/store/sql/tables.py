"""SQLAlchemy Core tables: the whole schema DESIGN.md's model needs, kept apart from the dataclasses.

The first Alembic revision creates exactly these (a test compares them). Types are the portable
ones (JSON, LargeBinary, DateTime with time zone, Date) so one schema serves SQLite and PostgreSQL.
Enumerations are stored as their string values; mapping.py turns them back into enums.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

# Explicit constraint and index names, so a migration on either backend names things the same way
# and later revisions can drop or alter them by name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# sha256 in lowercase hex.
SHA256_LENGTH = 64
# Short codes: enum values, precisions, admiralty grades, ISO country codes, roles.
CODE_LENGTH = 40
# Identifiers: case ids, claim ids, incident keys, place slugs, person ids.
ID_LENGTH = 100
# Names shown to people: usernames, reviewers, pseudonyms, labels.
NAME_LENGTH = 300


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in UTC on every backend (SQLite hands back naive ones otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone; use UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a timestamp from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _code(name: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.String(CODE_LENGTH), **kw)


def _sha_fk(name: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(
        name,
        sa.String(SHA256_LENGTH),
        sa.ForeignKey("documents.sha256", ondelete="CASCADE"),
        **kw,
    )


documents = sa.Table(
    "documents",
    metadata,
    sa.Column("sha256", sa.String(SHA256_LENGTH), primary_key=True),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("collector", sa.Text),
    _code("source_type", nullable=False),
    sa.Column("published_earliest", sa.Date),
    sa.Column("published_latest", sa.Date),
    _code("published_precision", nullable=False),
    _code("language"),
    sa.Column("clean_text", sa.Text, nullable=False),
    sa.Column("cleaner_version", sa.String(ID_LENGTH), nullable=False),
    _code("sensitivity", nullable=False),
    _code("reliability", nullable=False),
    _code("encoding"),
    sa.Column("ingested_at", UtcDateTime, nullable=False),
    sa.Column("ingested_by", sa.String(NAME_LENGTH)),
    sa.Column("flags", sa.JSON, nullable=False),
    # AES-GCM ciphertext of a confidential document's clean text (clean_text then holds only a
    # placeholder); NULL for public documents.
    sa.Column("clean_text_ciphertext", sa.LargeBinary),
    sa.Index(None, "ingested_at"),
)

# Original bytes live apart so listing documents never drags the blobs along.
document_originals = sa.Table(
    "document_originals",
    metadata,
    _sha_fk("sha256", primary_key=True),
    sa.Column("bytes", sa.LargeBinary, nullable=False),
    # True once the protection layer has replaced the bytes with AES-GCM ciphertext.
    sa.Column("encrypted", sa.Boolean, nullable=False),
)

claims = sa.Table(
    "claims",
    metadata,
    # A document's claims in extraction order. Not keyed by claim id: two incidents told in one
    # sentence can yield identical status claims (same fingerprint, so same id) that must both stay.
    _sha_fk("document_sha256", primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("id", sa.String(ID_LENGTH), nullable=False),
    _code("kind", nullable=False),
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("evidence_start", sa.Integer, nullable=False),
    sa.Column("evidence_end", sa.Integer, nullable=False),
    sa.Column("evidence_quote", sa.Text, nullable=False),
    sa.Column("cleaner_version", sa.String(ID_LENGTH), nullable=False),
    sa.Column("date_earliest", sa.Date),
    sa.Column("date_latest", sa.Date),
    _code("date_precision", nullable=False),
    _code("confidence", nullable=False),
    sa.Column("rule", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("incident_key", sa.String(ID_LENGTH)),
    sa.Column("seq", sa.Integer, nullable=False),
    _code("sensitivity", nullable=False),
    _code("reliability"),
    sa.Column("fingerprint", sa.String(SHA256_LENGTH), nullable=False),
    sa.Index(None, "id"),
    sa.Index(None, "fingerprint"),
    sa.Index(None, "incident_key"),
    sa.Index(None, "kind"),
)

# Append-only: the latest decision per (document, fingerprint) wins, earlier ones are history.
review_decisions = sa.Table(
    "review_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _sha_fk("document_sha256", nullable=False),
    sa.Column("fingerprint", sa.String(SHA256_LENGTH), nullable=False),
    _code("state", nullable=False),
    sa.Column("reviewer", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("edited_values", sa.JSON),
    sa.Column("decided_at", UtcDateTime, nullable=False),
    sa.Index(None, "document_sha256", "fingerprint"),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    # A cache of the fold over the case's claims; rebuilt, never edited.
    sa.Column("state", sa.JSON, nullable=False),
    _code("disclosure", nullable=False),
    sa.Column("consent_note", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

case_members = sa.Table(
    "case_members",
    metadata,
    sa.Column(
        "case_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("cases.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("incident_key", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "incident_key"),
)

# Reviewers' manual merge / split / attach decisions; replayed on every rebuild, so they refer to
# incident keys (stable) and to case ids only as they were when the reviewer acted.
case_overrides = sa.Table(
    "case_overrides",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _code("kind", nullable=False),
    sa.Column("incident_keys", sa.JSON, nullable=False),
    sa.Column("case_id", sa.String(ID_LENGTH)),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("at", UtcDateTime, nullable=False),
)

places = sa.Table(
    "places",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    _code("country", nullable=False),
    sa.Column("province", sa.String(NAME_LENGTH)),
    _code("kind", nullable=False),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("border_km", sa.Float),
    sa.Column("staging_point", sa.Boolean, nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("source", sa.Text),
    sa.Index(None, "country"),
)

# Cases are rebuilt; a rebuild that would drop a case holding people or interventions fails
# instead of deleting them (RESTRICT), so no record of a person is lost silently.
persons = sa.Table(
    "persons",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "case_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("cases.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("pseudonym", sa.String(NAME_LENGTH), nullable=False),
    _code("age_band"),
    _code("sex"),
    sa.Column("vulnerabilities", sa.JSON, nullable=False),
    # Real identity, only ever as AES-GCM ciphertext written by the protection layer.
    sa.Column("identity_ciphertext", sa.LargeBinary),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "case_id"),
)

interventions = sa.Table(
    "interventions",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "case_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("cases.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    _code("kind", nullable=False),
    _code("status", nullable=False),
    sa.Column("sender", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("addressees", sa.JSON, nullable=False),
    sa.Column("date", sa.Date),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("reply", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "case_id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(NAME_LENGTH), nullable=False),
    _code("role", nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # Login rate limiting: consecutive failures and the time before which logins are refused.
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("last_login_at", UtcDateTime),
    sa.UniqueConstraint("username"),
)

# Protection settings as name -> text: the wrapped data key (JSON, never the bare key), the audit
# chain id that signed checkpoints name.
protection_settings = sa.Table(
    "protection_settings",
    metadata,
    sa.Column("name", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# Every export: who, what, for which audience, and the sha256 of the bytes that left.
export_log = sa.Table(
    "export_log",
    metadata,
    sa.Column("export_id", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    _code("audience", nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("sha256", sa.String(SHA256_LENGTH), nullable=False),
    sa.Column("case_ids", sa.JSON, nullable=False),
    sa.Index(None, "at"),
)

# Hash chain: each row stores the previous row's hash; seq is assigned under a lock, gap-free.
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("action", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("prev_hash", sa.String(SHA256_LENGTH), nullable=False),
    sa.Column("hash", sa.String(SHA256_LENGTH), nullable=False),
    sa.Index(None, "target"),
)
