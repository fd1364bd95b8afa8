"""Protection: sealed clean text, login rate limiting, protection settings, export log.

Self-contained like 0001: it adds exactly what refugewatch.store.sql.tables declares for the
protection layer (documents.clean_text_ciphertext; users.failed_logins/locked_until/last_login_at;
the protection_settings and export_log tables).

Revision ID: 0002_protection
Revises: 0001_initial
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_protection"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHA = sa.String(64)
CODE = sa.String(40)
ID = sa.String(100)
NAME = sa.String(300)


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("clean_text_ciphertext", sa.LargeBinary, nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", _utc(), nullable=True))
        batch.add_column(sa.Column("last_login_at", _utc(), nullable=True))
    op.create_table(
        "protection_settings",
        sa.Column("name", ID, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_protection_settings"),
    )
    op.create_table(
        "export_log",
        sa.Column("export_id", CODE, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("audience", CODE, nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("case_ids", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("export_id", name="pk_export_log"),
    )
    op.create_index("ix_export_log_at", "export_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_export_log_at", table_name="export_log")
    op.drop_table("export_log")
    op.drop_table("protection_settings")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("clean_text_ciphertext")
