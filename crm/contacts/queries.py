"""Read queries for contacts: the filtered list, one contact, and the pieces of its page.

Every query takes the chapter ids the reader may see (``crm.auth.access.visible_chapter_ids``),
so nothing outside those chapters is ever selected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from crm.auth.models import Membership, User
from crm.contacts.models import (
    Contact,
    ContactKind,
    ContactSearchTerm,
    ListensTo,
    Organisation,
    OrganisationKind,
    Position,
    Stance,
    StanceChange,
    Tag,
    contact_holders,
    contact_tags,
)
from crm.contacts.search import MAX_TERM, matching

MERGE_ROWS = 1000


@dataclass(frozen=True)
class ContactFilters:
    """What the contacts list is narrowed to; every field optional."""

    q: str = ""
    kind: ContactKind | None = None
    stance: Stance | None = None
    target: bool = False
    holder_id: int | None = None
    country: str | None = None
    chapter_id: int | None = None
    tag: str | None = None
    sort: str = "name"


def in_chapters(column: Any, chapter_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """Restrict ``column`` to ``chapter_ids``; one chapter is an equality, which SQLite plans better."""
    if len(chapter_ids) == 1:
        return column == chapter_ids[0]  # type: ignore[no-any-return]
    return column.in_(list(chapter_ids))  # type: ignore[no-any-return]


def _tag_condition(tag: str, chapter_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """Match contacts carrying a tag given by name (any case) or id, among the readable chapters' tags."""
    wanted = sa.func.lower(Tag.name) == tag.strip().lower()
    if tag.strip().isdigit():
        wanted = sa.or_(wanted, Tag.id == int(tag.strip()))
    tag_ids = sa.select(Tag.id).where(in_chapters(Tag.chapter_id, chapter_ids), wanted)
    return Contact.id.in_(sa.select(contact_tags.c.contact_id).where(contact_tags.c.tag_id.in_(tag_ids)))


def _searched(query: str) -> Any:
    """Return the ids of contacts matching ``query``; an email address is looked up whole, by prefix.

    ``search.matching`` splits the query into words, but an address is indexed as one term ("jb@kamer.nl").
    """
    text = query.strip().casefold()
    if "@" in text and not any(c.isspace() for c in text):
        text = text[:MAX_TERM]
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        return sa.select(ContactSearchTerm.contact_id).where(
            ContactSearchTerm.term >= text, ContactSearchTerm.term < upper
        )
    return matching(query)


def _conditions(chapter_ids: Sequence[int], filters: ContactFilters) -> list[sa.ColumnElement[bool]]:
    chapter_ids = _readable(chapter_ids, filters)
    ids = _searched(filters.q) if filters.q else None
    # A search starts from the matching ids and looks each up by primary key, which costs what the matches
    # cost. Given an index on the chapter, SQLite would rather walk the whole chapter testing each contact
    # against the matches (25 ms at 60,000 contacts, even for a name nobody has); "+ 0" keeps that index out.
    chapter_column = Contact.chapter_id + 0 if ids is not None else Contact.chapter_id
    conditions = [in_chapters(chapter_column, chapter_ids), Contact.deleted_at.is_(None)]
    if filters.kind is not None:
        conditions.append(Contact.kind == filters.kind)
    if filters.stance is not None:
        conditions.append(Contact.stance == filters.stance)
    if filters.target:
        conditions.append(Contact.is_target.is_(True))
    if filters.country:
        conditions.append(Contact.country == filters.country)
    if filters.holder_id is not None:
        held = sa.select(contact_holders.c.contact_id).where(contact_holders.c.user_id == filters.holder_id)
        conditions.append(Contact.id.in_(held))
    if filters.tag:
        conditions.append(_tag_condition(filters.tag, chapter_ids))
    if ids is not None:
        conditions.append(Contact.id.in_(ids))
    return conditions


def _order(sort: str) -> tuple[Any, ...]:
    # "created" orders by id: ids grow with creation time, and the primary key needs no extra index.
    return {
        "name": (Contact.sort_name, Contact.id),
        "-name": (Contact.sort_name.desc(), Contact.id.desc()),
        "updated": (Contact.updated_at.desc(), Contact.id.desc()),
        "created": (Contact.id.desc(),),
    }.get(sort, (Contact.sort_name, Contact.id))


