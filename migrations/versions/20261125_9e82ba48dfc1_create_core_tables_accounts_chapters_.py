"""create core tables: accounts, chapters, contacts, organisations, history, outbox

Revision ID: 9e82ba48dfc1
Revises:
Create Date: 2026-11-25 13:06:36.409613

Migrations must be fast and backward-compatible with the code that runs before them: add nullable columns or
columns with server defaults, backfill in batches, and drop things only in a later release.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e82ba48dfc1"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "chapters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind", sa.Enum("national", "local", name="chapterkind", native_enum=False, length=20), nullable=False
        ),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("default_cadence_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["chapters.id"], name=op.f("fk_chapters_parent_id_chapters"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapters")),
        sa.UniqueConstraint("name", name=op.f("uq_chapters_name")),
    )
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chapters_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_kind_key_at", ["kind", "key", "at"], unique=False)

    op.create_table(
        "outbound_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), server_default="", nullable=False),
        sa.Column("body_html", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "sending", "sent", "failed", name="emailstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_emails")),
    )
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.create_index("ix_outbound_emails_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("session_token", name=op.f("uq_users_session_token")),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum("created", "updated", "deleted", "restored", name="action", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_changes_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_changes_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_chapter_id"), ["chapter_id"], unique=False)
        batch_op.create_index("ix_changes_entity_type_entity_id_at", ["entity_type", "entity_id", "at"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("honorific", sa.String(length=60), nullable=True),
        sa.Column("given_name", sa.String(length=120), nullable=True),
        sa.Column("name_prefix", sa.String(length=40), nullable=True),
        sa.Column("family_name", sa.String(length=120), nullable=True),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("sort_name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "representative",
                "staff",
                "helper",
                "journalist",
                "other",
                name="contactkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("constituency", sa.String(length=200), nullable=True),
        sa.Column(
            "stance",
            sa.Enum(
                "champion",
                "supportive",
                "undecided",
                "skeptical",
                "opposed",
                "unknown",
                name="stance",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("is_target", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=True),
        sa.Column("goals", sa.Text(), server_default="", nullable=False),
        sa.Column("background", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "understands_catastrophic_risk",
            sa.Enum("unknown", "no", "partly", "yes", name="understanding", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "understands_ai",
            sa.Enum("unknown", "no", "partly", "yes", name="understanding", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "understands_global_coordination",
            sa.Enum("unknown", "no", "partly", "yes", name="understanding", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "technical_background",
            sa.Enum("unknown", "no", "partly", "yes", name="understanding", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("cadence_days IS NULL OR cadence_days > 0", name=op.f("ck_contacts_cadence_positive")),
        sa.CheckConstraint("priority IS NULL OR (priority BETWEEN 1 AND 5)", name=op.f("ck_contacts_priority_range")),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_contacts_chapter_id_chapters"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_contacts_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_chapter_id_deleted_at_is_target_stance",
            ["chapter_id", "deleted_at", "is_target", "stance"],
            unique=False,
        )
        batch_op.create_index(
            "ix_contacts_chapter_id_deleted_at_kind_sort_name",
            ["chapter_id", "deleted_at", "kind", "sort_name"],
            unique=False,
        )
        batch_op.create_index(
            "ix_contacts_chapter_id_deleted_at_sort_name", ["chapter_id", "deleted_at", "sort_name"], unique=False
        )
        batch_op.create_index("ix_contacts_chapter_id_updated_at", ["chapter_id", "updated_at"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "role", sa.Enum("volunteer", "coordinator", name="role", native_enum=False, length=20), nullable=False
        ),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_invitations_accepted_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_invitations_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_chapter_id"), ["chapter_id"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column(
            "role", sa.Enum("volunteer", "coordinator", name="role", native_enum=False, length=20), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_memberships_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("user_id", "chapter_id", name=op.f("uq_memberships_user_id_chapter_id")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_chapter_id"), ["chapter_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sort_name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "parliament",
                "party",
                "committee",
                "ministry",
                "agency",
                "ngo",
                "university",
                "media",
                "company",
                "other",
                name="organisationkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_organisations_chapter_id_chapters"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_parent_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_chapter_id_sort_name", ["chapter_id", "sort_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisations_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_tags_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("chapter_id", "name", name=op.f("uq_tags_chapter_id_name")),
    )
    op.create_table(
        "contact_holders",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_holders_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contact_holders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "user_id", name=op.f("pk_contact_holders")),
    )
    with op.batch_alter_table("contact_holders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_holders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "contact_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("email", "phone", "address", "link", name="methodkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=60), server_default="", nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_methods_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_methods")),
    )
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_methods_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "contact_search_terms",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_search_terms_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "term", name=op.f("pk_contact_search_terms")),
    )
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.create_index("ix_contact_search_terms_term_contact_id", ["term", "contact_id"], unique=False)

    op.create_table(
        "contact_tags",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_tags_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_contact_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id", "tag_id", name=op.f("pk_contact_tags")),
    )
    with op.batch_alter_table("contact_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "external_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["chapters.id"], name=op.f("fk_external_ids_chapter_id_chapters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_external_ids_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_ids")),
        sa.UniqueConstraint("chapter_id", "scheme", "value", name=op.f("uq_external_ids_chapter_id_scheme_value")),
    )
    with op.batch_alter_table("external_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_ids_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "listens_to",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listener_id", sa.Integer(), nullable=False),
        sa.Column("trusted_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("listener_id <> trusted_id", name=op.f("ck_listens_to_not_self")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_listens_to_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["listener_id"], ["contacts.id"], name=op.f("fk_listens_to_listener_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["trusted_id"], ["contacts.id"], name=op.f("fk_listens_to_trusted_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listens_to")),
        sa.UniqueConstraint("listener_id", "trusted_id", name=op.f("uq_listens_to_listener_id_trusted_id")),
    )
    with op.batch_alter_table("listens_to", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listens_to_trusted_id"), ["trusted_id"], unique=False)

    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_positions_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_positions_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_positions_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_positions_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "stance_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "champion",
                "supportive",
                "undecided",
                "skeptical",
                "opposed",
                "unknown",
                name="stance",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "previous_stance",
            sa.Enum(
                "champion",
                "supportive",
                "undecided",
                "skeptical",
                "opposed",
                "unknown",
                name="stance",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_stance_changes_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_stance_changes_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stance_changes")),
    )
    with op.batch_alter_table("stance_changes", schema=None) as batch_op:
        batch_op.create_index("ix_stance_changes_contact_id_recorded_at", ["contact_id", "recorded_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("stance_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_stance_changes_contact_id_recorded_at")

    op.drop_table("stance_changes")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_positions_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_positions_contact_id"))

    op.drop_table("positions")
    with op.batch_alter_table("listens_to", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listens_to_trusted_id"))

    op.drop_table("listens_to")
    with op.batch_alter_table("external_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_ids_contact_id"))

    op.drop_table("external_ids")
    with op.batch_alter_table("contact_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_tags_tag_id"))

    op.drop_table("contact_tags")
    with op.batch_alter_table("contact_search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_search_terms_term_contact_id")

    op.drop_table("contact_search_terms")
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_methods_contact_id"))

    op.drop_table("contact_methods")
    with op.batch_alter_table("contact_holders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_holders_user_id"))

    op.drop_table("contact_holders")
    op.drop_table("tags")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_parent_id"))
        batch_op.drop_index("ix_organisations_chapter_id_sort_name")

    op.drop_table("organisations")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_chapter_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_chapter_id"))

    op.drop_table("invitations")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_chapter_id_updated_at")
        batch_op.drop_index("ix_contacts_chapter_id_deleted_at_sort_name")
        batch_op.drop_index("ix_contacts_chapter_id_deleted_at_kind_sort_name")
        batch_op.drop_index("ix_contacts_chapter_id_deleted_at_is_target_stance")

    op.drop_table("contacts")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_entity_type_entity_id_at")
        batch_op.drop_index(batch_op.f("ix_changes_chapter_id"))

    op.drop_table("changes")
    op.drop_table("users")
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_emails_status_created_at")

    op.drop_table("outbound_emails")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_kind_key_at")

    op.drop_table("login_failures")
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chapters_parent_id"))

    op.drop_table("chapters")
