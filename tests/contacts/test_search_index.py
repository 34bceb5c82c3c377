"""The search index: terms carry their contact's chapter and sort name, only live contacts have terms, and a
search answers from them alone or joined with the other filters."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.contacts import queries, search, services
from crm.contacts.models import Contact, ContactKind, ContactSearchTerm, Stance
from crm.contacts.queries import ContactFilters
from crm.organisations import services as organisations
from tests.contacts.conftest import make_contact
from tests.contacts.test_list_counts import _plan
from tests.factories import ChapterFactory, OrganisationFactory

pytestmark = pytest.mark.usefixtures("ctx")


def _names(session: Session, chapter_ids: list[int], **filters: Any) -> list[str]:
    stmt, params = queries.contact_page(chapter_ids, ContactFilters(**filters), limit=1000, offset=0)
    return [row.display_name for row in session.execute(stmt, params)]


def _ids(session: Session, chapter_ids: list[int], **filters: Any) -> list[int]:
    stmt, params = queries.contact_page(chapter_ids, ContactFilters(**filters), limit=1000, offset=0)
    return [row.id for row in session.execute(stmt, params)]


def _terms(session: Session, contact: Contact) -> list[tuple[str, int, str]]:
    stmt = sa.select(ContactSearchTerm.term, ContactSearchTerm.chapter_id, ContactSearchTerm.sort_name)
    return [tuple(row) for row in session.execute(stmt.where(ContactSearchTerm.contact_id == contact.id))]


def _check_terms(session: Session, contact: Contact) -> set[str]:
    """Check that the contact's terms carry its chapter and sort name; return them."""
    session.flush()
    terms = _terms(session, contact)
    assert terms
    assert {(chapter, sort_name) for _term, chapter, sort_name in terms} == {(contact.chapter_id, contact.sort_name)}
    return {term for term, _chapter, _sort_name in terms}


def test_terms_follow_the_contact_through_rename_trash_and_restore(db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, given_name="Ana", family_name="Aalders", emails=["ana@x.example"])
    make_contact(db_session, chapter, given_name="Ana", family_name="Mulder")
    ids = [chapter.id]
    terms = _check_terms(db_session, contact)
    assert {"aalders", "ana@x.example"} <= terms
    assert "ana" not in terms  # the address begins with it and matches every prefix it would (below)
    assert _names(db_session, ids, q="ana") == ["Ana Aalders", "Ana Mulder"]

    services.update_contact(db_session, None, contact, family_name="Zwart")  # a new sort name too
    assert "aalders" not in _check_terms(db_session, contact)
    assert _names(db_session, ids, q="ana") == ["Ana Mulder", "Ana Zwart"]
    assert _names(db_session, ids, q="ana", sort="-name") == ["Ana Zwart", "Ana Mulder"]
    assert _names(db_session, ids, q="aalders") == []

    services.delete_contact(db_session, None, contact)
    db_session.flush()
    assert _terms(db_session, contact) == []
    assert _names(db_session, ids, q="ana") == ["Ana Mulder"]
    assert _names(db_session, ids, q="ana@x.example") == []
    assert _names(db_session, ids, q="zwart", kind=ContactKind.HELPER) == []

    services.restore_contact(db_session, None, contact)
    _check_terms(db_session, contact)
    assert _names(db_session, ids, q="ana") == ["Ana Mulder", "Ana Zwart"]
    assert _names(db_session, ids, q="ana@x.example") == ["Ana Zwart"]


def test_a_word_that_begins_another_term_is_left_out_and_still_found(db_session: Session, chapter: Any) -> None:
    assert search.longest(["jan", "jansen", "jansen10037", "jans", "sven", "sven.jansen@x.example", "ab"]) == {
        "jansen10037",
        "sven.jansen@x.example",
        "ab",
    }
    assert search.contact_terms(names=["Jan Jansen", "Jan"], emails=["jan.jansen7@kamer.example"]) == {
        "jan.jansen7@kamer.example",
        "jansen7",
    }
    contact = make_contact(
        db_session, chapter, given_name="Jan", family_name="Jansen", emails=["jan.jansen7@k.example"]
    )
    make_contact(db_session, chapter, given_name="Janna", family_name="Smit")
    assert _check_terms(db_session, contact) == {"jan.jansen7@k.example", "jansen7"}
    ids = [chapter.id]
    for query in ("j", "ja", "jan", "jans", "jansen", "jansen7", "jan.jansen7@k.example", "jan jansen"):
        assert "Jan Jansen" in _names(db_session, ids, q=query), query
    assert _names(db_session, ids, q="jan") == ["Jan Jansen", "Janna Smit"]
    assert _names(db_session, ids, q="janssen") == []


