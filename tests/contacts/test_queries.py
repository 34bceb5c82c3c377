"""Contact list queries: search, filters, sort, count, chapter scope and the trash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from crm.contacts import queries, services
from crm.contacts.models import ContactKind, Stance
from crm.contacts.queries import ContactFilters
from tests.contacts.conftest import make_contact
from tests.factories import ChapterFactory, OrganisationFactory, member_of

pytestmark = pytest.mark.usefixtures("ctx")


def _names(session: Session, chapter_ids: list[int], **filters: Any) -> list[str]:
    stmt, params = queries.contact_page(chapter_ids, ContactFilters(**filters), limit=1000, offset=0)
    return [row.display_name for row in session.execute(stmt, params)]


def _count(session: Session, chapter_ids: list[int], **filters: Any) -> int:
    return session.scalar(*queries.contact_count(chapter_ids, ContactFilters(**filters))) or 0


@pytest.fixture
def people(db_session: Session, chapter: Any, user: Any) -> dict[str, Any]:
    kamer = OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    return {
        "ciric": make_contact(
            db_session,
            chapter,
            given_name="Ana",
            family_name="Ćirić",
            tags=["Climate"],
            kind="representative",
            stance="supportive",
            is_target=True,
            country="RS",
            positions=[(kamer, "MP", None, None)],
            holder_ids=[user.id],
        ),
        "berg": make_contact(
            db_session,
            chapter,
            given_name="Jan",
            name_prefix="van den",
            family_name="Berg",
            kind="staff",
            stance="opposed",
            country="NL",
            emails=["jb@kamer.example.org"],
        ),
        "smit": make_contact(
            db_session, chapter, given_name="Eva", family_name="Smit", kind="journalist", country="NL", tags=["press"]
        ),
    }


def test_search_by_name_organisation_tag_and_email(db_session: Session, chapter: Any, people: Any) -> None:
    ids = [chapter.id]
    assert _names(db_session, ids, q="ciric") == ["Ana Ćirić"]
    assert _names(db_session, ids, q="ĆIRIĆ") == ["Ana Ćirić"]
    assert _names(db_session, ids, q="cir") == ["Ana Ćirić"]  # a prefix
    assert _names(db_session, ids, q="tweede kamer") == ["Ana Ćirić"]
    assert _names(db_session, ids, q="climate") == ["Ana Ćirić"]
    assert _names(db_session, ids, q="jb@kamer") == ["Jan van den Berg"]
    assert _names(db_session, ids, q="JB@kamer.example.org") == ["Jan van den Berg"]
    assert _names(db_session, ids, q="jb") == ["Jan van den Berg"]
    assert _names(db_session, ids, q="van berg") == ["Jan van den Berg"]
    assert _names(db_session, ids, q="ana smit") == []  # every word must match
    assert _names(db_session, ids, q="  ") == ["Jan van den Berg", "Ana Ćirić", "Eva Smit"]


def test_filters(db_session: Session, chapter: Any, user: Any, people: Any) -> None:
    ids = [chapter.id]
    assert _names(db_session, ids, kind=ContactKind.STAFF) == ["Jan van den Berg"]
    assert _names(db_session, ids, stance=Stance.SUPPORTIVE) == ["Ana Ćirić"]
    assert _names(db_session, ids, target=True) == ["Ana Ćirić"]
    assert _names(db_session, ids, holder_id=user.id) == ["Ana Ćirić"]
    assert _names(db_session, ids, country="NL") == ["Jan van den Berg", "Eva Smit"]
    assert _names(db_session, ids, tag="climate") == ["Ana Ćirić"]
    assert _names(db_session, ids, tag=str(people["smit"].tags[0].id)) == ["Eva Smit"]
    assert _names(db_session, ids, tag="nonexistent") == []
    assert _names(db_session, ids, country="NL", kind=ContactKind.JOURNALIST, q="eva") == ["Eva Smit"]
    assert _count(db_session, ids, country="NL") == 2
    assert _count(db_session, ids) == 3


def test_sorts(db_session: Session, chapter: Any, people: Any) -> None:
    ids = [chapter.id]
    assert _names(db_session, ids, sort="-name") == ["Eva Smit", "Ana Ćirić", "Jan van den Berg"]
    assert _names(db_session, ids, sort="created") == ["Eva Smit", "Jan van den Berg", "Ana Ćirić"]
    services.update_contact(db_session, None, people["berg"], constituency="Noord")
    db_session.flush()
    assert _names(db_session, ids, sort="updated")[0] == "Jan van den Berg"
    assert _names(db_session, ids, sort="bogus") == _names(db_session, ids)


def test_scope_and_trash(db_session: Session, chapter: Any, people: Any) -> None:
    elsewhere = ChapterFactory()
    make_contact(db_session, elsewhere, given_name="Ana", family_name="Ćirić-Other")
    services.delete_contact(db_session, None, people["smit"])
    assert _names(db_session, [chapter.id], q="ciric") == ["Ana Ćirić"]
    assert _count(db_session, [chapter.id]) == 2
    assert len(_names(db_session, [chapter.id, elsewhere.id], q="ciric")) == 2
    assert _names(db_session, [chapter.id, elsewhere.id], q="ciric", chapter_id=elsewhere.id) == ["Ana Ćirić-Other"]
    # a chapter filter outside the readable chapters selects nothing, it does not widen the scope
    assert _names(db_session, [chapter.id], chapter_id=elsewhere.id) == []
    assert _names(db_session, [], q="ciric") == []
    trash = [c.display_name for c in db_session.scalars(queries.trash([chapter.id]))]
    assert trash == ["Eva Smit"]


def test_listens_to_hides_what_the_reader_may_not_see(db_session: Session, chapter: Any) -> None:
    elsewhere = ChapterFactory()
    contact = make_contact(db_session, chapter, family_name="Listener")
    visible = make_contact(db_session, chapter, family_name="Visible")
    hidden = make_contact(db_session, elsewhere, family_name="Hidden")
    binned = make_contact(db_session, chapter, family_name="Binned")
    for trusted in (visible, hidden, binned):
        services.add_listens_to(db_session, None, contact, trusted=trusted)
        services.add_listens_to(db_session, None, trusted, trusted=contact)
    services.delete_contact(db_session, None, binned)
    db_session.flush()
    links = db_session.execute(*queries.links(contact.id, [chapter.id])).all()
    out = [link.display_name for link in links if not link.incoming]
    into = [link.display_name for link in links if link.incoming]
    assert out == into == [visible.display_name]
    assert {link.other_id for link in links} == {visible.id}


def test_members_and_stance_history(db_session: Session, chapter: Any, user: Any) -> None:
    member_of(ChapterFactory(), name="Outsider")
    assert [name for _id, name, _chapter in db_session.execute(queries.members([chapter.id]))] == [user.name]
    rows = db_session.execute(*queries.chapters_and_members([chapter.id])).all()
    assert [(row.part, row.id, row.name, row.chapter_id) for row in rows] == [
        (0, chapter.id, chapter.name, None),
        (1, user.id, user.name, chapter.id),
    ]
    contact = make_contact(db_session, chapter)
    services.update_contact(db_session, user, contact, stance="champion")
    db_session.flush()
    history = db_session.execute(*queries.stance_history(contact.id)).all()
    assert [s.stance for s in history] == [Stance.CHAMPION, Stance.UNKNOWN]
    assert [s.previous_stance for s in history] == [Stance.UNKNOWN, None]
    assert [s.recorded_by for s in history] == [user.name, None]  # the second by the system
    assert history[0].recorded_at <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("sort", ["name", "-name", "updated", "created"])
def test_pages_across_chapters_match_one_sorted_list(db_session: Session, chapter: Any, sort: str) -> None:
    local = ChapterFactory(parent=chapter)
    for index, name in enumerate(["Kim", "Al", "Zed", "Bo", "Mo", "Cy", "Di", "Ed", "Yu"]):
        make_contact(
            db_session,
            chapter if index % 3 else local,
            given_name="X",
            family_name=name,
            kind="representative" if index % 2 else "staff",
        )
    ids = [chapter.id, local.id]
    for filters in (ContactFilters(sort=sort), ContactFilters(sort=sort, kind=ContactKind.REPRESENTATIVE)):
        everything = list(db_session.scalars(*queries.contact_list(ids, filters)))
        paged = []
        for page in (1, 2, 3, 4):
            rows = db_session.execute(*queries.contact_page(ids, filters, limit=3, offset=(page - 1) * 3)).all()
            assert all(row.total == len(everything) for row in rows)
            paged.extend(row.id for row in rows)
        assert paged == everything
        assert len(everything) == _count(db_session, ids, sort=sort, kind=filters.kind)
