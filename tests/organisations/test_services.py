"""Organisation services and queries: the rules, the history they write, the people they list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.contacts.models import ContactSearchTerm, Organisation, OrganisationKind
from crm.contacts.search import reindex
from crm.db import utcnow
from crm.errors import Invalid, NotFound
from crm.history.models import Action, Change
from crm.organisations import queries
from crm.organisations import services as svc
from tests.factories import ChapterFactory, ContactFactory, OrganisationFactory, PositionFactory

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = dt.date(2026, 6, 1)


def _changes(session: Session, organisation: Organisation) -> list[Change]:
    return list(
        session.scalars(
            sa.select(Change)
            .where(Change.entity_type == "organisation", Change.entity_id == organisation.id)
            .order_by(Change.id)
        )
    )


def _create(session: Session, actor: Any, chapter: Any, **fields: Any) -> Organisation:
    values: dict[str, Any] = {"name": "Tweede Kamer", "kind": OrganisationKind.PARLIAMENT} | fields
    return svc.create_organisation(session, actor, chapter_id=chapter.id, **values)


# --- create ---------------------------------------------------------------------------------------------------


def test_create_normalises_and_records_history(db_session: Session, user: Any, chapter: Any) -> None:
    organisation = _create(
        db_session,
        user,
        chapter,
        name="  Tweede   Kámer ",
        kind="parliament",
        country="nl",
        website="www.tweedekamer.nl",
        notes="Lower house",
    )
    assert (organisation.name, organisation.sort_name) == ("Tweede Kámer", "tweede kamer")
    assert organisation.kind is OrganisationKind.PARLIAMENT
    assert (organisation.country, organisation.website) == ("NL", "https://www.tweedekamer.nl")
    [change] = _changes(db_session, organisation)
    assert change.action is Action.CREATED
    assert change.actor_id == user.id
    assert change.chapter_id == chapter.id
    assert change.changes == {
        "name": [None, "Tweede Kámer"],
        "kind": [None, "parliament"],
        "country": [None, "NL"],
        "website": [None, "https://www.tweedekamer.nl"],
        "notes": [None, "Lower house"],
    }


def test_create_in_an_invisible_chapter_is_not_found(db_session: Session, user: Any) -> None:
    with pytest.raises(NotFound):
        _create(db_session, user, ChapterFactory())


@pytest.mark.parametrize("country", ["XX", "NLD", "1", "EUR", "ZZ"])
def test_bad_country_is_refused_beside_the_field(db_session: Session, user: Any, chapter: Any, country: str) -> None:
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, country=country)
    assert error.value.field == "country"


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "not a url",
        "http://localhost",
        "ftp://example.org",
        "https://user@evil.example",
        "https://exa mple.org",
        "https://-bad-.org",
        "https://example.org:notaport",
        "https://example.123",
        "x" * 600,
    ],
)
def test_bad_website_is_refused_beside_the_field(db_session: Session, user: Any, chapter: Any, website: str) -> None:
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, website=website)
    assert error.value.field == "website"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://www.tweedekamer.nl/kamerleden", "https://www.tweedekamer.nl/kamerleden"),
        ("http://example.org:8080/a?b=c", "http://example.org:8080/a?b=c"),
        ("bundestag.de", "https://bundestag.de"),
        ("https://bücher.example", "https://bücher.example"),
        ("   ", None),
    ],
)
def test_good_websites_are_kept(db_session: Session, user: Any, chapter: Any, given: str, stored: str | None) -> None:
    assert _create(db_session, user, chapter, website=given).website == stored


def test_blank_name_and_bad_kind_are_refused(db_session: Session, user: Any, chapter: Any) -> None:
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, name="   ")
    assert error.value.field == "name"
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, kind="church")
    assert error.value.field == "kind"


def test_duplicate_name_of_the_same_kind_in_the_chapter_is_refused(
    db_session: Session, user: Any, chapter: Any
) -> None:
    _create(db_session, user, chapter, name="Tweede Kamer")
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, name="tweede  KÁMER")
    assert error.value.field == "name"
    assert "tweede KÁMER" in error.value.message
    # another kind, or another chapter, is fine
    _create(db_session, user, chapter, name="Tweede Kamer", kind=OrganisationKind.MEDIA)
    other = ChapterFactory()
    _create(db_session, None, other, name="Tweede Kamer")
    assert db_session.scalar(sa.select(sa.func.count()).where(Organisation.sort_name == "tweede kamer")) == 3


def test_an_organisation_in_the_trash_does_not_block_its_name(db_session: Session, user: Any, chapter: Any) -> None:
    old = _create(db_session, user, chapter)
    svc.delete_organisation(db_session, user, old, today=TODAY)
    assert _create(db_session, user, chapter).id != old.id


# --- parents --------------------------------------------------------------------------------------------------


def test_parent_must_be_of_the_same_chapter_and_not_make_a_cycle(db_session: Session, user: Any, chapter: Any) -> None:
    top = _create(db_session, user, chapter, name="Parliament")
    middle = _create(db_session, user, chapter, name="Committee", kind="committee", parent_id=top.id)
    bottom = _create(db_session, user, chapter, name="Subcommittee", kind="committee", parent_id=middle.id)
    assert bottom.parent is middle
    assert middle.parent is top
    for parent in (bottom, middle, top):
        with pytest.raises(Invalid) as error:
            svc.update_organisation(db_session, user, top, name=top.name, kind=top.kind, parent_id=parent.id)
        assert error.value.field == "parent"
    assert top.parent_id is None
    foreign = OrganisationFactory(chapter=ChapterFactory())
    with pytest.raises(Invalid) as error:
        _create(db_session, user, chapter, name="Elsewhere", parent_id=foreign.id)
    assert error.value.field == "parent"
    with pytest.raises(Invalid):
        _create(db_session, user, chapter, name="Nowhere", parent_id=10**9)


def test_descendant_and_ancestor_queries(db_session: Session, user: Any, chapter: Any) -> None:
    top = _create(db_session, user, chapter, name="A")
    middle = _create(db_session, user, chapter, name="B", parent_id=top.id)
    bottom = _create(db_session, user, chapter, name="C", parent_id=middle.id)
    assert set(db_session.scalars(queries.descendant_ids(top.id))) == {middle.id, bottom.id}
    assert set(db_session.scalars(queries.ancestor_ids(bottom.id))) == {top.id, middle.id, bottom.id}


def test_ancestor_query_ends_on_a_cycle_written_around_the_services(db_session: Session, chapter: Any) -> None:
    first = OrganisationFactory(chapter=chapter)
    second = OrganisationFactory(chapter=chapter, parent=first)
    first.parent = second
    db_session.flush()
    assert set(db_session.scalars(queries.ancestor_ids(first.id))) == {first.id, second.id}


def test_organisation_named_finds_by_folded_name_and_kind(db_session: Session, user: Any, chapter: Any) -> None:
    kamer = _create(db_session, user, chapter, name="Tweede Kamer")
    assert svc.organisation_named(db_session, user, chapter_id=chapter.id, name=" tweede  kámer") is kamer
    paper = _create(db_session, user, chapter, name="Tweede Kamer", kind="media")
    with pytest.raises(Invalid) as error:
        svc.organisation_named(db_session, user, chapter_id=chapter.id, name="Tweede Kamer")
    assert "Tweede Kamer (Media)" in error.value.message
    assert error.value.field == "parent"
    assert svc.organisation_named(db_session, user, chapter_id=chapter.id, name="Tweede Kamer (Media)") is paper
    assert svc.organisation_named(db_session, user, chapter_id=chapter.id, name="tweede kamer (media)") is paper
    with pytest.raises(Invalid) as error:
        svc.organisation_named(db_session, user, chapter_id=chapter.id, name="Eerste Kamer")
    assert error.value.field == "parent"
    with pytest.raises(NotFound):
        svc.organisation_named(db_session, user, chapter_id=ChapterFactory().id, name="Tweede Kamer")


# --- update ---------------------------------------------------------------------------------------------------


def test_update_records_only_what_changed(db_session: Session, user: Any, chapter: Any) -> None:
    parent = _create(db_session, user, chapter, name="Parliament")
    organisation = _create(db_session, user, chapter, name="Committee", kind="committee", country="NL")
    svc.update_organisation(
        db_session,
        user,
        organisation,
        name="Committee",
        kind="committee",
        country="NL",
        parent_id=parent.id,
        notes="Meets on Tuesdays",
    )
    svc.update_organisation(
        db_session,
        user,
        organisation,
        name="Committee",
        kind="committee",
        country="NL",
        parent_id=parent.id,
        notes="Meets on Tuesdays",
    )  # no change: no record
    created, updated = _changes(db_session, organisation)
    assert updated.action is Action.UPDATED
    assert updated.changes == {"parent": [None, "Parliament"], "notes": ["", "Meets on Tuesdays"]}


def test_a_refused_update_changes_nothing(db_session: Session, user: Any, chapter: Any) -> None:
    organisation = _create(db_session, user, chapter, name="Committee", country="NL")
    with pytest.raises(Invalid):
        svc.update_organisation(
            db_session,
            user,
            organisation,
            name="Renamed",
            kind="committee",
            country="NL",
            website="javascript:alert(1)",
        )
    assert (organisation.name, organisation.kind, organisation.website) == ("Committee", "parliament", None)
    assert len(_changes(db_session, organisation)) == 1


def test_rename_reindexes_the_people_of_the_organisation(db_session: Session, user: Any, chapter: Any) -> None:
    organisation = _create(db_session, user, chapter, name="Digital Affairs")
    position = PositionFactory(contact=ContactFactory(chapter=chapter), organisation=organisation)
    reindex(db_session, position.contact)
    svc.update_organisation(db_session, user, organisation, name="Algorithms Committee", kind="committee")
    terms = set(
        db_session.scalars(sa.select(ContactSearchTerm.term).where(ContactSearchTerm.contact_id == position.contact_id))
    )
    assert {"algorithms", "committee"} <= terms
    assert "digital" not in terms


def test_update_of_another_chapter_is_not_found(db_session: Session, user: Any) -> None:
    foreign = OrganisationFactory(chapter=ChapterFactory())
    with pytest.raises(NotFound):
        svc.update_organisation(db_session, user, foreign, name="Mine now", kind="other")
    with pytest.raises(NotFound):
        svc.get_organisation(db_session, user, foreign.id)


# --- delete and restore ---------------------------------------------------------------------------------------


def test_delete_is_refused_while_people_hold_current_positions(db_session: Session, user: Any, chapter: Any) -> None:
    organisation = _create(db_session, user, chapter)
    current = PositionFactory(contact=ContactFactory(chapter=chapter), organisation=organisation)
    PositionFactory(
        contact=ContactFactory(chapter=chapter), organisation=organisation, end_date=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(Invalid) as error:
        svc.delete_organisation(db_session, user, organisation, today=TODAY)
    assert "1 person holds a current position" in error.value.message
    assert organisation.deleted_at is None
    current.end_date = TODAY - dt.timedelta(days=1)  # past positions do not block
    svc.delete_organisation(db_session, user, organisation, today=TODAY)
    assert organisation.deleted_at is not None


def test_delete_is_refused_while_it_has_live_sub_organisations(db_session: Session, user: Any, chapter: Any) -> None:
    parent = _create(db_session, user, chapter, name="Parliament")
    child = _create(db_session, user, chapter, name="Committee", parent_id=parent.id)
    with pytest.raises(Invalid) as error:
        svc.delete_organisation(db_session, user, parent, today=TODAY)
    assert "sub-organisation" in error.value.message
    svc.delete_organisation(db_session, user, child, today=TODAY)
    svc.delete_organisation(db_session, user, parent, today=TODAY)
    assert parent.deleted_at is not None


def test_delete_and_restore_record_history_and_restore_lets_a_deleted_parent_go(
    db_session: Session, user: Any, chapter: Any
) -> None:
    parent = _create(db_session, user, chapter, name="Parliament")
    child = _create(db_session, user, chapter, name="Committee", parent_id=parent.id)
    svc.delete_organisation(db_session, user, child, today=TODAY)
    svc.delete_organisation(db_session, user, parent, today=TODAY)
    with pytest.raises(NotFound):
        svc.delete_organisation(db_session, user, child, today=TODAY)  # already in the trash
    assert svc.get_organisation(db_session, user, child.id, deleted=True) is child
    with pytest.raises(NotFound):
        svc.get_organisation(db_session, user, child.id)
    svc.restore_organisation(db_session, user, child)
    assert child.deleted_at is None
    assert child.parent is None
    actions = [(c.action, c.changes) for c in _changes(db_session, child)]
    assert actions[1:] == [(Action.DELETED, {}), (Action.RESTORED, {"parent": ["Parliament", None]})]
    with pytest.raises(NotFound):
        svc.restore_organisation(db_session, user, child)  # not in the trash


def test_restore_is_refused_when_the_name_was_taken_meanwhile(db_session: Session, user: Any, chapter: Any) -> None:
    old = _create(db_session, user, chapter)
    svc.delete_organisation(db_session, user, old, today=TODAY)
    _create(db_session, user, chapter)
    with pytest.raises(Invalid):
        svc.restore_organisation(db_session, user, old)
    assert old.deleted_at is not None


def test_find_or_create_reuses_a_live_organisation(db_session: Session, chapter: Any) -> None:
    first = svc.find_or_create_organisation(
        db_session, None, chapter_id=chapter.id, name="Tweede Kamer", kind="parliament", country="NL"
    )
    again = svc.find_or_create_organisation(
        db_session, None, chapter_id=chapter.id, name="TWEEDE kamer ", kind=OrganisationKind.PARLIAMENT, country=None
    )
    assert again is first
    party = svc.find_or_create_organisation(
        db_session, None, chapter_id=chapter.id, name="Tweede Kamer", kind="party", country="NL"
    )
    assert party is not first
    [change] = _changes(db_session, first)
    assert change.action is Action.CREATED
    assert change.actor_id is None
    first.deleted_at = utcnow()
    fresh = svc.find_or_create_organisation(
        db_session, None, chapter_id=chapter.id, name="Tweede Kamer", kind="parliament", country="NL"
    )
    assert fresh is not first


def test_find_or_create_checks_the_actors_chapter(db_session: Session, user: Any) -> None:
    with pytest.raises(NotFound):
        svc.find_or_create_organisation(
            db_session, user, chapter_id=ChapterFactory().id, name="X", kind="other", country=None
        )


# --- people ---------------------------------------------------------------------------------------------------


def test_current_and_other_positions(db_session: Session, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter)
    day = dt.timedelta(days=1)

    def held(title: str, start: dt.date | None, end: dt.date | None, **contact: Any) -> Any:
        return PositionFactory(
            contact=ContactFactory(chapter=chapter, **contact),
            organisation=organisation,
            title=title,
            start_date=start,
            end_date=end,
        )

    open_ended = held("Member", None, None)
    ends_today = held("Member", TODAY - 10 * day, TODAY)
    chair = held("Chair", TODAY, None)
    ended = held("Member", None, TODAY - day)
    upcoming = held("Member", TODAY + day, None)
    held("Member", None, None, deleted_at=utcnow())  # a contact in the trash is not listed
    PositionFactory(contact=ContactFactory(chapter=chapter))  # another organisation

    stmt, params = queries.people(organisation.id, TODAY, people=(0, 50), others=(0, 25))
    rows = db_session.execute(stmt, params).all()
    current = [row for row in rows if row.current]
    assert current[0].contact_id == chair.contact_id
    assert {row.contact_id for row in current[1:]} == {open_ended.contact_id, ends_today.contact_id}
    assert [(row.n, row.total) for row in current] == [(1, 3), (2, 3), (3, 3)]
    others = [row for row in rows if not row.current]
    assert [row.contact_id for row in others] == [upcoming.contact_id, ended.contact_id]
    assert [(row.n, row.total) for row in others] == [(1, 2), (2, 2)]
    assert db_session.scalar(queries.current_position_count(organisation.id, TODAY)) == 3
    assert db_session.scalar(queries.other_position_count(organisation.id, TODAY)) == 2
    # A page of each list: the second current position alone, nothing past the end of the others.
    stmt, params = queries.people(organisation.id, TODAY, people=(1, 1), others=(5, 25))
    rows = db_session.execute(stmt, params).all()
    assert [(row.current, row.n, row.total) for row in rows] == [(1, 2, 3)]