def test_a_renamed_organisation_or_tag_is_found_and_the_trash_stays_out(
    db_session: Session, chapter: Any, user: Any
) -> None:
    kamer = OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    member = make_contact(db_session, chapter, family_name="Member", positions=[(kamer, "MP", None, None)])
    binned = make_contact(db_session, chapter, family_name="Binned", positions=[(kamer, "MP", None, None)])
    services.delete_contact(db_session, None, binned)
    tagged = make_contact(db_session, chapter, family_name="Tagged", tags=["Climate"])
    organisations.update_organisation(db_session, user, kamer, name="Eerste Kamer", kind=kamer.kind)
    search.reindex_tag_members(db_session, tagged.tags[0])
    db_session.flush()
    assert _names(db_session, [chapter.id], q="eerste") == ["Jan Member"]
    assert _names(db_session, [chapter.id], q="tweede") == []
    assert _terms(db_session, binned) == []  # not written back by the reindexing
    assert "climate" in _check_terms(db_session, tagged)
    assert "eerste" in _check_terms(db_session, member)


@pytest.fixture
def people(db_session: Session, chapter: Any, user: Any) -> dict[str, Contact]:
    climate: dict[str, Any] = {
        "tags": ["Climate"],
        "kind": "representative",
        "stance": "supportive",
        "is_target": True,
        "country": "NL",
    }
    return {
        "jan": make_contact(db_session, chapter, given_name="Jan", family_name="Jansen", **climate),
        "janne": make_contact(
            db_session,
            chapter,
            given_name="Janne",
            name_prefix="de",
            family_name="Vries",
            holder_ids=[user.id],
            country="BE",
        ),
        "piet": make_contact(db_session, chapter, given_name="Piet", family_name="Jansma", emails=["pj@kamer.example"]),
        "anna": make_contact(db_session, chapter, given_name="Anna", family_name="Jansen", kind="journalist"),
    }


def test_words_match_by_prefix_and_every_word_must_match(db_session: Session, chapter: Any, people: Any) -> None:
    ids = [chapter.id]
    assert _names(db_session, ids, q="jans") == ["Anna Jansen", "Jan Jansen", "Piet Jansma"]
    assert _names(db_session, ids, q="jan") == ["Anna Jansen", "Jan Jansen", "Piet Jansma", "Janne de Vries"]
    assert _names(db_session, ids, q="jan jansen") == ["Anna Jansen", "Jan Jansen"]
    assert _names(db_session, ids, q="jansen jan") == ["Anna Jansen", "Jan Jansen"]
    assert _names(db_session, ids, q="de vries janne") == ["Janne de Vries"]
    assert _names(db_session, ids, q="jan jansen climate") == ["Jan Jansen"]
    assert _names(db_session, ids, q="anna piet") == []
    assert _names(db_session, ids, q="pj@kamer.example") == ["Piet Jansma"]
    assert _names(db_session, ids, q="PJ@kamer") == ["Piet Jansma"]  # an address by its start
    assert _names(db_session, ids, q="pj@other.example") == []


@pytest.mark.parametrize("sort", ["name", "-name", "updated", "created"])
def test_searches_with_filters_match_the_filtered_list(
    db_session: Session, chapter: Any, user: Any, people: Any, sort: str
) -> None:
    ids = [chapter.id]
    services.update_contact(db_session, None, people["piet"], constituency="Noord")  # changed last
    db_session.flush()
    for q in ("jan", "jans", "jan jansen"):
        found = _ids(db_session, ids, q=q, sort=sort)
        # the list of every match, sorted, found by looking up each contact (``contact_list``)
        assert found == list(db_session.scalars(*queries.contact_list(ids, ContactFilters(q=q, sort=sort)))), q
        for filters in (
            {"kind": ContactKind.REPRESENTATIVE},
            {"stance": Stance.SUPPORTIVE},
            {"target": True},
            {"holder_id": user.id},
            {"country": "NL"},
            {"tag": "climate"},
            {"chapter_id": chapter.id},
        ):
            listed = _ids(db_session, ids, sort=sort, **filters)
            assert _ids(db_session, ids, q=q, sort=sort, **filters) == [i for i in listed if i in found], filters
    assert _names(db_session, ids, q="jans", sort="updated")[0] == "Piet Jansma"
    assert _names(db_session, ids, q="jans", sort="created") == ["Anna Jansen", "Piet Jansma", "Jan Jansen"]


