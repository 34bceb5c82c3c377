"""Read queries for contacts: the filtered list, one contact, and the pieces of its page.

Every query takes the chapter ids the reader may see (``crm.auth.access.visible_chapter_ids``),
so nothing outside those chapters is ever selected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm.auth.models import Chapter, Membership, User
from crm.contacts.buckets import ALL_KINDS
from crm.contacts.models import (
    Contact,
    ContactKind,
    ContactMethod,
    ContactNameBucket,
    ContactSearchTerm,
    ExternalId,
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
from crm.contacts.search import PREFIX_LENGTH, prefix_range
from crm.db import json_integers, unindexed
from crm.text import words

MERGE_ROWS = 1000
# A page starting this far down the list by name is read from its name bucket on (``_from_bucket``): reading the
# buckets' counts costs about what stepping over a thousand contacts does.
BUCKETS_FROM = 1000
# Above every sort name (they have at most 300 characters): the bound of a page by name descending in the last bucket.
_ABOVE_EVERY_NAME = "\U0010ffff" * 301


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


def _in_chapters_param(column: Any, single: bool) -> sa.ColumnElement[bool]:
    """``in_chapters`` for a statement built once: the chapter ids are parameters (``chapter_params``)."""
    if single:
        return column == sa.bindparam("chapter_0", type_=sa.Integer)  # type: ignore[no-any-return]
    return column.in_(sa.bindparam("chapter_ids", expanding=True))  # type: ignore[no-any-return]


def chapter_params(chapter_ids: Sequence[int]) -> dict[str, Any]:
    """Return the parameters of ``_in_chapters_param``: ``chapter_0`` for one chapter, else ``chapter_ids``."""
    return {"chapter_0": chapter_ids[0]} if len(chapter_ids) == 1 else {"chapter_ids": list(chapter_ids)}


# Statements a page runs on every view are built once, their values given as parameters when they run: building
# a statement (and its cache key) costs more than running it on SQLite. Such functions return (statement,
# parameters), to be run as ``session.execute(*pair)``.


# --- the list --------------------------------------------------------------------------------------------
#
# A list statement depends on which filters are set, not on their values: it is built once per such shape
# (``_Shape``) with the values as parameters (``_values``).

# Each sort as (column, descending) pairs; the id breaks ties, so every page boundary is well defined.
# "created" orders by id: ids grow with creation time, and the primary key needs no extra index.
_SORT_KEYS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "name": ((Contact.sort_name, False), (Contact.id, False)),
    "-name": ((Contact.sort_name, True), (Contact.id, True)),
    "updated": ((Contact.updated_at, True), (Contact.id, True)),
    "created": ((Contact.id, True),),
}
# What a list row shows, as plain columns: building ORM objects for a page costs more than its SQL. Kind and
# stance come as their stored values (the enums' values), which the list's labels are keyed by.
LIST_COLUMNS = (
    Contact.id,
    Contact.chapter_id,
    Contact.display_name,
    sa.type_coerce(Contact.kind, sa.String).label("kind"),
    sa.type_coerce(Contact.stance, sa.String).label("stance"),
    Contact.is_target,
    Contact.priority,
    Contact.country,
)
# The list counts its rows up to this many (or ten pages past the one shown, when that is further): an exact
# count reads every matching index entry, which costs more than the rest of the page at 60,000 contacts.
COUNT_AT_LEAST = 1_000
# The first page of a one-word search is found among its first FIRST_ROWS × page size matching rows (a contact may
# match by several of its terms): see _term_page.
FIRST_ROWS = 2
EMAIL_SEARCH = -1  # _Shape.search for an email address, looked up whole


@dataclass(frozen=True)
class _Shape:
    """Which filters a list statement has: what it is built from (its values are parameters)."""

    chapters: int  # how many chapters may be read (after the chapter filter)
    merge: bool  # each chapter's first rows merged (see _ids)
    q: bool  # a search (any text): never merged
    search: int  # words searched, or EMAIL_SEARCH
    kind: bool
    stance: bool
    target: bool
    holder: bool
    country: bool
    tag: int  # 0 none, 1 by name, 2 by name or id
    sort: str
    first_rows: bool = False  # a first page of a one-word search, from its first rows only (see _term_page)
    prefix: bool = False  # a one-word search read in name order from its prefix's terms (see _term_page)
    bucketed: bool = False  # a deep page of the list by name, read from its name bucket on (see _from_bucket)


def _sort_keys(sort: str) -> tuple[tuple[Any, bool], ...]:
    return _SORT_KEYS.get(sort, _SORT_KEYS["name"])


def _order(sort: str) -> tuple[Any, ...]:
    return tuple(column.desc() if descending else column for column, descending in _sort_keys(sort))


def _readable(chapter_ids: Sequence[int], filters: ContactFilters) -> list[int]:
    if filters.chapter_id is None:
        return list(chapter_ids)
    return [filters.chapter_id] if filters.chapter_id in chapter_ids else []


def _search_bounds(query: str) -> tuple[int, list[tuple[str, str]]]:
    """Return the search shape and the (lower, upper) term bounds of each word (those of ``search.matching``).

    An email address is indexed as one term ("jb@kamer.nl"), so it is looked up whole, by prefix.
    """
    text = query.strip().casefold()
    if "@" in text and not any(c.isspace() for c in text):
        return EMAIL_SEARCH, [prefix_range(text)]
    bounds = [prefix_range(word) for word in words(query)[:6]]
    return len(bounds), bounds


def _shape(chapter_ids: Sequence[int], filters: ContactFilters, upto: int | None) -> _Shape:
    chapters = len(_readable(chapter_ids, filters))
    search = _search_bounds(filters.q)[0] if filters.q else 0
    tag = (filters.tag or "").strip()
    return _Shape(
        chapters=chapters,
        merge=upto is not None and upto <= MERGE_ROWS and chapters > 1 and not filters.q,
        q=bool(filters.q),
        search=search,
        kind=filters.kind is not None,
        stance=filters.stance is not None,
        target=filters.target,
        holder=filters.holder_id is not None,
        country=bool(filters.country),
        tag=(2 if tag.isdigit() else 1) if tag else 0,
        sort=filters.sort if filters.sort in _SORT_KEYS else "name",
    )


def _values(chapter_ids: Sequence[int], filters: ContactFilters) -> dict[str, Any]:
    """Return every parameter a list statement of ``filters`` may use (a statement ignores the others)."""
    chapters = _readable(chapter_ids, filters)
    tag = (filters.tag or "").strip()
    values: dict[str, Any] = {
        "chapter_ids": chapters,
        **{f"chapter_{index}": chapter for index, chapter in enumerate(chapters)},
        "kind": filters.kind,
        "stance": filters.stance,
        "holder_id": filters.holder_id,
        "country": filters.country,
        "tag_name": tag.lower(),
        "tag_id": int(tag) if tag.isdigit() else None,
    }
    if filters.q:
        for index, (lower, upper) in enumerate(_search_bounds(filters.q)[1]):
            values[f"term_from_{index}"], values[f"term_to_{index}"] = lower, upper
        values["prefix_0"] = values.get("term_from_0", "")[:PREFIX_LENGTH]
    return values


def _in(column: Any, shape: _Shape, chapter: int | None = None) -> sa.ColumnElement[bool]:
    """Restrict ``column`` to the readable chapters, or to the ``chapter``-th of them."""
    if chapter is not None:
        return column == sa.bindparam(f"chapter_{chapter}", type_=sa.Integer)  # type: ignore[no-any-return]
    return _in_chapters_param(column, shape.chapters == 1)


def _term_range(term: Any, index: int) -> list[sa.ColumnElement[bool]]:
    """Return the conditions that ``term`` begins with the ``index``-th word searched (``_values``' bounds)."""
    return [
        term >= sa.bindparam(f"term_from_{index}", type_=sa.String),
        term < sa.bindparam(f"term_to_{index}", type_=sa.String),
    ]


def _matching_terms(shape: _Shape) -> list[sa.ColumnElement[bool]]:
    """Return the conditions on ``ContactSearchTerm`` rows matching the first word searched, of contacts that
    match every other word too.

    Each word is looked up in the readable chapters' part of the (chapter_id, term, sort_name, contact_id)
    index; the first word's rows are read in the statement, each other word's contact ids collected once.
    """
    conditions = [_in(ContactSearchTerm.chapter_id, shape), *_term_range(ContactSearchTerm.term, 0)]
    for index in range(1, 1 if shape.search == EMAIL_SEARCH else shape.search):
        other = aliased(ContactSearchTerm)
        ids = sa.select(other.contact_id).where(_in(other.chapter_id, shape), *_term_range(other.term, index))
        conditions.append(ContactSearchTerm.contact_id.in_(ids))
    return conditions


def _searched(shape: _Shape) -> Any:
    """Return the ids of the contacts whose search terms start with every word searched."""
    return sa.select(ContactSearchTerm.contact_id).where(*_matching_terms(shape))


def _conditions(shape: _Shape, chapter: int | None = None) -> list[sa.ColumnElement[bool]]:
    # A search starts from the matching ids and looks each up by primary key, which costs what the matches
    # cost. Given an index on the chapter, SQLite would rather walk the whole chapter testing each contact
    # against the matches (25 ms at 60,000 contacts, even for a name nobody has); "+ 0" keeps that index out.
    chapter_column = Contact.chapter_id + 0 if shape.search else Contact.chapter_id
    conditions = [_in(chapter_column, shape, chapter), Contact.deleted_at.is_(None)]
    if shape.kind:
        conditions.append(Contact.kind == sa.bindparam("kind"))
    if shape.stance:
        conditions.append(Contact.stance == sa.bindparam("stance"))
    if shape.target:
        conditions.append(Contact.is_target.is_(True))
    if shape.country:
        conditions.append(Contact.country == sa.bindparam("country"))
    if shape.holder:
        held = sa.select(contact_holders.c.contact_id).where(contact_holders.c.user_id == sa.bindparam("holder_id"))
        conditions.append(Contact.id.in_(held))
    if shape.tag:
        # a tag given by name (any case) or id, among the readable chapters' tags
        wanted = sa.func.lower(Tag.name) == sa.bindparam("tag_name", type_=sa.String)
        if shape.tag == 2:
            wanted = sa.or_(wanted, Tag.id == sa.bindparam("tag_id", type_=sa.Integer))
        tag_ids = sa.select(Tag.id).where(_in(Tag.chapter_id, shape, chapter), wanted)
        tagged = sa.select(contact_tags.c.contact_id).where(contact_tags.c.tag_id.in_(tag_ids))
        conditions.append(Contact.id.in_(tagged))
    if shape.search:
        conditions.append(Contact.id.in_(_searched(shape)))
    return conditions


def _ids(shape: _Shape) -> sa.Select[Any]:
    """Return the ids and sort keys of the matching contacts, sorted.

    A reader of several chapters gets each chapter's first ``upto`` rows (the last row the page shows) from
    that chapter's own index, merged, instead of sorting every contact of all the chapters: a database cannot
    read one index in order across several chapter ids. Deep pages (past ``MERGE_ROWS``) sort everything, as
    merging would then look up more rows than it saves.
    """
    order = _order(shape.sort)
    keys = [column for column, _descending in _sort_keys(shape.sort) if column is not Contact.id]
    if shape.merge:
        upto = sa.bindparam("upto", type_=sa.Integer)
        firsts = [
            sa.select(Contact.id).where(*_conditions(shape, index)).order_by(*order).limit(upto).subquery()
            for index in range(shape.chapters)
        ]
        stmt = sa.select(Contact.id, *keys).where(Contact.id.in_(sa.union_all(*(sa.select(f.c.id) for f in firsts))))
    else:
        stmt = sa.select(Contact.id, *keys).where(*_conditions(shape))
    return stmt.order_by(*order)


def _indexed_search(shape: _Shape) -> bool:
    """Tell whether a search runs on the search terms alone: no filter but the chapters, sorted by name or
    creation (a term holds its contact's sort name and id, not the time of its last change)."""
    filtered = shape.kind or shape.stance or shape.target or shape.holder or shape.country or shape.tag
    return shape.search != 0 and not filtered and shape.sort != "updated"


_TERM_KEYS = {"sort_name": ContactSearchTerm.sort_name, "id": ContactSearchTerm.contact_id}


def _term_page(shape: _Shape, limit: Any, offset: Any) -> tuple[Any, Any]:
    """Return a search's page of ids (and sort names) and its total up to ``count_upto``, from the terms alone.

    This reads each match once from the index, where looking each up in the contacts table cost five times as
    much (5.8 ms for "jans" at 60,000 contacts). A contact may have several matching terms ("jan" matches
    "jan" and "jansen"): grouping by the sort keys keeps one row each, and sorts them in the same step.
    """
    keys = [(_TERM_KEYS[column.key], column.key, descending) for column, descending in _sort_keys(shape.sort)]
    upto = sa.bindparam("count_upto", type_=sa.Integer)
    if shape.prefix:
        return _prefix_page(shape, keys, limit, offset, upto)
    matches = (
        sa.select(*(column.label(name) for column, name, _descending in keys))
        .where(*_matching_terms(shape))
        .group_by(*(column for column, _name, _descending in keys))
    )
    if shape.search in (1, EMAIL_SEARCH):
        # The page is sorted as it is grouped; the count stops at ``count_upto`` distinct contacts.
        order = [column.desc() if descending else column for column, _name, descending in keys]
        if shape.first_rows:
            # A first page needs only the first ``firsts`` matching rows, which a bounded sort finds without
            # grouping every match (half the time for "jans", a third for "a"). A contact's matching rows share
            # its sort keys, so they sort together, and the distinct keys of the first rows begin the grouped
            # list; only when more than ``firsts - limit`` of them repeat a contact is the page short while the
            # count says more follow (``cut_short``), and the caller asks again without ``first_rows``.
            firsts = (
                sa.select(*(column.label(name) for column, name, _descending in keys))
                .where(*_matching_terms(shape))
                .order_by(*order)
                .limit(sa.bindparam("firsts", type_=sa.Integer))
                .subquery("firsts")
            )
            shown = [firsts.c[name].desc() if descending else firsts.c[name] for _column, name, descending in keys]
            page = sa.select(firsts).distinct().order_by(*shown).limit(limit).offset(offset).subquery("page")
        else:
            page = matches.order_by(*order).limit(limit).offset(offset).subquery("page")
        counted = sa.select(ContactSearchTerm.contact_id).where(*_matching_terms(shape)).distinct()
    else:
        # Each further word's ids are collected in a subquery: once, in a common table expression used twice
        # (which SQLite and PostgreSQL materialize), not once for the page and again for the count.
        found = matches.cte("matches")
        order = [found.c[name].desc() if descending else found.c[name] for _column, name, descending in keys]
        page = sa.select(found).order_by(*order).limit(limit).offset(offset).subquery("page")
        counted = sa.select(found.c.id)
    return page, sa.select(sa.func.count()).select_from(counted.limit(upto).subquery()).scalar_subquery()


def _prefix_page(
    shape: _Shape, keys: list[tuple[Any, str, bool]], limit: Any, offset: Any, upto: Any
) -> tuple[Any, Any]:
    """Return ``_term_page``'s page and total for a one-word search of at least ``PREFIX_LENGTH`` characters,
    from the (chapter_id, prefix, sort_name, contact_id, term) index.

    The chapter's terms of the word's prefix are read in name order, each checked against the word, so neither
    the page nor the count sorts anything: a contact's matching terms are neighbours there, and grouping them
    follows the index. The page reads its rows and the count up to ``count_upto`` contacts, where sorting
    every match of a common name cost a search most of its time.
    """
    terms = ContactSearchTerm
    # PostgreSQL takes the prefix and the word's range for independent conditions, expects a row or two, and
    # would read the term index and sort: the word is checked on the prefix's rows instead.
    conditions = [
        _in(terms.chapter_id, shape),
        terms.prefix == sa.bindparam("prefix_0", type_=sa.String),
        *_term_range(unindexed(terms.term), 0),
    ]
    grouped = [column for column, _name, _descending in keys]
    matches = sa.select(*(column.label(name) for column, name, _descending in keys)).where(*conditions)
    order = [column.desc() if descending else column for column, _name, descending in keys]
    page = matches.group_by(*grouped).order_by(*order).limit(limit).offset(offset).subquery("page")
    counted = sa.select(sa.literal(1)).where(*conditions).group_by(*grouped).limit(upto)
    return page, sa.select(sa.func.count()).select_from(counted.subquery()).scalar_subquery()


def _after(shape: _Shape, page: Any) -> Any:
    """Return how many matching rows follow the ``page``'s last row, counted up to ``window``.

    The row value of the sort keys (``(sort_name, id) > (last row's)``) lets SQLite and PostgreSQL seek the
    sort's index to that row, also for several chapters, so only the entries after it are read: a page deep
    in the list costs no more to count than the first.
    """
    keys = [column for column, _descending in _sort_keys(shape.sort)]
    descending = _sort_keys(shape.sort)[0][1]  # every key of a sort runs the same way
    shown = [page.c[column.key] for column in keys]
    last = sa.select(*shown).order_by(*(c if descending else c.desc() for c in shown)).limit(1).scalar_subquery()
    row = sa.tuple_(*keys) if len(keys) > 1 else keys[0]
    after = row < last if descending else row > last
    window = sa.bindparam("window", type_=sa.Integer)
    rows = sa.select(sa.literal(1)).select_from(Contact).where(*_conditions(shape), after).limit(window)
    return sa.select(sa.func.count()).select_from(rows.subquery()).scalar_subquery()


def _from_bucket(shape: _Shape, ids: sa.Select[Any], offset: Any) -> tuple[sa.Select[Any], Any]:
    """Return ``ids`` from the bucket the row at ``offset`` is in, and the offset in there.

    That bucket is the first, in the list's order, whose live contacts and those before it (of the chapter, and of
    the kind when the list is filtered by it) number more than ``offset``: ``crm.contacts.buckets`` keeps the
    counts. By name the page starts at the bucket's first name; by name descending, below the next bucket's (a
    sort name sorts below every sort name of a later bucket: see ``crm.contacts.buckets``), or anywhere when no
    bucket follows. Without counts the page is read from the start, as without buckets.
    """
    buckets = ContactNameBucket
    descending = _sort_keys(shape.sort)[0][1]
    kind = sa.bindparam("kind", type_=sa.String) if shape.kind else ALL_KINDS
    order = buckets.bucket.desc() if descending else buckets.bucket
    running = sa.func.sum(buckets.contacts).over(order_by=order, rows=(None, 0))
    columns = [buckets.bucket, buckets.contacts, (running - buckets.contacts).label("before")]
    if descending:
        columns.append(sa.func.lead(buckets.bucket).over(order_by=buckets.bucket).label("next"))
    counted = (
        sa.select(*columns)
        .where(buckets.chapter_id == sa.bindparam("chapter_0", type_=sa.Integer), buckets.kind == kind)
        .subquery("counted")
    )
    start = (
        sa.select(counted)
        .where(counted.c.before + counted.c.contacts > offset)
        .order_by(counted.c.bucket.desc() if descending else counted.c.bucket)
        .limit(1)
        .cte("start")
    )
    skipped = sa.func.coalesce(sa.select(start.c.before).scalar_subquery(), 0)
    if descending:
        below = sa.func.coalesce(sa.select(start.c.next).scalar_subquery(), _ABOVE_EVERY_NAME)
        return ids.where(Contact.sort_name < below), offset - skipped
    first_name = sa.func.coalesce(sa.select(start.c.bucket).scalar_subquery(), "")
    return ids.where(Contact.sort_name >= first_name), offset - skipped


@lru_cache(maxsize=256)
def _page(shape: _Shape) -> sa.Select[Any]:
    limit, offset = sa.bindparam("limit", type_=sa.Integer), sa.bindparam("offset", type_=sa.Integer)
    shown: list[sa.ColumnElement[bool]] = []
    total: Any
    if _indexed_search(shape):
        page, total = _term_page(shape, limit, offset)
        # The terms are those of live contacts of their own chapters; checking the shown rows again is free.
        shown = [_in(Contact.chapter_id + 0, shape), Contact.deleted_at.is_(None)]
    elif shape.search:
        # Other searches read every match's contact to sort them; counting them in the same statement costs
        # less than a second pass (which would look them up again).
        ids = _ids(shape).add_columns(sa.func.count().over().label("total"))
        page = ids.limit(limit).offset(offset).subquery("page")
        total = page.c.total
    else:
        # Counted on from the page's last row (``_after``): every sort has an index of the live contacts that
        # holds its keys after the filters' columns, so the count seeks to that row. The page is read once (a
        # common table expression used twice), for its rows and its last row.
        ids, skip = _from_bucket(shape, _ids(shape), offset) if shape.bucketed else (_ids(shape), offset)
        page = ids.limit(limit).offset(skip).cte("page")
        total = offset + sa.select(sa.func.count()).select_from(page).scalar_subquery() + _after(shape, page)
    order = [page.c[column.key].desc() if descending else page.c[column.key]
             for column, descending in _sort_keys(shape.sort)]  # fmt: skip
    return (
        sa.select(*LIST_COLUMNS, total.label("total"))
        .select_from(page)
        .join(Contact, sa.and_(Contact.id == page.c.id, *shown))
        .order_by(*order)
    )


@lru_cache(maxsize=256)
def _count(shape: _Shape) -> sa.Select[tuple[int]]:
    return sa.select(sa.func.count()).select_from(Contact).where(*_conditions(shape))


def contact_list(chapter_ids: Sequence[int], filters: ContactFilters) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of the ids and sort keys of every live contact matching ``filters``, sorted."""
    return _ids(_shape(chapter_ids, filters, None)), _values(chapter_ids, filters)


def contact_page(
    chapter_ids: Sequence[int], filters: ContactFilters, *, limit: int, offset: int, exact: bool = False
) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of one page of list rows (``LIST_COLUMNS`` and ``total``), in order.

    The page is found on ids and sort keys alone (from an index where there is one), and only its own rows
    are then read from the table: skipping 15,000 rows to page 300 then costs no table reads. A search
    without other filters is found, sorted and counted from the search terms alone (``_term_page``): one word of
    ``PREFIX_LENGTH`` characters or more, in one chapter and sorted by name, from its prefix's terms in name order
    (``_prefix_page``); the first page of another one-word search, from its first matching rows only, unless
    ``exact``: check its rows with ``cut_short``.

    ``total`` is the number of matching rows, counted up to ``count_limit``; a total that reaches it means
    "at least that many". A list counts only the rows after the page (``_after``) and adds the offset and
    the page's own rows; a search with other filters counts every match, in the statement that sorts them
    anyway (``count(*) OVER ()``).
    """
    upto = count_limit(offset, limit)
    values = _values(chapter_ids, filters)
    values.update(limit=limit, offset=offset, upto=offset + limit, count_upto=upto, window=upto - offset - limit,
                  firsts=FIRST_ROWS * limit)  # fmt: skip
    shape = _shape(chapter_ids, filters, offset + limit)
    if _prefix_search(shape, values):
        shape = replace(shape, prefix=True)
    elif offset == 0 and not exact and shape.search in (1, EMAIL_SEARCH) and _indexed_search(shape):
        shape = replace(shape, first_rows=True)
    elif offset >= BUCKETS_FROM and _bucketed(shape):
        shape = replace(shape, bucketed=True)
    return _page(shape), values


def _prefix_search(shape: _Shape, values: dict[str, Any]) -> bool:
    """Tell whether a search reads its matches in name order from their prefix's terms (``_prefix_page``): one
    word of at least ``PREFIX_LENGTH`` characters, in one chapter, sorted by name."""
    return (
        shape.search in (1, EMAIL_SEARCH)
        and shape.chapters == 1
        and shape.sort in ("name", "-name")
        and _indexed_search(shape)
        and len(values.get("term_from_0", "")) >= PREFIX_LENGTH
    )


def _bucketed(shape: _Shape) -> bool:
    """Tell whether a page can be read from its name bucket on (``_from_bucket``): the list of one chapter by
    name either way, filtered by kind or not at all (the buckets count each chapter's live contacts by kind)."""
    filtered = shape.q or shape.stance or shape.target or shape.holder or shape.country or shape.tag
    return shape.chapters == 1 and shape.sort in ("name", "-name") and not filtered


def cut_short(rows: Sequence[Any], limit: int, offset: int) -> bool:
    """Tell whether a page from ``contact_page`` has fewer rows than it should: fewer than ``limit`` while its
    total says more follow. Only a first page read from a search's first rows can be; ask again with ``exact``."""
    return 0 < len(rows) < limit and rows[0].total > offset + len(rows)


def count_limit(offset: int, per_page: int) -> int:
    """Return how far a list starting at ``offset`` counts: a total this high is shown as "more than"."""
    return max(COUNT_AT_LEAST, offset + 10 * per_page) + 1


def contact_count(chapter_ids: Sequence[int], filters: ContactFilters) -> tuple[sa.Select[tuple[int]], dict[str, Any]]:
    """Return (statement, parameters) counting the live contacts matching ``filters`` (no join: an index can
    answer it)."""
    return _count(_shape(chapter_ids, filters, None)), _values(chapter_ids, filters)


@cache
def _row_extras() -> sa.CompoundSelect[Any]:
    ids = json_integers("ids")
    today = sa.bindparam("today", type_=sa.Date)
    positions = (
        sa.select(
            sa.literal(0).label("part"),
            Position.contact_id.label("contact_id"),
            Position.title.label("text"),
            Organisation.name.label("organisation"),
            sa.type_coerce(Position.start_date, sa.String).label("start_date"),  # for the order only: not parsed
            sa.cast(sa.null(), sa.String).label("tag"),
            Position.id.label("n"),
        )
        .join(Organisation, Organisation.id == Position.organisation_id)
        .where(
            Position.contact_id.in_(ids),
            sa.or_(Position.start_date.is_(None), Position.start_date <= today),
            sa.or_(Position.end_date.is_(None), Position.end_date >= today),
        )
    )
    tags = (
        sa.select(
            sa.literal(1),
            contact_tags.c.contact_id,
            Tag.name,
            sa.cast(sa.null(), sa.String),
            sa.cast(sa.null(), sa.Date),
            Tag.name,
            sa.literal(0),
        )
        .join(Tag, Tag.id == contact_tags.c.tag_id)
        .where(contact_tags.c.contact_id.in_(ids))
    )
    both = sa.union_all(positions, tags)
    c = both.selected_columns
    return both.order_by(c.part, c.contact_id, c.start_date.desc(), c.tag, c.n)


def row_extras(contact_ids: Sequence[int], today: dt.date) -> tuple[sa.CompoundSelect[Any], dict[str, Any]]:
    """Return the statement and parameters of the listed contacts' current positions and tags, in one go.

    Rows are (part, contact id, text, organisation, …): part 0 is a position (title, organisation name), by
    start date, newest first; part 1 a tag (its name, None), by name. The statement is built once, and the ids
    are one JSON parameter (``crm.db.json_integers``).
    """
    return _row_extras(), {"ids": json.dumps(list(contact_ids)), "today": today}


@cache
def _contact_by_id(single: bool, deleted: bool | None, detail: bool, chapter: bool) -> sa.Select[tuple[Contact]]:
    stmt = sa.select(Contact).where(
        Contact.id == sa.bindparam("contact_id", type_=sa.Integer), _in_chapters_param(Contact.chapter_id, single)
    )
    if deleted is not None:
        stmt = stmt.where(Contact.deleted_at.is_not(None) if deleted else Contact.deleted_at.is_(None))
    if chapter and not detail:
        stmt = stmt.options(joinedload(Contact.chapter))
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


def contact_by_id(
    chapter_ids: Sequence[int],
    contact_id: int,
    *,
    deleted: bool | None = False,
    detail: bool = False,
    chapter: bool = False,
) -> tuple[sa.Select[tuple[Contact]], dict[str, Any]]:
    """Return (statement, parameters) of one contact of the readable chapters; ``deleted`` None means live or in
    the trash.

    With ``detail``, load every collection the edit form and the services use, in a constant number of
    statements; with ``chapter``, only the chapter (in the same statement).
    """
    stmt = _contact_by_id(len(chapter_ids) == 1, deleted, detail, chapter)
    return stmt, {"contact_id": contact_id, **chapter_params(chapter_ids)}


def trash(chapter_ids: Sequence[int]) -> sa.Select[tuple[Contact]]:
    """Return the deleted contacts of the readable chapters, most recently deleted first."""
    return (
        sa.select(Contact)
        .where(in_chapters(Contact.chapter_id, chapter_ids), Contact.deleted_at.is_not(None))
        .order_by(Contact.deleted_at.desc(), Contact.id.desc())
    )


@cache
def _stance_history() -> sa.Select[Any]:
    return (
        sa.select(
            StanceChange.recorded_at,
            StanceChange.previous_stance,
            StanceChange.stance,
            User.name.label("recorded_by"),
            StanceChange.note,
        )
        .outerjoin(User, User.id == StanceChange.recorded_by_id)
        .where(StanceChange.contact_id == sa.bindparam("contact_id", type_=sa.Integer))
        .order_by(StanceChange.recorded_at.desc(), StanceChange.id.desc())
    )


def stance_history(contact_id: int) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of a contact's recorded stances, newest first: recorded_at,
    previous_stance, stance, recorded_by (the recorder's name, None for the system) and note."""
    return _stance_history(), {"contact_id": contact_id}


def _links(incoming: bool, single: bool) -> sa.Select[Any]:
    this, other = ListensTo.listener_id, ListensTo.trusted_id
    if incoming:
        this, other = other, this
    # The database must start from the contact's few links and look their other ends up by id. Left to
    # itself, SQLite without statistics walks the whole chapter through its index instead; ``chapter_id + 0``
    # is the classic way to keep an index out of a plan, and means the same on every database.
    return (
        sa.select(
            sa.literal(int(incoming)).label("incoming"),
            ListensTo.id.label("id"),
            ListensTo.note.label("note"),
            Contact.id.label("other_id"),
            Contact.display_name.label("display_name"),
            Contact.sort_name.label("sort_name"),
        )
        .join(Contact, Contact.id == other)
        .where(
            this == sa.bindparam("contact_id", type_=sa.Integer),
            _in_chapters_param(Contact.chapter_id + 0, single),
            Contact.deleted_at.is_(None),
        )
    )


@cache
def _both_links(single: bool) -> sa.CompoundSelect[Any]:
    both = sa.union_all(_links(False, single), _links(True, single))
    c = both.selected_columns
    return both.order_by(c.incoming, c.id)


def links(contact_id: int, chapter_ids: Sequence[int]) -> tuple[sa.CompoundSelect[Any], dict[str, Any]]:
    """Return (statement, parameters) of a contact's "listens to" links both ways, oldest first, among live
    contacts the reader may see.

    Rows are (incoming, id, note, other_id, display_name, sort_name): ``incoming`` 0 for whom the contact
    listens to, 1 for who listens to the contact; the rest names the link and its other end.
    """
    return _both_links(len(chapter_ids) == 1), {"contact_id": contact_id, **chapter_params(chapter_ids)}


@cache
def _positions_of() -> sa.Select[Any]:
    return (
        sa.select(
            Position.id,
            Position.title,
            Position.start_date,
            Position.end_date,
            Position.organisation_id,
            Organisation.name.label("organisation"),
            Organisation.kind,
        )
        .join(Organisation, Organisation.id == Position.organisation_id)
        .where(Position.contact_id == sa.bindparam("contact_id", type_=sa.Integer))
        .order_by(Position.start_date.desc(), Position.id)
    )


def positions_of(contact_id: int) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of a contact's positions, latest start first: id, title, start_date,
    end_date, organisation_id, organisation (its name) and kind (the organisation's)."""
    return _positions_of(), {"contact_id": contact_id}


@cache
def _facts() -> sa.CompoundSelect[Any]:
    contact_id = sa.bindparam("contact_id")
    text = sa.String

    def none() -> Any:
        return sa.cast(sa.null(), text)

    methods = sa.select(
        sa.literal(0).label("part"),
        sa.type_coerce(ContactMethod.kind, text).label("a"),
        ContactMethod.label.label("b"),
        ContactMethod.value.label("c"),
        sa.type_coerce(ContactMethod.kind, text).label("k"),
        ContactMethod.id.label("n"),
    ).where(ContactMethod.contact_id == contact_id)
    tags = (
        sa.select(sa.literal(1), Tag.name, none(), none(), Tag.name, Tag.id)
        .join(contact_tags, contact_tags.c.tag_id == Tag.id)
        .where(contact_tags.c.contact_id == contact_id)
    )
    holders = (
        sa.select(sa.literal(2), User.name, none(), none(), User.name, User.id)
        .join(contact_holders, contact_holders.c.user_id == User.id)
        .where(contact_holders.c.contact_id == contact_id)
    )
    external = sa.select(
        sa.literal(3), ExternalId.scheme, ExternalId.value, none(), ExternalId.scheme, ExternalId.id
    ).where(ExternalId.contact_id == contact_id)
    limit = sa.bindparam("organisations", type_=sa.Integer)
    live = (Organisation.chapter_id == sa.bindparam("chapter_id"), Organisation.deleted_at.is_(None))
    offered = (
        sa.select(Organisation.name, Organisation.kind, Organisation.sort_name, Organisation.id)
        .where(*live)
        .order_by(Organisation.sort_name, Organisation.id)
        .limit(limit)
        .subquery()
    )
    # Offered only when the chapter has fewer than ``organisations``: counting that far in the index costs less
    # than sending that many rows to be thrown away.
    first = sa.select(sa.literal(1)).select_from(Organisation).where(*live).limit(limit).subquery()
    few = sa.select(sa.func.count()).select_from(first).scalar_subquery() < limit
    organisations = sa.select(
        sa.literal(4), offered.c.name, sa.type_coerce(offered.c.kind, text), none(), offered.c.sort_name, offered.c.id
    ).where(few)
    both = sa.union_all(methods, tags, holders, external, organisations)
    c = both.selected_columns
    return both.order_by(c.part, c.k, c.n)


def contact_facts(contact: Contact, organisations: int) -> tuple[sa.CompoundSelect[Any], dict[str, Any]]:
    """Return the statement and parameters of a contact's emails, phones, addresses and links, tags, holders,
    external ids, and up to ``organisations`` of its chapter's organisations (to suggest), in one go.

    Rows are (part, a, b, c, …): part 0 a method (kind, label, value) by kind; 1 a tag (name) by name; 2 a
    holder (name) by name; 3 an external id (scheme, value) by scheme; 4 an organisation (name, kind) by name,
    only when the chapter has fewer than ``organisations`` of them (none otherwise).
    """
    return _facts(), {"contact_id": contact.id, "chapter_id": contact.chapter_id, "organisations": organisations}


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


@cache
def _chapters_and_members() -> sa.CompoundSelect[Any]:
    chapter_ids = json_integers("chapter_ids")
    chapters = sa.select(
        sa.literal(0).label("part"),
        Chapter.id.label("id"),
        Chapter.name.label("name"),
        sa.cast(sa.null(), sa.Integer).label("chapter_id"),
    ).where(Chapter.id.in_(chapter_ids))
    people = (
        sa.select(sa.literal(1), User.id, User.name, Membership.chapter_id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.chapter_id.in_(chapter_ids), User.is_active.is_(True))
    )
    both = sa.union_all(chapters, people)
    c = both.selected_columns
    return both.order_by(c.part, c.name, c.id)


def chapters_and_members(chapter_ids: Sequence[int]) -> tuple[sa.CompoundSelect[Any], dict[str, Any]]:
    """Return the statement and parameters of the chapters and their active members, each by name.

    Rows are (part, id, name, chapter id): part 0 a chapter (chapter id None), part 1 a member, once per
    chapter they belong to. The statement is built once (see ``row_extras``).
    """
    return _chapters_and_members(), {"chapter_ids": json.dumps(list(chapter_ids))}