def _readable(chapter_ids: Sequence[int], filters: ContactFilters) -> list[int]:
    if filters.chapter_id is None:
        return list(chapter_ids)
    return [filters.chapter_id] if filters.chapter_id in chapter_ids else []


def contact_list(
    chapter_ids: Sequence[int], filters: ContactFilters, *, upto: int | None = None
) -> sa.Select[tuple[Contact]]:
    """Return the live contacts matching ``filters``, sorted, with what a list row shows.

    ``upto`` (the last row the page shows, page × page size) lets a reader of several chapters get each
    chapter's first ``upto`` rows from its own index and merge those, instead of sorting every contact of
    all the chapters: a database cannot read one index in order across several chapter ids. Deep pages
    (past ``MERGE_ROWS``) sort everything, as merging would then look up more rows than it saves.
    """
    order = _order(filters.sort)
    chapters = _readable(chapter_ids, filters)
    if upto is not None and upto <= MERGE_ROWS and len(chapters) > 1 and not filters.q:
        firsts = [
            sa.select(Contact.id).where(*_conditions([chapter], filters)).order_by(*order).limit(upto).subquery()
            for chapter in chapters
        ]
        stmt = sa.select(Contact).where(Contact.id.in_(sa.union_all(*(sa.select(f.c.id) for f in firsts))))
    else:
        stmt = sa.select(Contact).where(*_conditions(chapter_ids, filters))
    # Only what a row shows; its current positions and tags come from row_positions and row_tags as plain
    # rows: building a few hundred related objects per page costs more than all of the page's SQL.
    return stmt.order_by(*order).options(
        load_only(
            Contact.chapter_id,
            Contact.display_name,
            Contact.kind,
            Contact.stance,
            Contact.is_target,
            Contact.priority,
            Contact.country,
        )
    )


def with_total(stmt: sa.Select[tuple[Contact]]) -> sa.Select[tuple[Contact, int]]:
    """Add the number of rows the whole list has (before LIMIT) to each row of ``stmt``."""
    return stmt.add_columns(sa.func.count().over().label("total"))


def row_positions(contact_ids: Sequence[int], today: dt.date) -> sa.Select[tuple[int, str, str, OrganisationKind]]:
    """Return (contact id, title, organisation name, organisation kind) of the contacts' current positions."""
    return (
        sa.select(Position.contact_id, Position.title, Organisation.name, Organisation.kind)
        .join(Organisation, Organisation.id == Position.organisation_id)
        .where(
            Position.contact_id.in_(list(contact_ids)),
            sa.or_(Position.start_date.is_(None), Position.start_date <= today),
            sa.or_(Position.end_date.is_(None), Position.end_date >= today),
        )
        .order_by(Position.contact_id, Position.start_date.desc(), Position.id)
    )


def row_tags(contact_ids: Sequence[int]) -> sa.Select[tuple[int, str]]:
    """Return (contact id, tag name) of the contacts' tags, by name."""
    return (
        sa.select(contact_tags.c.contact_id, Tag.name)
        .join(Tag, Tag.id == contact_tags.c.tag_id)
        .where(contact_tags.c.contact_id.in_(list(contact_ids)))
        .order_by(contact_tags.c.contact_id, Tag.name)
    )


def contact_count(chapter_ids: Sequence[int], filters: ContactFilters) -> sa.Select[tuple[int]]:
    """Count the live contacts matching ``filters`` (no join, so an index alone can answer it)."""
    return sa.select(sa.func.count()).select_from(Contact).where(*_conditions(chapter_ids, filters))


