"""search terms keep their first four characters, indexed in name order per chapter

Revision ID: 5c0e6a91d7f3
Revises: 4724cbff43b8
Create Date: 2026-12-02 07:10:00.000000

A search for a word of four characters or more then reads the chapter's terms of that prefix in the order of
its contacts' sort names, (chapter_id, prefix, sort_name, contact_id, term), instead of sorting every match:
a common name had thousands. The backfill is one UPDATE (``substr`` counts characters on SQLite and
PostgreSQL, as Python's slicing does). Code older than this revision writes terms without a prefix, which is
NOT NULL from here on: deploy the code with the migration. The downgrade drops the column and its index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0e6a91d7f3"
down_revision: str | Sequence[str] | None = "4724cbff43b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX_LENGTH = 4  # crm.contacts.search.PREFIX_LENGTH when this revision was written
_TERMS = sa.table("contact_search_terms", sa.column("term", sa.String()), sa.column("prefix", sa.String()))


def upgrade() -> None:
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prefix", sa.String(length=PREFIX_LENGTH), nullable=True))

    op.execute(sa.update(_TERMS).values(prefix=sa.func.substr(_TERMS.c.term, 1, PREFIX_LENGTH)))

    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.alter_column("prefix", existing_type=sa.String(length=PREFIX_LENGTH), nullable=False)
        batch_op.create_index(
            "ix_contact_search_terms_chapter_id_prefix_sort_name_contact_id",
            ["chapter_id", "prefix", "sort_name", "contact_id", "term"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_search_terms_chapter_id_prefix_sort_name_contact_id")
        batch_op.drop_column("prefix")
