"""contacts list indexes cover live contacts only

Revision ID: b9c1145ec87a
Revises: 2a34d544e87b
Create Date: 2026-11-25 15:40:22.652260

The list indexes become partial (WHERE deleted_at IS NULL) and end with the id: PostgreSQL does not treat
"deleted_at IS NULL" as fixing an index column, so with deleted_at in the key it sorted a whole chapter for
every list page (40 ms at 60,000 contacts; 0.7 ms with these). The newest-first sort ("created") gets one too;
it sorted the chapter by id. The trash gets a small index of its own. The new indexes are created before the old
ones are dropped, so the lists are never without one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b9c1145ec87a"
down_revision: str | Sequence[str] | None = "2a34d544e87b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = {"sqlite_where": sa.text("deleted_at IS NULL"), "postgresql_where": sa.text("deleted_at IS NULL")}
TRASH = {"sqlite_where": sa.text("deleted_at IS NOT NULL"), "postgresql_where": sa.text("deleted_at IS NOT NULL")}
# deleted_at ends the live keys only for SQLite, which reads a partial index without the table only when it holds
# every column the query names.
NEW = {
    "ix_contacts_live_chapter_id_sort_name_id": (["chapter_id", "sort_name", "id", "deleted_at"], LIVE),
    "ix_contacts_live_chapter_id_kind_sort_name_id": (["chapter_id", "kind", "sort_name", "id", "deleted_at"], LIVE),
    "ix_contacts_live_chapter_id_is_target_stance": (["chapter_id", "is_target", "stance", "deleted_at"], LIVE),
    "ix_contacts_live_chapter_id_updated_at_id": (["chapter_id", "updated_at", "id", "deleted_at"], LIVE),
    "ix_contacts_live_chapter_id_id": (["chapter_id", "id", "deleted_at"], LIVE),
    "ix_contacts_trash_chapter_id_deleted_at": (["chapter_id", "deleted_at"], TRASH),
}
OLD = {
    "ix_contacts_chapter_id_deleted_at_sort_name": ["chapter_id", "deleted_at", "sort_name"],
    "ix_contacts_chapter_id_deleted_at_kind_sort_name": ["chapter_id", "deleted_at", "kind", "sort_name"],
    "ix_contacts_chapter_id_deleted_at_is_target_stance": ["chapter_id", "deleted_at", "is_target", "stance"],
    "ix_contacts_chapter_id_updated_at": ["chapter_id", "updated_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for name, (columns, where) in NEW.items():
            batch_op.create_index(name, columns, unique=False, **where)
        for name in OLD:
            batch_op.drop_index(name)


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for name, columns in OLD.items():
            batch_op.create_index(name, columns, unique=False)
        for name in NEW:
            batch_op.drop_index(name)
