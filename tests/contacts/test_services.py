"""The contacts service: create, update, delete, restore, validation, stance history, positions, links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.contacts import services
from crm.contacts.models import (
    Contact,
    ContactKind,
    ContactSearchTerm,
    ExternalId,
    ListensTo,
    OrganisationKind,
    Position,
    Stance,
    StanceChange,
    Tag,
    Understanding,
)
from crm.contacts.relations import AmbiguousContact, OrganisationNotFound
from crm.errors import Invalid, NotFound
from crm.history.models import Action, Change
from tests.contacts.conftest import make_contact
from tests.factories import ChapterFactory, OrganisationFactory

pytestmark = pytest.mark.usefixtures("ctx")


def _changes(session: Session, contact: Contact) -> list[Change]:
    stmt = sa.select(Change).where(Change.entity_type == "contact", Change.entity_id == contact.id)
    return list(session.scalars(stmt.order_by(Change.id)))


def _stances(session: Session, contact: Contact) -> list[StanceChange]:
    stmt = sa.select(StanceChange).where(StanceChange.contact_id == contact.id).order_by(StanceChange.id)
    return list(session.scalars(stmt))


def _terms(session: Session, contact: Contact) -> set[str]:
    stmt = sa.select(ContactSearchTerm.term).where(ContactSearchTerm.contact_id == contact.id)
    return set(session.scalars(stmt))


# --- create ---------------------------------------------------------------------------------------------------


def test_create_fills_every_part(db_session: Session, chapter: Any, user: Any) -> None:
    contact = services.create_contact(
        db_session,
        user,
        chapter_id=chapter.id,
        honorific="Dr.",
        given_name=" Ana ",
        name_prefix="van der",
        family_name="Ćirić",
        kind="representative",
        country="nl",
        constituency="Utrecht",
        stance=Stance.SUPPORTIVE,
        stance_note="Spoke at the hearing",
        is_target=True,
        priority=2,
        goals="Co-sponsor",
        background="Physicist",
        understands_ai=Understanding.YES,
        cadence_days=14,
        notes="*hi*",
        emails=[("work", "Ana@Example.ORG"), ("", "")],
        phones=["+31 6 1234 5678"],
        addresses=[("office", "Plein 2")],
        links=["example.org/ana"],
        tags=["Climate", "climate", " AI "],
        holder_ids=[user.id],
        external_ids=[("Wikidata", "Q42")],
    )
    db_session.expire_all()
    contact = db_session.get_one(Contact, contact.id)
    assert contact.display_name == "Ana van der Ćirić"
    assert contact.sort_name == "ciric ana van der"
    assert (contact.kind, contact.country, contact.priority, contact.cadence_days) == (
        ContactKind.REPRESENTATIVE,
        "NL",
        2,
        14,
    )
    assert contact.created_by_id == user.id
    assert {(m.kind.value, m.label, m.value) for m in contact.methods} == {
        ("email", "work", "Ana@example.org"),
        ("phone", "", "+31 6 1234 5678"),
        ("address", "office", "Plein 2"),
        ("link", "", "https://example.org/ana"),
    }
    assert [t.name for t in contact.tags] == ["AI", "Climate"]
    assert [u.id for u in contact.holders] == [user.id]
    assert [(e.scheme, e.value, e.chapter_id) for e in contact.external_ids] == [("wikidata", "Q42", chapter.id)]
    # "ana" is left out: it begins "ana@example.org", which every prefix of it matches
    assert {"ciric", "van", "der", "ana@example.org", "climate", "ai"} <= _terms(db_session, contact)
    [stance] = _stances(db_session, contact)
    assert (stance.previous_stance, stance.stance, stance.recorded_by_id, stance.note) == (
        None,
        Stance.SUPPORTIVE,
        user.id,
        "Spoke at the hearing",
    )
    [change] = _changes(db_session, contact)
    assert change.action is Action.CREATED
    assert change.actor_id == user.id
    assert change.changes["family_name"] == [None, "Ćirić"]
    assert change.changes["tags"] == [None, ["AI", "Climate"]]
    assert "understands_catastrophic_risk" not in change.changes  # a default is not news


def test_create_from_plain_data_with_positions(db_session: Session, chapter: Any) -> None:
    parliament = OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    party = OrganisationFactory(chapter=chapter, name="Partij X", kind=OrganisationKind.PARTY)
    contact = services.create_contact(
        db_session,
        None,
        chapter_id=chapter.id,
        given_name="Piet",
        family_name="Jansen",
        kind="representative",
        country="NL",
        emails=["piet@example.org"],
        external_ids=[("tweedekamer", "123")],
        positions=[(parliament, "Member", dt.date(2023, 12, 6), None), (party.id, "Member", None, None)],
    )
    assert contact.chapter_id == chapter.id
    assert sorted(p.organisation.name for p in contact.positions) == ["Partij X", "Tweede Kamer"]
    assert {"tweede", "kamer", "partij", "piet@example.org"} <= _terms(db_session, contact)
    assert _changes(db_session, contact)[0].actor_id is None


def test_display_name_given_is_kept(db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, display_name="Minister Jansen")
    assert contact.display_name == "Minister Jansen"
    assert contact.sort_name == "jansen jan"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_name": "", "family_name": "", "display_name": " "}, "family_name"),
        ({"emails": ["not-an-address"]}, "emails"),
        ({"emails": [("work", "a@b")]}, "emails"),
        ({"country": "XX"}, "country"),
        ({"country": "Netherlands"}, "country"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"links": ["ftp://example.org"]}, "links"),
        ({"phones": ["call me"]}, "phones"),
        ({"priority": 6}, "priority"),
        ({"cadence_days": 0}, "cadence_days"),
        ({"kind": "wizard"}, "kind"),
        ({"external_ids": [("wikidata", "")]}, "external_ids"),
        ({"external_ids": [("wikidata", "Q1"), ("Wikidata", "Q1")]}, "external_ids"),
        ({"tags": ["x" * 61]}, "tags"),
        ({"given_name": "x" * 121}, "given_name"),
    ],
)
def test_create_refuses_bad_values(db_session: Session, chapter: Any, fields: dict[str, Any], field: str) -> None:
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Contact))
    with pytest.raises(Invalid) as caught:
        make_contact(db_session, chapter, **fields)
    assert caught.value.field == field
    assert caught.value.message
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Contact)) == before


def test_create_needs_a_visible_chapter(db_session: Session, user: Any, other_chapter: Any) -> None:
    with pytest.raises(NotFound):
        services.create_contact(db_session, user, chapter_id=other_chapter.id, family_name="X")


def test_holders_must_be_members_of_the_chapter(db_session: Session, chapter: Any, stranger: Any) -> None:
    with pytest.raises(Invalid) as caught:
        make_contact(db_session, chapter, holder_ids=[stranger.id])
    assert caught.value.field == "holder_ids"


def test_tags_are_per_chapter_and_reused_ignoring_case(db_session: Session, chapter: Any, other_chapter: Any) -> None:
    first = make_contact(db_session, chapter, tags=["Climate"])
    second = make_contact(db_session, chapter, tags=["CLIMATE", "new"])
    elsewhere = make_contact(db_session, other_chapter, tags=["climate"])
    assert second.tags[0] is first.tags[0]
    assert elsewhere.tags[0].chapter_id == other_chapter.id
    names = db_session.execute(sa.select(Tag.chapter_id, Tag.name).order_by(Tag.id)).all()
    assert names == [(chapter.id, "Climate"), (chapter.id, "new"), (other_chapter.id, "climate")]


def test_external_id_unique_per_chapter(db_session: Session, chapter: Any, other_chapter: Any) -> None:
    owner = make_contact(db_session, chapter, display_name="Owner", external_ids=[("wikidata", "Q1")])
    make_contact(db_session, other_chapter, external_ids=[("wikidata", "Q1")])  # another chapter: fine
    with pytest.raises(Invalid) as caught:
        make_contact(db_session, chapter, external_ids=[("WIKIDATA", " Q1 ")])
    assert caught.value.field == "external_ids"
    assert "Owner" in caught.value.message
    services.delete_contact(db_session, None, owner)
    with pytest.raises(Invalid) as caught:
        make_contact(db_session, chapter, external_ids=[("wikidata", "Q1")])
    assert "trash" in caught.value.message


# --- update ---------------------------------------------------------------------------------------------------


def test_update_records_only_what_changed(db_session: Session, chapter: Any, user: Any) -> None:
    contact = make_contact(db_session, chapter, emails=["a@example.org"], phones=["020 123 4567"])
    services.update_contact(db_session, user, contact, constituency="Amsterdam", emails=["b@example.org"])
    change = _changes(db_session, contact)[-1]
    assert change.action is Action.UPDATED
    assert change.actor_id == user.id
    assert change.changes == {"constituency": [None, "Amsterdam"], "emails": [["a@example.org"], ["b@example.org"]]}
    assert [m.value for m in contact.methods] == ["b@example.org", "020 123 4567"]  # phones untouched
    assert "b@example.org" in _terms(db_session, contact)
    assert "a@example.org" not in _terms(db_session, contact)
    count = len(_changes(db_session, contact))
    services.update_contact(db_session, user, contact, constituency="Amsterdam")
    assert len(_changes(db_session, contact)) == count  # nothing changed, nothing recorded


def test_update_keeps_unchanged_external_ids(db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, external_ids=[("wikidata", "Q1")])
    row_id = contact.external_ids[0].id
    services.update_contact(db_session, None, contact, external_ids=[("wikidata", "Q1"), ("bioguide", "B1")])
    db_session.flush()
    assert {(e.scheme, e.id == row_id) for e in contact.external_ids} == {("wikidata", True), ("bioguide", False)}
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ExternalId)) == 2


def test_update_refusal_changes_nothing(db_session: Session, chapter: Any) -> None:
    make_contact(db_session, chapter, family_name="Other", external_ids=[("wikidata", "Q9")])
    contact = make_contact(db_session, chapter, family_name="Smit")
    with pytest.raises(Invalid):
        services.update_contact(db_session, None, contact, family_name="Smith", external_ids=[("wikidata", "Q9")])
    assert contact.family_name == "Smit"
    assert contact.external_ids == []


def test_display_name_follows_parts_unless_custom(db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, given_name="Jan", family_name="Berg")
    services.update_contact(db_session, None, contact, name_prefix="van den")
    assert contact.display_name == "Jan van den Berg"
    assert contact.sort_name == "berg jan van den"
    services.update_contact(db_session, None, contact, display_name="Jan v.d. Berg")
    services.update_contact(db_session, None, contact, given_name="Johannes")
    assert contact.display_name == "Jan v.d. Berg"
    services.update_contact(db_session, None, contact, display_name="")
    assert contact.display_name == "Johannes van den Berg"


def test_stance_history(db_session: Session, chapter: Any, user: Any, coordinator: Any) -> None:
    contact = make_contact(db_session, chapter)
    services.update_contact(db_session, user, contact, stance="skeptical")
    services.update_contact(db_session, coordinator, contact, stance=Stance.SUPPORTIVE, stance_note="Met us")
    services.update_contact(db_session, user, contact, given_name="Johan")  # not a stance change
    services.update_contact(db_session, user, contact, stance_note="Said so again on TV")  # evidence only
    rows = [(s.previous_stance, s.stance, s.recorded_by_id, s.note) for s in _stances(db_session, contact)]
    assert rows == [
        (None, Stance.UNKNOWN, None, ""),
        (Stance.UNKNOWN, Stance.SKEPTICAL, user.id, ""),
        (Stance.SKEPTICAL, Stance.SUPPORTIVE, coordinator.id, "Met us"),
        (Stance.SUPPORTIVE, Stance.SUPPORTIVE, user.id, "Said so again on TV"),
    ]


def test_update_tags_touches_the_contact(db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter)
    db_session.flush()
    before = contact.updated_at
    services.update_contact(db_session, None, contact, tags=["fresh"])
    assert contact.updated_at > before
    assert "fresh" in _terms(db_session, contact)


# --- delete, restore, access ----------------------------------------------------------------------------------


def test_delete_and_restore(db_session: Session, chapter: Any, user: Any) -> None:
    contact = make_contact(db_session, chapter)
    services.delete_contact(db_session, user, contact)
    assert contact.deleted_at is not None
    with pytest.raises(NotFound):
        services.get_contact(db_session, user, contact.id)
    assert services.get_contact(db_session, user, contact.id, deleted=True) is contact
    with pytest.raises(NotFound):
        services.delete_contact(db_session, user, contact)
    services.restore_contact(db_session, user, contact)
    assert contact.deleted_at is None
    assert [c.action for c in _changes(db_session, contact)] == [Action.CREATED, Action.DELETED, Action.RESTORED]
    with pytest.raises(NotFound):
        services.restore_contact(db_session, user, contact)


def test_other_chapters_are_not_found(db_session: Session, user: Any, other_chapter: Any) -> None:
    contact = make_contact(db_session, other_chapter)
    for deleted in (False, True, None):
        with pytest.raises(NotFound):
            services.get_contact(db_session, user, contact.id, deleted=deleted)
    for change in (
        lambda: services.update_contact(db_session, user, contact, given_name="X"),
        lambda: services.delete_contact(db_session, user, contact),
        lambda: services.add_position(db_session, user, contact, organisation="X"),
    ):
        with pytest.raises(NotFound):
            change()


def test_a_coordinator_sees_sub_chapters(db_session: Session, chapter: Any, coordinator: Any) -> None:
    local = ChapterFactory(parent=chapter)
    contact = make_contact(db_session, local)
    assert services.get_contact(db_session, coordinator, contact.id) is contact


# --- positions ------------------------------------------------------------------------------------------------


def test_add_position_by_name_ignoring_case_and_accents(db_session: Session, chapter: Any, user: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Tweede Kámer")
    contact = make_contact(db_session, chapter)
    position = services.add_position(
        db_session, user, contact, organisation="  tweede   KAMER ", title="MP", start_date=dt.date(2023, 12, 6)
    )
    assert position.organisation is organisation
    assert contact.positions == [position]
    assert {"tweede", "kamer"} <= _terms(db_session, contact)
    change = _changes(db_session, contact)[-1]
    assert change.changes == {"position": [None, "MP, Tweede Kámer (2023-12-06 – )"]}


def test_add_position_by_number_and_by_kind(db_session: Session, chapter: Any) -> None:
    committee = OrganisationFactory(chapter=chapter, name="Digital Affairs", kind=OrganisationKind.COMMITTEE)
    ngo = OrganisationFactory(chapter=chapter, name="Digital Affairs", kind=OrganisationKind.NGO)
    contact = make_contact(db_session, chapter)
    with pytest.raises(Invalid) as caught:
        services.add_position(db_session, None, contact, organisation="digital affairs")
    assert caught.value.field == "organisation"
    assert "(Committee)" in caught.value.message
    assert services.add_position(db_session, None, contact, organisation=f"#{ngo.id}").organisation is ngo
    found = services.add_position(db_session, None, contact, organisation="Digital Affairs (committee)")
    assert found.organisation is committee


def test_add_position_refusals(db_session: Session, chapter: Any, other_chapter: Any) -> None:
    contact = make_contact(db_session, chapter)
    elsewhere = OrganisationFactory(chapter=other_chapter, name="Bundestag")
    OrganisationFactory(chapter=chapter, name="Gone", deleted_at=dt.datetime.now(dt.UTC))
    with pytest.raises(OrganisationNotFound) as missing:
        services.add_position(db_session, None, contact, organisation="Bundestag")
    assert missing.value.name == "Bundestag"
    assert missing.value.field == "organisation"
    with pytest.raises(OrganisationNotFound):
        services.add_position(db_session, None, contact, organisation="gone")
    with pytest.raises(Invalid):
        services.add_position(db_session, None, contact, organisation=elsewhere.id)
    with pytest.raises(Invalid) as caught:
        services.add_position(
            db_session,
            None,
            contact,
            organisation=OrganisationFactory(chapter=chapter),
            start_date=dt.date(2024, 1, 2),
            end_date=dt.date(2024, 1, 1),
        )
    assert caught.value.field == "end_date"
    assert contact.positions == []


def test_end_and_remove_position(db_session: Session, chapter: Any, user: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Senaat")
    contact = make_contact(db_session, chapter)
    position = services.add_position(
        db_session, user, contact, organisation=organisation, start_date=dt.date(2020, 1, 1)
    )
    services.end_position(db_session, user, contact, position.id, on=dt.date(2025, 5, 1))
    assert position.end_date == dt.date(2025, 5, 1)
    assert _changes(db_session, contact)[-1].changes == {
        "position": ["Senaat (2020-01-01 – )", "Senaat (2020-01-01 – 2025-05-01)"]
    }
    future = services.add_position(db_session, user, contact, organisation=organisation, start_date=dt.date(2999, 1, 1))
    with pytest.raises(Invalid):
        services.end_position(db_session, user, contact, future.id, on=dt.date(2025, 5, 1))
    services.remove_position(db_session, user, contact, position.id)
    services.remove_position(db_session, user, contact, future.id)
    db_session.flush()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Position)) == 0
    assert "senaat" not in _terms(db_session, contact)
    with pytest.raises(NotFound):
        services.remove_position(db_session, user, contact, position.id)


def test_position_of_another_contact_is_not_found(db_session: Session, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter)
    one, other = make_contact(db_session, chapter), make_contact(db_session, chapter)
    position = services.add_position(db_session, None, other, organisation=organisation)
    with pytest.raises(NotFound):
        services.end_position(db_session, None, one, position.id)
    with pytest.raises(NotFound):
        services.remove_position(db_session, None, one, position.id)


# --- listens to -----------------------------------------------------------------------------------------------


def test_listens_to_by_name_and_number(db_session: Session, chapter: Any, user: Any) -> None:
    minister = make_contact(db_session, chapter, given_name="Mona", family_name="Keijzer")
    adviser = make_contact(db_session, chapter, given_name="Bram", family_name="Ćirić")
    link = services.add_listens_to(db_session, user, minister, trusted="ciric", note="Her adviser since 2021")
    assert (link.listener_id, link.trusted_id, link.note, link.created_by_id) == (
        minister.id,
        adviser.id,
        "Her adviser since 2021",
        user.id,
    )
    assert _changes(db_session, minister)[-1].changes == {"listens_to": [None, "Bram Ćirić"]}
    back = services.add_listens_to(db_session, user, adviser, trusted=f"#{minister.id}")
    assert back.trusted_id == minister.id
    with pytest.raises(Invalid) as caught:
        services.add_listens_to(db_session, user, minister, trusted=str(adviser.id))
    assert "already" in caught.value.message
    with pytest.raises(Invalid):
        services.add_listens_to(db_session, user, minister, trusted=minister)
    with pytest.raises(Invalid) as caught:
        services.add_listens_to(db_session, user, minister, trusted="Nobody Here")
    assert caught.value.field == "trusted"


def test_listens_to_ambiguous_offers_candidates(db_session: Session, chapter: Any, user: Any) -> None:
    contact = make_contact(db_session, chapter, given_name="Eva", family_name="Smit")
    first = make_contact(db_session, chapter, given_name="Jan", family_name="Jansen")
    second = make_contact(db_session, chapter, given_name="Jan", family_name="Jansma")
    with pytest.raises(AmbiguousContact) as caught:
        services.add_listens_to(db_session, user, contact, trusted="jan")
    assert {c.id for c in caught.value.candidates} == {first.id, second.id}
    assert services.add_listens_to(db_session, user, contact, trusted="Jan Jansma").trusted_id == second.id


def test_listens_to_stays_within_visible_chapters(
    db_session: Session, chapter: Any, user: Any, other_chapter: Any
) -> None:
    contact = make_contact(db_session, chapter)
    hidden = make_contact(db_session, other_chapter, given_name="Hidden", family_name="Person")
    gone = make_contact(db_session, chapter, given_name="Gone", family_name="Person")
    services.delete_contact(db_session, None, gone)
    for text in ("Hidden", f"#{hidden.id}", "Gone"):
        with pytest.raises(Invalid):
            services.add_listens_to(db_session, user, contact, trusted=text)
    with pytest.raises(NotFound):
        services.add_listens_to(db_session, user, contact, trusted=hidden)


def test_remove_listens_to_from_either_end(db_session: Session, chapter: Any, user: Any) -> None:
    one, two, three = (make_contact(db_session, chapter, family_name=n) for n in ("One", "Two", "Three"))
    link = services.add_listens_to(db_session, user, one, trusted=two)
    other = services.add_listens_to(db_session, user, two, trusted=three)
    db_session.flush()
    with pytest.raises(NotFound):
        services.remove_listens_to(db_session, user, one, other.id)
    services.remove_listens_to(db_session, user, two, link.id)  # from the trusted side
    db_session.flush()
    assert db_session.scalars(sa.select(ListensTo.id)).all() == [other.id]
    assert _changes(db_session, one)[-1].changes == {"listens_to": ["Jan Two", None]}
