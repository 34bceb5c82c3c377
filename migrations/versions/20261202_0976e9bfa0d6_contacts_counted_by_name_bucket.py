"""contacts counted by chapter, kind and name bucket; sort names and search terms compared by code point

Revision ID: 0976e9bfa0d6
Revises: 5c0e6a91d7f3
Create Date: 2026-12-02 10:20:00.000000

``contact_name_buckets`` holds, per chapter, per kind and for every kind together ("*"), how many live contacts
have a sort name beginning with each two characters; a deep page of the contacts list starts from its bucket
(crm.contacts.buckets). The counts are filled from the contacts here; from then on the contacts service keeps
them. Code older than this revision would not: deploy the code with the migration.

On PostgreSQL the sort names and search terms get the "C" collation, so they compare by code point as on
SQLite: the buckets and the search's prefix ranges rely on it, whatever the database's own collation (a
language's collation, such as en_US, ignores spaces). This rebuilds their indexes. The downgrade gives them the
database's default collation again and drops the counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0976e9bfa0d6"
down_revision: str | Sequence[str] | None = "5c0e6a91d7f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKET_LENGTH = 2  # crm.contacts.buckets.BUCKET_LENGTH when this revision was written
ALL_KINDS = "*"
# (table, column, length) of the keys compared by code point on PostgreSQL
_KEYS = [
    ("contacts", "sort_name", 300),
    ("organisations", "sort_name", 300),
    ("contact_search_terms", "term", 120),
    ("contact_search_terms", "prefix", 4),
    ("contact_search_terms", "sort_name", 300),
]
_CONTACTS = sa.table(
    "contacts",
    sa.column("chapter_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("sort_name", sa.String()),
    sa.column("deleted_at", sa.DateTime()),
)
_BUCKETS = sa.table(
    "contact_name_buckets",
    sa.column("chapter_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("bucket", sa.String()),
    sa.column("contacts", sa.Integer()),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgresql():
        for table, column, length in _KEYS:
            op.alter_column(table, column, type_=sa.String(length, collation="C"), existing_type=sa.String(length))
    bucket_type = sa.String(BUCKET_LENGTH).with_variant(sa.String(BUCKET_LENGTH, collation="C"), "postgresql")
    op.create_table(
        "contact_name_buckets",
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("bucket", bucket_type, nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapters.id"],
            name=op.f("fk_contact_name_buckets_chapter_id_chapters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chapter_id", "kind", "bucket", name=op.f("pk_contact_name_buckets")),
    )
    c = _CONTACTS.c
    bucket = sa.func.substr(c.sort_name, 1, BUCKET_LENGTH)
    live = c.deleted_at.is_(None)
    counted = sa.union_all(
        sa.select(c.chapter_id, c.kind, bucket, sa.func.count()).where(live).group_by(c.chapter_id, c.kind, bucket),
        sa.select(c.chapter_id, sa.literal(ALL_KINDS), bucket, sa.func.count())
        .where(live)
        .group_by(c.chapter_id, bucket),
    )
    op.execute(sa.insert(_BUCKETS).from_select(["chapter_id", "kind", "bucket", "contacts"], counted))


def downgrade() -> None:
    op.drop_table("contact_name_buckets")
    if _postgresql():
        for table, column, length in _KEYS:
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.String(length, collation="C"))