def test_a_search_over_several_chapters(db_session: Session, chapter: Any, people: Any) -> None:
    local = ChapterFactory(parent=chapter)
    elsewhere = ChapterFactory()
    make_contact(db_session, local, given_name="Jan", family_name="Lokaal")
    make_contact(db_session, elsewhere, given_name="Jan", family_name="Elders")
    both = [chapter.id, local.id]
    assert _names(db_session, both, q="jan l") == ["Jan Lokaal"]
    assert len(_names(db_session, both, q="jan")) == 5
    assert _names(db_session, both, q="jan", chapter_id=local.id) == ["Jan Lokaal"]
    assert _names(db_session, both, q="elders") == []
    assert _names(db_session, [elsewhere.id], q="jan") == ["Jan Elders"]


@pytest.mark.parametrize("q", ["jan", "jan x"])
def test_search_totals_stop_at_the_limit(
    db_session: Session, chapter: Any, monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", 4)
    for number in range(25):
        make_contact(db_session, chapter, given_name="Jan", family_name=f"X{number:02}")
    make_contact(db_session, chapter, given_name="Other", family_name="X")
    for per_page, offset in ((2, 0), (2, 6), (2, 20), (2, 24), (3, 3)):
        stmt, params = queries.contact_page([chapter.id], ContactFilters(q=q), limit=per_page, offset=offset)
        rows = db_session.execute(stmt, params).all()
        assert [row.display_name for row in rows] == [f"Jan X{n:02}" for n in range(offset, min(25, offset + per_page))]
        assert {row.total for row in rows} == {min(25, queries.count_limit(offset, per_page))}


def test_matching_finds_live_contacts_in_any_or_the_given_chapters(db_session: Session, chapter: Any) -> None:
    elsewhere = ChapterFactory()
    here = make_contact(db_session, chapter, given_name="Karel", family_name="Appel")
    there = make_contact(db_session, elsewhere, given_name="Karel", family_name="Doorman")
    binned = make_contact(db_session, chapter, given_name="Karel", family_name="Binned")
    services.delete_contact(db_session, None, binned)
    db_session.flush()

    def ids(query: str, chapter_ids: list[int] | None = None) -> set[int]:
        stmt = search.matching(query, chapter_ids)
        assert stmt is not None
        return set(db_session.scalars(stmt))

    assert ids("karel") == {here.id, there.id}
    assert ids("karel appel") == {here.id}
    assert ids("karel", [elsewhere.id]) == {there.id}
    assert search.matching("  ") is None


def test_a_word_longer_than_a_term_still_finds_its_contact(db_session: Session, chapter: Any) -> None:
    long_word = "Q" + "w" * 130  # its term is cut to search.MAX_TERM characters
    board = OrganisationFactory(chapter=chapter, name=long_word)
    make_contact(db_session, chapter, given_name="Ana", family_name="Berg", positions=[(board, "", None, None)])
    ids = [chapter.id]
    assert _names(db_session, ids, q=long_word) == ["Ana Berg"]
    assert _names(db_session, ids, q=long_word[:120]) == ["Ana Berg"]
    assert list(db_session.scalars(search.matching(long_word, ids))) != []


def test_prefix_ranges_cover_the_prefix_and_never_fail() -> None:
    assert search.prefix_range("jans") == ("jans", "jant")
    assert search.prefix_range("x@y\U0010ffff") == ("x@y\U0010ffff", "x@z")
    assert search.prefix_range("\U0010ffff") == ("\U0010ffff", "\U0010ffff")  # nothing to find, no error
    lower, upper = search.prefix_range("a" * 130)
    assert lower == "a" * search.MAX_TERM
    assert upper == "a" * (search.MAX_TERM - 1) + "b"


@pytest.mark.parametrize("sort", ["name", "-name", "created"])
def test_a_first_search_page_from_its_first_rows_is_asked_again_when_contacts_repeat(
    db_session: Session, chapter: Any, sort: str
) -> None:
    """The first page of a one-word search is read from its first matching rows (``FIRST_ROWS`` × page size).
    Contacts that match by several terms each fill those rows with repeats: the page comes out short while its
    total says more follow, ``cut_short`` tells, and the exact statement gives the full page."""
    for number in range(5):  # three terms each start with "aa": the given name, family name and address
        make_contact(db_session, chapter, given_name=f"Aab{number}", family_name=f"Aac{number}",
                     emails=[("", f"aad{number}@example.org")])  # fmt: skip
    expected = _names(db_session, [chapter.id], q="aa", sort=sort)
    assert len(expected) == 5
    fast, params = queries.contact_page([chapter.id], ContactFilters(q="aa", sort=sort), limit=3, offset=0)
    rows = db_session.execute(fast, params).all()
    assert [row.display_name for row in rows] == expected[:2]  # six rows read: two contacts, three times each
    assert queries.cut_short(rows, 3, 0)
    exact, params = queries.contact_page([chapter.id], ContactFilters(q="aa", sort=sort), limit=3, offset=0, exact=True)
    rows = db_session.execute(exact, params).all()
    assert [row.display_name for row in rows] == expected[:3]
    assert not queries.cut_short(rows, 3, 0)
    assert {row.total for row in rows} == {5}
    last, params = queries.contact_page([chapter.id], ContactFilters(q="aab4", sort=sort), limit=3, offset=0)
    assert not queries.cut_short(db_session.execute(last, params).all(), 3, 0)  # a short page at the end


def _page(session: Session, chapter_ids: list[int], limit: int, offset: int, **filters: Any) -> list[Any]:
    stmt, params = queries.contact_page(chapter_ids, ContactFilters(**filters), limit=limit, offset=offset)
    return session.execute(stmt, params).all()


def _reads_prefix(chapter_ids: list[int], **filters: Any) -> bool:
    stmt, _params = queries.contact_page(chapter_ids, ContactFilters(**filters), limit=10, offset=0)
    return "contact_search_terms.prefix" in str(stmt)


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_word_of_four_characters_or_more_is_read_in_name_order_from_its_prefix(
    db_session: Session, chapter: Any, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """A one-word search of at least ``search.PREFIX_LENGTH`` characters reads its chapter's terms of that prefix in
    name order (``queries._prefix_page``): every page and total as sorting all matches gives, each contact once
    however many of its terms match, counted up to the limit."""
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", 6)
    for number in range(14):  # the family name and the address both begin with "jans"
        make_contact(db_session, chapter, given_name="Piet", family_name=f"Jansen{number:02}",
                     emails=[("", f"jansen{number:02}@example.org")])  # fmt: skip
    make_contact(db_session, chapter, given_name="Ans", family_name="Jans")
    make_contact(db_session, chapter, given_name="Jantje", family_name="Berg")  # "jan", but not "jans"
    make_contact(db_session, ChapterFactory(), given_name="Piet", family_name="Jansen")  # another chapter
    ids = [chapter.id]
    expected = ["Ans Jans", *(f"Piet Jansen{number:02}" for number in range(14))]
    if sort == "-name":
        expected.reverse()

    assert _reads_prefix(ids, q="jans", sort=sort)
    assert not _reads_prefix(ids, q="jan", sort=sort)  # shorter than a prefix: its terms' range, as before
    assert not _reads_prefix(ids, q="jans", sort="created")  # a prefix's terms are in name order only
    for limit, offset in ((3, 0), (3, 3), (4, 8), (3, 12), (3, 15)):
        rows = _page(db_session, ids, limit, offset, q="Jans", sort=sort)
        assert [row.display_name for row in rows] == expected[offset : offset + limit]
        assert {row.total for row in rows} <= {min(15, queries.count_limit(offset, limit))}
    capped = _page(db_session, ids, 1, 0, q="jans", sort=sort)  # counts to 11 (COUNT_AT_LEAST 6, ten pages of 1)
    assert [row.total for row in capped] == [queries.count_limit(0, 1)]
    assert [row.display_name for row in _page(db_session, ids, 10, 0, q="JANSEN1", sort=sort)] == [
        name for name in expected if name.startswith("Piet Jansen1")
    ]
    assert [row.display_name for row in _page(db_session, ids, 10, 0, q="jansen03@example.org")] == ["Piet Jansen03"]
    assert _page(db_session, ids, 10, 0, q="jansz") == []


def test_a_prefix_search_reads_the_prefix_index_in_name_order(db_session: Session, chapter: Any) -> None:
    """Its page and count read the (chapter_id, prefix, sort_name, contact_id, term) index and group in its order:
    SQLite builds no temporary tree to group, and PostgreSQL, asked what it can do, never the term index. (On the
    benchmark's 900,000 terms PostgreSQL chose the term index and a sort while the word's range was a condition
    that index could take: ``crm.db.unindexed``. A plan on a few rows cannot show that estimate.)"""
    for number in range(3):
        make_contact(db_session, chapter, given_name="Piet", family_name=f"Jansen{number}")
    stmt, params = queries.contact_page([chapter.id], ContactFilters(q="jansen"), limit=2, offset=0)
    plan = _plan(db_session, stmt, params)
    prefix_index = "ix_contact_search_terms_chapter_id_prefix_sort_name_contact_id"
    assert sum(prefix_index in line for line in plan) == 2, plan  # the page and the count
    assert not any("ix_contact_search_terms_chapter_id_term_sort_name_contact_id" in line for line in plan), plan
    assert not any("GROUP BY" in line for line in plan), plan
