"""People, organisations, positions and what the lobbying method records about a person."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base, code_point_ordered, created_at, flag_false, pk, text, updated_at
from crm.enums import str_enum

if TYPE_CHECKING:
    from crm.auth.models import Chapter, User


class ContactKind(enum.StrEnum):
    REPRESENTATIVE = "representative"
    STAFF = "staff"
    HELPER = "helper"
    JOURNALIST = "journalist"
    OTHER = "other"


class Stance(enum.StrEnum):
    CHAMPION = "champion"
    SUPPORTIVE = "supportive"
    UNDECIDED = "undecided"
    SKEPTICAL = "skeptical"
    OPPOSED = "opposed"
    UNKNOWN = "unknown"


class Understanding(enum.StrEnum):
    UNKNOWN = "unknown"
    NO = "no"
    PARTLY = "partly"
    YES = "yes"


class OrganisationKind(enum.StrEnum):
    PARLIAMENT = "parliament"
    PARTY = "party"
    COMMITTEE = "committee"
    MINISTRY = "ministry"
    AGENCY = "agency"
    NGO = "ngo"
    UNIVERSITY = "university"
    MEDIA = "media"
    COMPANY = "company"
    OTHER = "other"


class MethodKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    LINK = "link"


contact_tags = sa.Table(
    "contact_tags",
    Base.metadata,
    sa.Column("contact_id", sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

contact_holders = sa.Table(
    "contact_holders",
    Base.metadata,
    sa.Column("contact_id", sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (sa.Index("ix_organisations_chapter_id_sort_name", "chapter_id", "sort_name"),)

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(300))
    sort_name: Mapped[str] = mapped_column(code_point_ordered(300))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[text]
    deleted_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    chapter: Mapped[Chapter] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side="Organisation.id")
    positions: Mapped[list[Position]] = relationship(back_populates="organisation")


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (sa.UniqueConstraint("chapter_id", "name"),)

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(60))


_LIVE_ONLY = {"sqlite_where": sa.text("deleted_at IS NULL"), "postgresql_where": sa.text("deleted_at IS NULL")}
_TRASH = {"sqlite_where": sa.text("deleted_at IS NOT NULL"), "postgresql_where": sa.text("deleted_at IS NOT NULL")}


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        # Lists filter on chapter and sort (the most used filter, kind, gets its own index); they read live
        # contacts only. Partial indexes (WHERE deleted_at IS NULL) give them their order:
        # PostgreSQL does not treat "deleted_at IS NULL" as fixing an index column, so with deleted_at leading
        # the key it sorted the whole chapter instead (40 ms at 60,000 contacts, against 0.7 ms). The id breaks
        # ties, as every sort does. deleted_at comes last only for SQLite: it reads a partial index without
        # the table only when the index holds every column the query names (a deep page: 1.0 -> 0.5 ms).
        sa.Index(
            "ix_contacts_live_chapter_id_sort_name_id", "chapter_id", "sort_name", "id", "deleted_at", **_LIVE_ONLY
        ),
        sa.Index(
            "ix_contacts_live_chapter_id_kind_sort_name_id",
            "chapter_id",
            "kind",
            "sort_name",
            "id",
            "deleted_at",
            **_LIVE_ONLY,
        ),
        sa.Index(
            "ix_contacts_live_chapter_id_is_target_stance",
            "chapter_id",
            "is_target",
            "stance",
            "deleted_at",
            **_LIVE_ONLY,
        ),
        sa.Index(
            "ix_contacts_live_chapter_id_updated_at_id", "chapter_id", "updated_at", "id", "deleted_at", **_LIVE_ONLY
        ),
        sa.Index(
            "ix_contacts_live_chapter_id_id", "chapter_id", "id", "deleted_at", **_LIVE_ONLY
        ),  # newest first ("created")
        sa.Index("ix_contacts_trash_chapter_id_deleted_at", "chapter_id", "deleted_at", **_TRASH),
        sa.CheckConstraint("priority IS NULL OR (priority BETWEEN 1 AND 5)", name="priority_range"),
        sa.CheckConstraint("cadence_days IS NULL OR cadence_days > 0", name="cadence_positive"),
    )

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="RESTRICT"))
    honorific: Mapped[str | None] = mapped_column(sa.String(60))
    given_name: Mapped[str | None] = mapped_column(sa.String(120))
    name_prefix: Mapped[str | None] = mapped_column(sa.String(40))  # "van der", "de"
    family_name: Mapped[str | None] = mapped_column(sa.String(120))
    display_name: Mapped[str] = mapped_column(sa.String(300))
    # Lower-cased, accent-free "family given" for sorting; maintained by the contacts service.
    sort_name: Mapped[str] = mapped_column(code_point_ordered(300))
    kind: Mapped[ContactKind] = mapped_column(str_enum(ContactKind))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    constituency: Mapped[str | None] = mapped_column(sa.String(200))
    stance: Mapped[Stance] = mapped_column(str_enum(Stance), default=Stance.UNKNOWN)
    is_target: Mapped[flag_false]
    priority: Mapped[int | None] = mapped_column(sa.SmallInteger)
    goals: Mapped[text]
    background: Mapped[text]
    understands_catastrophic_risk: Mapped[Understanding] = mapped_column(
        str_enum(Understanding), default=Understanding.UNKNOWN
    )
    understands_ai: Mapped[Understanding] = mapped_column(str_enum(Understanding), default=Understanding.UNKNOWN)
    understands_global_coordination: Mapped[Understanding] = mapped_column(
        str_enum(Understanding), default=Understanding.UNKNOWN
    )
    technical_background: Mapped[Understanding] = mapped_column(str_enum(Understanding), default=Understanding.UNKNOWN)
    cadence_days: Mapped[int | None]
    notes: Mapped[text]
    deleted_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    chapter: Mapped[Chapter] = relationship()
    methods: Mapped[list[ContactMethod]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="(ContactMethod.kind, ContactMethod.id)"
    )
    positions: Mapped[list[Position]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Position.start_date.desc()"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tags, order_by="Tag.name")
    holders: Mapped[list[User]] = relationship(secondary=contact_holders, order_by="User.name")
    external_ids: Mapped[list[ExternalId]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ExternalId.scheme"
    )


class ContactMethod(Base):
    """A labelled email address, phone number, postal address or link."""

    __tablename__ = "contact_methods"

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MethodKind] = mapped_column(str_enum(MethodKind))
    label: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    value: Mapped[str] = mapped_column(sa.String(500))

    contact: Mapped[Contact] = relationship(back_populates="methods")


class Position(Base):
    """A role a person holds in an organisation: a seat, a committee, a party, a job."""

    __tablename__ = "positions"

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]

    contact: Mapped[Contact] = relationship(back_populates="positions")
    organisation: Mapped[Organisation] = relationship(back_populates="positions")

    def is_current(self, today: dt.date) -> bool:
        """Tell whether the position holds on ``today``."""
        started = self.start_date is None or self.start_date <= today
        return started and (self.end_date is None or self.end_date >= today)


class StanceChange(Base):
    """Who recorded which stance for a contact, and when."""

    __tablename__ = "stance_changes"
    __table_args__ = (sa.Index("ix_stance_changes_contact_id_recorded_at", "contact_id", "recorded_at"),)

    id: Mapped[pk]
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"))
    stance: Mapped[Stance] = mapped_column(str_enum(Stance))
    previous_stance: Mapped[Stance | None] = mapped_column(str_enum(Stance))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[created_at]
    note: Mapped[text]

    recorded_by: Mapped[User | None] = relationship()


class ListensTo(Base):
    """A directed "listens to" link: ``listener`` takes advice from ``trusted``."""

    __tablename__ = "listens_to"
    __table_args__ = (
        sa.UniqueConstraint("listener_id", "trusted_id"),
        sa.CheckConstraint("listener_id <> trusted_id", name="not_self"),
    )

    id: Mapped[pk]
    listener_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"))
    trusted_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    note: Mapped[text]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    listener: Mapped[Contact] = relationship(foreign_keys=[listener_id])
    trusted: Mapped[Contact] = relationship(foreign_keys=[trusted_id])


class ExternalId(Base):
    """An identifier in another system (Wikidata, a parliament's own id, US bioguide), unique per chapter."""

    __tablename__ = "external_ids"
    __table_args__ = (sa.UniqueConstraint("chapter_id", "scheme", "value"),)

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(sa.String(30))
    value: Mapped[str] = mapped_column(sa.String(100))

    contact: Mapped[Contact] = relationship(back_populates="external_ids")


class ContactSearchTerm(Base):
    """One normalised word a live contact can be found by (name, organisation, tag, email); prefix-searched.

    The contact's chapter and sort name are copied in (``crm.contacts.search`` keeps them), so that a search
    finds, sorts and counts a chapter's matches from one index, reading a contact only for the rows it shows.
    ``prefix`` is the term's first ``search.PREFIX_LENGTH`` characters: a chapter's terms of one prefix are
    indexed in name order, so a search for a word that long reads its matches already sorted. A contact in the
    trash has no terms: a search never sees it. The primary key serves reindexing.
    """

    __tablename__ = "contact_search_terms"
    __table_args__ = (
        sa.Index(
            "ix_contact_search_terms_chapter_id_term_sort_name_contact_id",
            "chapter_id",
            "term",
            "sort_name",
            "contact_id",
        ),
        sa.Index(
            "ix_contact_search_terms_chapter_id_prefix_sort_name_contact_id",
            "chapter_id",
            "prefix",
            "sort_name",
            "contact_id",
            "term",
        ),
    )

    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(code_point_ordered(120), primary_key=True)
    prefix: Mapped[str] = mapped_column(code_point_ordered(4))  # term[:PREFIX_LENGTH]
    chapter_id: Mapped[int]  # the contact's (a contact never changes chapter)
    sort_name: Mapped[str] = mapped_column(code_point_ordered(300))  # the contact's


class ContactNameBucket(Base):
    """How many live contacts of a chapter, of one kind or of every kind (``kind`` "*"), have a sort name that
    begins with ``bucket`` (its first ``buckets.BUCKET_LENGTH`` characters): the contacts list's order statistics.

    Summed in name order, the counts tell which bucket a deep page of the list starts in and how many contacts
    come before it, so the page is read from there instead of stepping over every contact before it
    (``crm.contacts.buckets``). The contacts service keeps the counts in the transaction of each change.
    """

    __tablename__ = "contact_name_buckets"

    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)  # a ContactKind's value, or "*"
    bucket: Mapped[str] = mapped_column(code_point_ordered(2), primary_key=True)
    contacts: Mapped[int]
