"""Read queries for organisations: the list, one organisation, its tree, its people and its trash.

Every function takes the chapter ids the caller may see (``crm.auth.access.visible_chapter_ids``) or an
organisation already fetched through them, so nothing here can reach another chapter's records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from crm.contacts.models import Contact, Organisation, OrganisationKind, Position
from crm.history.models import Change
from crm.text import fold

ENTITY = "organisation"  # the entity_type of an organisation's change records


@dataclass(frozen=True)
class Filters:
    """What the organisations list is narrowed to; ``None`` means no filter."""

    q: str | None = None
    kind: OrganisationKind | None = None
    country: str | None = None
    parent_id: int | None = None
    sort: str = "name"


SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Organisation.sort_name, Organisation.id),
    "-name": (Organisation.sort_name.desc(), Organisation.id.desc()),
    "recent": (Organisation.updated_at.desc(), Organisation.id.desc()),
}


def _live(chapter_ids: list[int]) -> list[sa.ColumnElement[bool]]:
    return [Organisation.chapter_id.in_(chapter_ids), Organisation.deleted_at.is_(None)]


def _list_conditions(chapter_ids: list[int], filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions = _live(chapter_ids)
    folded = " ".join(fold(filters.q).split()) if filters.q else ""
    if folded:
        # sort_name is the folded name, so this is case- and accent-insensitive; a substring scan over one
        # chapter's few thousand rows is cheap, and finds "kamer" in "Tweede Kamer".
        conditions.append(Organisation.sort_name.contains(folded, autoescape=True))
    if filters.kind is not None:
        conditions.append(Organisation.kind == filters.kind)
    if filters.country:
        conditions.append(Organisation.country == filters.country)
    if filters.parent_id is not None:
        conditions.append(Organisation.parent_id == filters.parent_id)
    return conditions


def organisation_list(chapter_ids: list[int], filters: Filters) -> sa.Select[tuple[Organisation]]:
    """Return the live organisations matching ``filters``, sorted, with their parents loaded."""
    return (
        sa.select(Organisation)
        .where(*_list_conditions(chapter_ids, filters))
        .options(joinedload(Organisation.parent))
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
    )


def organisation_count(chapter_ids: list[int], filters: Filters) -> sa.Select[tuple[int]]:
    """Count the live organisations matching ``filters``."""
    return sa.select(sa.func.count(Organisation.id)).where(*_list_conditions(chapter_ids, filters))


def countries_in_use(chapter_ids: list[int]) -> sa.Select[tuple[str]]:
    """Return the distinct country codes of the live organisations, for the country filter."""
    return (
        sa.select(Organisation.country)
        .where(*_live(chapter_ids), Organisation.country.is_not(None))
        .distinct()
        .order_by(Organisation.country)
    )


def organisation_by_id(
    chapter_ids: list[int], organisation_id: int, *, deleted: bool | None = False
) -> tuple[sa.Select[tuple[Organisation]], dict[str, Any]]:
    """Return (statement, parameters) of one organisation of a visible chapter, with parent and chapter loaded.

    ``deleted``: False for a live one, True for one in the trash, None for either. Every organisation page
    runs it, so the statement is built once per ``deleted``.
    """
    return _organisation_by_id(deleted), {"organisation_id": organisation_id, "chapter_ids": list(chapter_ids)}


@cache
def _organisation_by_id(deleted: bool | None) -> sa.Select[tuple[Organisation]]:
    stmt = (
        sa.select(Organisation)
        .where(
            Organisation.id == sa.bindparam("organisation_id", type_=sa.Integer),
            Organisation.chapter_id.in_(sa.bindparam("chapter_ids", expanding=True)),
        )
        .options(joinedload(Organisation.parent), joinedload(Organisation.chapter))
    )
    if deleted is not None:
        stmt = stmt.where(Organisation.deleted_at.is_not(None) if deleted else Organisation.deleted_at.is_(None))
    return stmt


def organisations_named(chapter_id: int, name: str) -> sa.Select[tuple[Organisation]]:
    """Return the live organisations of a chapter whose folded name equals ``name`` folded."""
    return (
        sa.select(Organisation)
        .where(
            Organisation.chapter_id == chapter_id,
            Organisation.deleted_at.is_(None),
            Organisation.sort_name == fold(" ".join(name.split())),
        )
        .order_by(Organisation.kind, Organisation.id)
    )


def same_name_and_kind(chapter_id: int, sort_name: str, kind: OrganisationKind) -> sa.Select[tuple[int]]:
    """Return the ids of live organisations of a chapter with this folded name and kind."""
    return sa.select(Organisation.id).where(
        Organisation.chapter_id == chapter_id,
        Organisation.deleted_at.is_(None),
        Organisation.sort_name == sort_name,
        Organisation.kind == kind,
    )


def child_count(organisation_id: int) -> sa.Select[tuple[int]]:
    """Count an organisation's live sub-organisations."""
    return sa.select(sa.func.count(Organisation.id)).where(
        Organisation.parent_id == organisation_id, Organisation.deleted_at.is_(None)
    )


def ancestor_ids(organisation_id: int) -> sa.Select[tuple[int]]:
    """Return the id of an organisation and of every organisation above it.

    UNION (not UNION ALL) drops repeated rows, so the recursion ends even on a cycle written around the
    services (by hand or by an old import).
    """
    tree = (
        sa.select(Organisation.id, Organisation.parent_id)
        .where(Organisation.id == organisation_id)
        .cte("ancestors", recursive=True)
    )
    above = aliased(Organisation)
    tree = tree.union(sa.select(above.id, above.parent_id).where(above.id == tree.c.parent_id))
    return sa.select(tree.c.id)


