"""Name buckets: the contacts service keeps the counts, and deep pages read from their bucket are the list's pages."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.contacts import buckets, queries, services
from crm.contacts.models import Contact, ContactKind, ContactNameBucket
from crm.contacts.queries import ContactFilters
from tests.contacts.conftest import make_contact
from tests.factories import ChapterFactory

# Family names whose sort names fall in buckets of one and two characters, share buckets, differ only after a
# space, carry accents (folded away) or begin with a digit or punctuation.
FAMILY_NAMES = ["A", "Ab", "Aa", "Berg", "Bergen", "Berg Jr", "Bé", "Be", "Öz", "Oz", "X", "Zwart", "9", "'t Hart"]
KINDS = [ContactKind.REPRESENTATIVE, ContactKind.STAFF, ContactKind.HELPER]


def _stored(session: Session, chapter_id: int) -> Counter[tuple[str, str]]:
    rows = session.execute(
        sa.select(ContactNameBucket.kind, ContactNameBucket.bucket, ContactNameBucket.contacts).where(
            ContactNameBucket.chapter_id == chapter_id
        )
    )
    return Counter({(kind, bucket): contacts for kind, bucket, contacts in rows if contacts})


def _expected(session: Session, chapter_id: int) -> Counter[tuple[str, str]]:
    """Count the chapter's live contacts by kind and bucket from the contacts themselves."""
    live = session.execute(
        sa.select(Contact.kind, Contact.sort_name).where(Contact.chapter_id == chapter_id, Contact.deleted_at.is_(None))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for kind, sort_name in live:
        counts[kind.value, sort_name[: buckets.BUCKET_LENGTH]] += 1
        counts[buckets.ALL_KINDS, sort_name[: buckets.BUCKET_LENGTH]] += 1
    return counts


@pytest.fixture
def people(db_session: Session, chapter: Any, ctx: None) -> list[Contact]:
    """Three contacts of each family name in ``chapter``, of several kinds, and one elsewhere."""
    contacts = [
        make_contact(db_session, chapter, given_name=given, family_name=family, kind=KINDS[index % len(KINDS)])
        for index, (family, given) in enumerate((f, g) for f in FAMILY_NAMES for g in ("Ada", "Bo", "Cor"))
    ]
    make_contact(db_session, ChapterFactory(), family_name="Berg")
    return contacts


def test_the_service_keeps_the_counts_through_every_change(
    db_session: Session, chapter: Any, people: list[Contact]
) -> None:
    assert _stored(db_session, chapter.id) == _expected(db_session, chapter.id)
    assert _stored(db_session, chapter.id)[buckets.ALL_KINDS, "be"] == 15  # Berg, Bergen, Berg Jr, Bé (folded), Be

    first, second, third = people[0], people[1], people[5]
    services.update_contact(db_session, None, first, family_name="Zwart")  # another bucket
    services.update_contact(db_session, None, second, kind="journalist")  # another kind, same bucket
    services.update_contact(db_session, None, third, kind="other", family_name="Öztürk")  # both
    services.update_contact(db_session, None, people[6], notes="no change of name or kind")
    services.delete_contact(db_session, None, people[7])
    services.delete_contact(db_session, None, people[8])
    services.restore_contact(db_session, None, people[8])
    db_session.flush()
    assert _stored(db_session, chapter.id) == _expected(db_session, chapter.id)

    stored = _stored(db_session, chapter.id)
    buckets.rebuild(db_session, [chapter.id])
    assert _stored(db_session, chapter.id) == stored  # the same counts from scratch


def test_a_rebuild_counts_one_chapter_or_every_chapter(
    db_session: Session, chapter: Any, people: list[Contact]
) -> None:
    others = db_session.scalar(sa.select(Contact.chapter_id).where(Contact.chapter_id != chapter.id))
    db_session.execute(sa.delete(ContactNameBucket))
    buckets.rebuild(db_session, [chapter.id])
    assert _stored(db_session, chapter.id) == _expected(db_session, chapter.id)
    assert _stored(db_session, others) == Counter()
    buckets.rebuild(db_session)
    assert _stored(db_session, others) == _expected(db_session, others) != Counter()
    assert _stored(db_session, chapter.id) == _expected(db_session, chapter.id)


def _pages(session: Session, chapter_ids: list[int], filters: ContactFilters, per_page: int) -> list[list[int]]:
    everything = list(session.scalars(*queries.contact_list(chapter_ids, filters)))
    pages = []
    for offset in range(0, len(everything) + 2 * per_page, per_page):
        stmt, params = queries.contact_page(chapter_ids, filters, limit=per_page, offset=offset)
        rows = session.execute(stmt, params).all()
        assert [row.id for row in rows] == everything[offset : offset + per_page], (offset, per_page, filters)
        if rows:
            limit = queries.count_limit(offset, per_page)
            assert {row.total for row in rows} == {min(len(everything), limit)}, (offset, per_page, filters)
        pages.append([row.id for row in rows])
    return pages


@pytest.mark.parametrize("per_page", [1, 4, 7])
def test_every_page_read_from_its_bucket_is_the_lists_page(
    db_session: Session, chapter: Any, people: list[Contact], monkeypatch: pytest.MonkeyPatch, per_page: int
) -> None:
    monkeypatch.setattr(queries, "BUCKETS_FROM", 1)  # every page but the first from its bucket
    services.delete_contact(db_session, None, people[4])  # the trash is not counted, nor listed
    db_session.flush()
    for filters in (
        ContactFilters(),
        ContactFilters(kind=ContactKind.STAFF),
        ContactFilters(chapter_id=chapter.id),
        ContactFilters(sort="-name"),
        ContactFilters(sort="-name", kind=ContactKind.STAFF),
    ):
        _pages(db_session, [chapter.id], filters, per_page)


def test_deep_pages_read_their_bucket_not_the_list_before_it(
    db_session: Session, chapter: Any, people: list[Contact], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page starts from its bucket's first name (``sort_name>=``), or by name descending below the next
    bucket's (``sort_name<``), where the plain list steps from the start."""
    dialect = db_session.get_bind().dialect
    for filters, bound in (
        (ContactFilters(kind=ContactKind.STAFF), "contacts.sort_name >= coalesce("),
        (ContactFilters(sort="-name"), "contacts.sort_name < coalesce("),
    ):
        monkeypatch.setattr(queries, "BUCKETS_FROM", 1000)
        stmt, params = queries.contact_page([chapter.id], filters, limit=2, offset=8)
        assert "contact_name_buckets" not in str(stmt)  # a page near the start steps over the rows before it
        monkeypatch.setattr(queries, "BUCKETS_FROM", 8)
        stmt, params = queries.contact_page([chapter.id], filters, limit=2, offset=8)
        sql = str(stmt.compile(dialect=dialect))
        assert "contact_name_buckets" in sql
        assert bound in sql
    # Other filters, other sorts and several chapters step through the list as before.
    for other_filters, chapter_ids in (
        (ContactFilters(country="NL"), [chapter.id]),
        (ContactFilters(sort="updated"), [chapter.id]),
        (ContactFilters(q="berg"), [chapter.id]),
        (ContactFilters(), [chapter.id, chapter.id + 1]),
    ):
        stmt, params = queries.contact_page(chapter_ids, other_filters, limit=2, offset=8)
        assert "contact_name_buckets" not in str(stmt), other_filters


def test_without_counts_a_deep_page_is_still_right(
    db_session: Session, chapter: Any, people: list[Contact], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts missing (a loader that did not rebuild them) make the page read from the start, not go wrong."""
    monkeypatch.setattr(queries, "BUCKETS_FROM", 1)
    db_session.execute(sa.delete(ContactNameBucket))
    _pages(db_session, [chapter.id], ContactFilters(), 5)
    _pages(db_session, [chapter.id], ContactFilters(sort="-name"), 5)


def test_the_recount_command_counts_every_chapter_again(
    app: Any, db_session: Session, chapter: Any, people: list[Contact]
) -> None:
    from flask.cli import AppGroup

    from crm.cli import register_commands

    others = db_session.scalar(sa.select(Contact.chapter_id).where(Contact.chapter_id != chapter.id))
    db_session.execute(sa.update(ContactNameBucket).values(contacts=99))  # counts gone wrong
    db_session.execute(sa.delete(ContactNameBucket).where(ContactNameBucket.chapter_id == others))
    db_session.flush()
    group = AppGroup("crm")
    register_commands(group)
    result = app.test_cli_runner().invoke(group, ["contacts", "recount"])
    assert result.exit_code == 0, result.output
    assert "again" in result.output
    db_session.expire_all()
    for chapter_id in (chapter.id, others):
        assert _stored(db_session, chapter_id) == _expected(db_session, chapter_id) != Counter()
