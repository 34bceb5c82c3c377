"""search terms carry their contact's chapter and sort name; a contact in the trash has none

Revision ID: 2a34d544e87b
Revises: 9e82ba48dfc1
Create Date: 2026-11-25 15:20:00.000000

A search then runs from one index, (chapter_id, term, sort_name, contact_id), which replaces (term, contact_id).
The backfill is one UPDATE: a few seconds for a million terms on SQLite. Code older than this revision writes
terms without the new columns, which are NOT NULL from here on: deploy the code with the migration.
The downgrade cannot bring back the terms of contacts in the trash: one restored by the older code is found
again after its next edit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2a34d544e87b"
down_revision: str | Sequence[str] | None = "9e82ba48dfc1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TERMS = sa.table(
    "contact_search_terms",
    sa.column("contact_id", sa.Integer()),
    sa.column("chapter_id", sa.Integer()),
    sa.column("sort_name", sa.String()),
)
_CONTACTS = sa.table(
    "contacts",
    sa.column("id", sa.Integer()),
    sa.column("chapter_id", sa.Integer()),
    sa.column("sort_name", sa.String()),
    sa.column("deleted_at", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chapter_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sort_name", sa.String(length=300), nullable=True))

    trashed = sa.select(_CONTACTS.c.id).where(_CONTACTS.c.deleted_at.is_not(None))
    op.execute(sa.delete(_TERMS).where(_TERMS.c.contact_id.in_(trashed)))
    own = _CONTACTS.c.id == _TERMS.c.contact_id
    op.execute(
        sa.update(_TERMS).values(
            chapter_id=sa.select(_CONTACTS.c.chapter_id).where(own).scalar_subquery(),
            sort_name=sa.select(_CONTACTS.c.sort_name).where(own).scalar_subquery(),
        )
    )

    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_search_terms_term_contact_id")
        batch_op.alter_column("chapter_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("sort_name", existing_type=sa.String(length=300), nullable=False)
        batch_op.create_index(
            "ix_contact_search_terms_chapter_id_term_sort_name_contact_id",
            ["chapter_id", "term", "sort_name", "contact_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_search_terms_chapter_id_term_sort_name_contact_id")
        batch_op.drop_column("sort_name")
        batch_op.drop_column("chapter_id")
        batch_op.create_index("ix_contact_search_terms_term_contact_id", ["term", "contact_id"], unique=False)