def descendant_ids(organisation_id: int) -> sa.Select[tuple[int]]:
    """Return the ids of every organisation below this one (children, their children, …)."""
    tree = (
        sa.select(Organisation.id).where(Organisation.parent_id == organisation_id).cte("descendants", recursive=True)
    )
    below = aliased(Organisation)
    tree = tree.union(sa.select(below.id).where(below.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def parent_options(
    chapter_ids: list[int], *, exclude: sa.Select[tuple[int]] | None = None, limit: int = 1000
) -> sa.Select[tuple[str, OrganisationKind]]:
    """Return (name, kind) of live organisations that could be a parent, by name, at most ``limit`` + 1."""
    stmt = sa.select(Organisation.name, Organisation.kind).where(*_live(chapter_ids))
    if exclude is not None:
        stmt = stmt.where(Organisation.id.not_in(exclude))
    return stmt.order_by(Organisation.sort_name, Organisation.id).limit(limit + 1)


def _current(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(Position.start_date.is_(None), Position.start_date <= today),
        sa.or_(Position.end_date.is_(None), Position.end_date >= today),
    )


def _positions_at(organisation_id: int) -> list[sa.ColumnElement[bool]]:
    return [Position.organisation_id == organisation_id, Contact.deleted_at.is_(None)]


def current_position_count(organisation_id: int, today: dt.date) -> sa.Select[tuple[int]]:
    """Count the positions held at an organisation on ``today`` by live contacts."""
    return (
        sa.select(sa.func.count(Position.id))
        .join(Position.contact)
        .where(*_positions_at(organisation_id), _current(today))
    )


@cache
def _people() -> sa.CompoundSelect[Any]:
    today = sa.bindparam("today", type_=sa.Date)
    at = _positions_at(sa.bindparam("organisation_id", type_=sa.Integer))  # type: ignore[arg-type]

    def page(current: int, name: str, order: tuple[Any, ...]) -> sa.Select[Any]:
        held = _current(today)
        rows = (
            sa.select(
                Position.contact_id.label("contact_id"),
                Contact.display_name.label("display_name"),
                Position.title.label("title"),
                Position.start_date.label("start_date"),
                Position.end_date.label("end_date"),
                sa.literal(current).label("current"),
                sa.func.row_number().over(order_by=order).label("n"),
                sa.func.count().over().label("total"),
            )
            .join(Contact, Contact.id == Position.contact_id)
            .where(*at, held if current else sa.not_(held))
            .order_by(*order)
            .limit(sa.bindparam(f"{name}_limit", type_=sa.Integer))
            .offset(sa.bindparam(f"{name}_offset", type_=sa.Integer))
            .subquery(name)
        )
        return sa.select(rows)

    # Current positions by title, then name; the others most recently ended first (not ended yet: upcoming).
    both = sa.union_all(
        page(1, "people", (Position.title, Contact.sort_name, Position.id)),
        page(0, "others", (Position.end_date.desc().nulls_first(), Contact.sort_name, Position.id)),
    )
    c = both.selected_columns
    return both.order_by(c.current.desc(), c.n)


def people(
    organisation_id: int, today: dt.date, *, people: tuple[int, int], others: tuple[int, int]
) -> tuple[sa.CompoundSelect[Any], dict[str, Any]]:
    """Return the statement and parameters of a page of an organisation's people, in one statement.

    ``people`` and ``others`` are (offset, limit) of the positions held on ``today`` by live contacts (by title,
    then name) and of the others, ended or not begun yet (latest end first). Rows are contact_id,
    display_name, title, start_date, end_date, current (1 or 0), n (the row's place in its list, from 1) and
    total (the length of its list). A list with no row on the page (past its end) is counted with
    ``current_position_count`` or ``other_position_count``. The statement is built once.
    """
    (people_offset, people_limit), (others_offset, others_limit) = people, others
    return _people(), {
        "organisation_id": organisation_id,
        "today": today,
        "people_offset": people_offset,
        "people_limit": people_limit,
        "others_offset": others_offset,
        "others_limit": others_limit,
    }


def other_position_count(organisation_id: int, today: dt.date) -> sa.Select[tuple[int]]:
    """Count the positions at an organisation that do not hold on ``today``."""
    return (
        sa.select(sa.func.count(Position.id))
        .join(Position.contact)
        .where(*_positions_at(organisation_id), sa.not_(_current(today)))
    )


@cache
def _children() -> sa.Select[Any]:
    parent_id = sa.bindparam("organisation_id", type_=sa.Integer)
    return (
        sa.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.parent_id == parent_id, Organisation.deleted_at.is_(None))
        .order_by(Organisation.sort_name, Organisation.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


def children(organisation_id: int, limit: int) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of id, name and kind of up to ``limit`` of an organisation's live
    sub-organisations, by name. Built once, like ``people``."""
    return _children(), {"organisation_id": organisation_id, "limit": limit}


def trash(chapter_ids: list[int]) -> sa.Select[tuple[Organisation]]:
    """Return the organisations in the trash, most recently deleted first."""
    return (
        sa.select(Organisation)
        .where(Organisation.chapter_id.in_(chapter_ids), Organisation.deleted_at.is_not(None))
        .order_by(Organisation.deleted_at.desc(), Organisation.id.desc())
    )


def trash_count(chapter_ids: list[int]) -> sa.Select[tuple[int]]:
    """Count the organisations in the trash."""
    return sa.select(sa.func.count(Organisation.id)).where(
        Organisation.chapter_id.in_(chapter_ids), Organisation.deleted_at.is_not(None)
    )


def change_count(organisation_id: int) -> sa.Select[tuple[int]]:
    """Count the change records of an organisation."""
    return sa.select(sa.func.count(Change.id)).where(Change.entity_type == ENTITY, Change.entity_id == organisation_id)