def contact_by_id(
    chapter_ids: Sequence[int], contact_id: int, *, deleted: bool | None = False, detail: bool = False
) -> sa.Select[tuple[Contact]]:
    """Return one contact of the readable chapters; ``deleted`` None means live or in the trash.

    With ``detail``, load everything the contact page shows in a constant number of statements.
    """
    stmt = sa.select(Contact).where(Contact.id == contact_id, in_chapters(Contact.chapter_id, chapter_ids))
    if deleted is not None:
        stmt = stmt.where(Contact.deleted_at.is_not(None) if deleted else Contact.deleted_at.is_(None))
    if detail:
        stmt = stmt.options(
            joinedload(Contact.chapter),
            selectinload(Contact.methods),
            selectinload(Contact.positions).joinedload(Position.organisation),
            selectinload(Contact.tags),
            selectinload(Contact.holders),
            selectinload(Contact.external_ids),
        )
    return stmt


def trash(chapter_ids: Sequence[int]) -> sa.Select[tuple[Contact]]:
    """Return the deleted contacts of the readable chapters, most recently deleted first."""
    return (
        sa.select(Contact)
        .where(in_chapters(Contact.chapter_id, chapter_ids), Contact.deleted_at.is_not(None))
        .order_by(Contact.deleted_at.desc(), Contact.id.desc())
    )


def stance_history(contact_id: int) -> sa.Select[tuple[StanceChange]]:
    """Return a contact's recorded stances, newest first, with who recorded them."""
    return (
        sa.select(StanceChange)
        .where(StanceChange.contact_id == contact_id)
        .options(joinedload(StanceChange.recorded_by))
        .order_by(StanceChange.recorded_at.desc(), StanceChange.id.desc())
    )


def _linked(link_column: Any, other_column: Any, contact_id: int, chapter_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """Restrict links of ``contact_id`` to those whose other end is a live contact the reader may see.

    The database must start from the contact's few links and look their other ends up by id. Left to
    itself, SQLite without statistics walks the whole chapter through its index instead; ``chapter_id + 0``
    is the classic way to keep an index out of a plan, and means the same on every database.
    """
    others = sa.select(other_column).where(link_column == contact_id)
    visible = sa.select(Contact.id).where(
        Contact.id.in_(others), in_chapters(Contact.chapter_id + 0, chapter_ids), Contact.deleted_at.is_(None)
    )
    return sa.and_(link_column == contact_id, other_column.in_(visible))


def listens_to(contact_id: int, chapter_ids: Sequence[int]) -> sa.Select[tuple[ListensTo]]:
    """Return whom a contact listens to, among live contacts the reader may see, oldest link first."""
    return (
        sa.select(ListensTo)
        .where(_linked(ListensTo.listener_id, ListensTo.trusted_id, contact_id, chapter_ids))
        .options(joinedload(ListensTo.trusted))
        .order_by(ListensTo.id)
    )


def listened_by(contact_id: int, chapter_ids: Sequence[int]) -> sa.Select[tuple[ListensTo]]:
    """Return who listens to a contact, among live contacts the reader may see, oldest link first."""
    return (
        sa.select(ListensTo)
        .where(_linked(ListensTo.trusted_id, ListensTo.listener_id, contact_id, chapter_ids))
        .options(joinedload(ListensTo.listener))
        .order_by(ListensTo.id)
    )


def live_organisations(chapter_id: int) -> sa.Select[tuple[Organisation]]:
    """Return a chapter's organisations that are not in the trash, by name."""
    return (
        sa.select(Organisation)
        .where(Organisation.chapter_id == chapter_id, Organisation.deleted_at.is_(None))
        .order_by(Organisation.sort_name, Organisation.id)
    )


def organisation_names(chapter_id: int, limit: int) -> sa.Select[tuple[str, OrganisationKind]]:
    """Return up to ``limit`` (name, kind) of a chapter's live organisations, for a typing suggestion list."""
    return (
        sa.select(Organisation.name, Organisation.kind)
        .where(Organisation.chapter_id == chapter_id, Organisation.deleted_at.is_(None))
        .order_by(Organisation.sort_name, Organisation.id)
        .limit(limit)
    )


def members(chapter_ids: Sequence[int]) -> sa.Select[tuple[int, str, int]]:
    """Return (user id, name, chapter id) of the members of these chapters, by name."""
    return (
        sa.select(User.id, User.name, Membership.chapter_id)
        .join(Membership, Membership.user_id == User.id)
        .where(in_chapters(Membership.chapter_id, chapter_ids), User.is_active.is_(True))
        .order_by(User.name, User.id)
    )
