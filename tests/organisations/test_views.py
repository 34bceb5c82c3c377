"""Organisation pages: list and search, the organisation page, forms, trash, history and chapter scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.contacts.models import Organisation, OrganisationKind
from crm.db import utcnow
from crm.history.models import Action, Change
from tests.factories import (
    ChapterFactory,
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
    member_of,
)

FAR_PAST = dt.date(2000, 1, 1)


def _body(response: Any) -> str:
    return response.get_data(as_text=True)


def _organisation(session: Session, organisation_id: int) -> Organisation:
    session.expire_all()
    return session.get_one(Organisation, organisation_id)


def _changes(session: Session, organisation_id: int) -> list[Change]:
    stmt = sa.select(Change).where(Change.entity_type == "organisation", Change.entity_id == organisation_id)
    return list(session.scalars(stmt.order_by(Change.id)))


@pytest.fixture
def signed_in(auth: Any, user: Any) -> Any:
    auth.login(user)
    return user


# --- list -----------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("signed_in")
def test_list_shows_only_the_users_chapters(client: FlaskClient, chapter: Any) -> None:
    OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    OrganisationFactory(chapter=ChapterFactory(), name="Bundestag")
    OrganisationFactory(chapter=chapter, name="Binned", deleted_at=utcnow())
    body = _body(client.get("/organisations/"))
    assert "Tweede Kamer" in body
    assert "Bundestag" not in body
    assert "Binned" not in body
    assert "1 organisation" in body


@pytest.mark.usefixtures("signed_in")
def test_search_ignores_case_and_accents_and_matches_inside_names(client: FlaskClient, chapter: Any) -> None:
    OrganisationFactory(chapter=chapter, name="Tweede Kámer")
    OrganisationFactory(chapter=chapter, name="Eerste Kamer")
    OrganisationFactory(chapter=chapter, name="Raad van State")
    OrganisationFactory(chapter=chapter, name="100%_ Club")
    body = _body(client.get("/organisations/?q=KAMER"))
    assert "Tweede Kámer" in body
    assert "Eerste Kamer" in body
    assert "Raad van State" not in body
    body = _body(client.get("/organisations/?q=tweede+kámer"))
    assert "Tweede Kámer" in body
    assert "Eerste Kamer" not in body
    body = _body(client.get("/organisations/?q=%25_"))  # LIKE wildcards are matched literally
    assert "100%_ Club" in body
    assert "Raad van State" not in body


@pytest.mark.usefixtures("signed_in")
def test_filters_kind_country_and_parent(client: FlaskClient, chapter: Any) -> None:
    parliament = OrganisationFactory(chapter=chapter, name="Tweede Kamer", kind=OrganisationKind.PARLIAMENT)
    OrganisationFactory(chapter=chapter, name="Committee Digital", kind=OrganisationKind.COMMITTEE, parent=parliament)
    OrganisationFactory(chapter=chapter, name="Bundestag", kind=OrganisationKind.PARLIAMENT, country="DE")
    body = _body(client.get("/organisations/?kind=committee"))
    assert "Committee Digital" in body
    assert "Bundestag" not in body
    body = _body(client.get("/organisations/?country=DE"))
    assert "Bundestag" in body
    assert "Tweede Kamer" not in body
    body = _body(client.get(f"/organisations/?parent={parliament.id}"))
    assert "Committee Digital" in body
    assert "Bundestag" not in body


def test_chapter_filter_offers_only_visible_chapters(client: FlaskClient, auth: Any, chapter: Any) -> None:
    second, hidden = ChapterFactory(name="PauseAI UK"), ChapterFactory(name="Hidden chapter")
    user = member_of(chapter)
    MembershipFactory(user=user, chapter=second)
    OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    OrganisationFactory(chapter=second, name="House of Commons")
    OrganisationFactory(chapter=hidden, name="Secret Senate")
    auth.login(user)
    body = _body(client.get("/organisations/"))
    assert "PauseAI UK" in body
    assert "Hidden chapter" not in body
    assert "House of Commons" in body
    body = _body(client.get(f"/organisations/?chapter={second.id}"))
    assert "House of Commons" in body
    assert "Tweede Kamer" not in body
    body = _body(client.get(f"/organisations/?chapter={hidden.id}"))  # not visible: ignored
    assert "Secret Senate" not in body
    assert "Tweede Kamer" in body


@pytest.mark.usefixtures("signed_in")
@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=99999999999",
        "kind=church",
        "chapter=abc",
        "country=%3Cscript%3E",
        "sort=drop+table",
        "parent=x",
        "q=" + "x" * 5000,
    ],
)
def test_odd_list_parameters_never_fail(client: FlaskClient, chapter: Any, query: str) -> None:
    OrganisationFactory(chapter=chapter)
    assert client.get(f"/organisations/?{query}").status_code == 200


@pytest.mark.usefixtures("signed_in")
def test_list_pages_with_a_total_and_sorts(client: FlaskClient, chapter: Any) -> None:
    for number in range(55):
        OrganisationFactory(chapter=chapter, name=f"Org {number:02d}")
    first = _body(client.get("/organisations/"))
    assert "55 organisations" in first
    assert "Org 00" in first
    assert "Org 49" in first
    assert "Org 50" not in first
    assert "Page 1 of 2" in first
    second = _body(client.get("/organisations/?page=2"))
    assert "Org 54" in second
    assert "Org 49" not in second
    reverse = _body(client.get("/organisations/?sort=-name"))
    assert reverse.index("Org 54") < reverse.index("Org 53")
    assert "Org 00" not in reverse


@pytest.mark.usefixtures("signed_in")
def test_list_sql_statements_do_not_grow_with_rows(client: FlaskClient, chapter: Any, count_queries: Any) -> None:
    def measure() -> int:
        count_queries.reset()
        assert client.get("/organisations/?sort=name").status_code == 200
        return int(count_queries.count)

    parent = OrganisationFactory(chapter=chapter)
    OrganisationFactory(chapter=chapter, parent=parent)
    measure()
    small = measure()
    for _ in range(60):
        child = OrganisationFactory(chapter=chapter, parent=parent, country="DE")
        PositionFactory(contact=ContactFactory(chapter=chapter), organisation=child)
    assert measure() == small


# --- organisation page ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("signed_in")
def test_page_shows_people_by_current_position_then_past(client: FlaskClient, chapter: Any) -> None:
    parent = OrganisationFactory(chapter=chapter, name="Parliament of Somewhere")
    organisation = OrganisationFactory(
        chapter=chapter,
        name="Digital Committee",
        parent=parent,
        website="https://example.org/c",
        notes="**Key** committee",
    )
    OrganisationFactory(chapter=chapter, name="Subcommittee on Chips", parent=organisation)
    chair = ContactFactory(chapter=chapter, display_name="Anna Chair")
    member = ContactFactory(chapter=chapter, display_name="Bram Member")
    former = ContactFactory(chapter=chapter, display_name="Cees Former")
    PositionFactory(contact=chair, organisation=organisation, title="Chair")
    PositionFactory(contact=member, organisation=organisation, title="Member", start_date=FAR_PAST)
    PositionFactory(contact=former, organisation=organisation, title="Member", end_date=FAR_PAST)
    body = _body(client.get(f"/organisations/{organisation.id}"))
    assert "Parliament of Somewhere" in body
    assert "Subcommittee on Chips" in body
    assert "<strong>Key</strong>" in body
    assert 'href="https://example.org/c"' in body
    people, past = body.split('id="other-positions"')
    assert people.index("Chair") < people.index("Anna Chair") < people.index("Member") < people.index("Bram Member")
    assert "Cees Former" not in people
    assert "Cees Former" in past
    assert f'href="/contacts/{chair.id}"' in people
    assert f'href="/contacts/{former.id}"' in past
    assert "People (2)" in body


@pytest.mark.usefixtures("signed_in")
def test_people_rows_escape_stored_values_and_group_by_title(client: FlaskClient, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Raad")
    one = ContactFactory(chapter=chapter, display_name="<b>Ann</b> & 'Co'")
    two = ContactFactory(chapter=chapter, display_name="Bob")
    three = ContactFactory(chapter=chapter, display_name='"Cees"')
    PositionFactory(contact=one, organisation=organisation, title="<i>Chair</i>", start_date=dt.date(2020, 3, 1))
    PositionFactory(contact=two, organisation=organisation, title="")
    PositionFactory(contact=three, organisation=organisation, title="<u>Old</u>", end_date=FAR_PAST)
    body = _body(client.get(f"/organisations/{organisation.id}"))
    for tag in ("<b>", "<i>", "<u>"):
        assert tag not in body
    people, past = body.split('id="other-positions"')
    assert people.index("No title") < people.index("Bob") < people.index("&lt;i&gt;Chair&lt;/i&gt;")
    assert f'<a href="/contacts/{one.id}">&lt;b&gt;Ann&lt;/b&gt; &amp; &#39;Co&#39;</a>' in people
    assert '<td class="optional">Mar 1, 2020</td>' in people
    assert people.count('<span class="badge">1</span>') == 2
    assert f'<a href="/contacts/{three.id}">&#34;Cees&#34;</a>' in past
    assert "<td>&lt;u&gt;Old&lt;/u&gt;</td>" in past
    assert "<td>Jan 1, 2000</td>" in past


@pytest.mark.usefixtures("signed_in")
def test_page_sql_statements_do_not_grow_with_people(client: FlaskClient, chapter: Any, count_queries: Any) -> None:
    def measure(organisation: Organisation) -> int:
        count_queries.reset()
        response = client.get(f"/organisations/{organisation.id}")
        assert response.status_code == 200
        return int(count_queries.count)

    small = OrganisationFactory(chapter=chapter)
    big = OrganisationFactory(chapter=chapter)
    for organisation, people in ((small, 2), (big, 150)):
        for number in range(people):
            PositionFactory(
                contact=ContactFactory(chapter=chapter),
                organisation=organisation,
                title="Member" if number % 3 else "Chair",
                end_date=FAR_PAST if number % 5 == 0 else None,
            )
        OrganisationFactory(chapter=chapter, parent=organisation)
        client.post(
            f"/organisations/{organisation.id}/edit",
            data={"name": organisation.name, "kind": "parliament", "notes": "changed"},
        )
    measure(small)
    assert measure(big) == measure(small)
    assert measure(big) <= 5  # the user; the organisation; both lists of people; sub-organisations; changes
    people, others = _body(client.get(f"/organisations/{big.id}")).split('id="other-positions"')
    assert "People (120)" in people
    assert "Page 1 of 3" in people
    assert "(30)" in others
    assert "Page 1 of 2" in others
    past_the_end = _body(client.get(f"/organisations/{big.id}?page=9"))
    assert "People (120)" in past_the_end
    assert "Page 9 of 3" in past_the_end
    people, others = _body(client.get(f"/organisations/{big.id}?others=9")).split('id="other-positions"')
    assert "People (120)" in people
    assert "(30)" in others
    assert "Page 9 of 2" in others


@pytest.mark.usefixtures("signed_in")
def test_notes_are_sanitised(client: FlaskClient, chapter: Any) -> None:
    organisation = OrganisationFactory(
        chapter=chapter,
        notes=(
            "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n\n"
            '<a href="https://ok.example" onclick="alert(4)">raw</a>\n\n[fine](https://fine.example)'
        ),
    )
    body = _body(client.get(f"/organisations/{organisation.id}"))
    assert "<script" not in body
    assert 'href="javascript:' not in body
    assert "<img" not in body
    assert '<a href="https://ok.example"' not in body
    assert "&lt;script&gt;alert(1)" in body  # shown as text, never run
    assert 'href="https://fine.example"' in body


@pytest.mark.usefixtures("signed_in")
def test_deleted_organisation_page_is_not_found(client: FlaskClient, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter, deleted_at=utcnow())
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    assert client.get(f"/organisations/{organisation.id}/history").status_code == 200


# --- create and edit ------------------------------------------------------------------------------------------


def _form(**fields: str) -> dict[str, str]:
    return {
        "name": "Tweede Kamer",
        "kind": "parliament",
        "country": "NL",
        "parent": "",
        "website": "",
        "notes": "",
    } | fields


@pytest.mark.usefixtures("signed_in")
def test_new_form_has_a_label_for_every_input(client: FlaskClient) -> None:
    body = _body(client.get("/organisations/new"))
    for name in ("name", "kind", "country", "parent", "website", "notes"):
        assert f'<label for="{name}"' in body
        assert f'id="{name}"' in body
    assert 'name="chapter_id"' not in body  # one chapter: nothing to choose


def test_new_form_offers_the_visible_chapters(
    client: FlaskClient, auth: Any, chapter: Any, db_session: Session
) -> None:
    user = member_of(chapter)
    second = ChapterFactory(name="PauseAI UK")
    MembershipFactory(user=user, chapter=second)
    auth.login(user)
    body = _body(client.get("/organisations/new"))
    assert '<label for="chapter_id"' in body
    assert "PauseAI UK" in body
    response = client.post(
        "/organisations/new", data=_form(chapter_id=str(second.id), country="GB", name="House of Commons")
    )
    assert response.status_code == 302
    created = db_session.scalar(sa.select(Organisation).where(Organisation.name == "House of Commons"))
    assert created is not None
    assert created.chapter_id == second.id
    hidden = ChapterFactory()
    response = client.post("/organisations/new", data=_form(chapter_id=str(hidden.id), name="Sneaky"))
    assert response.status_code == 400
    response = client.post("/organisations/new", data=_form(chapter_id="abc", name="Sneaky"))
    assert response.status_code == 400
    assert db_session.scalar(sa.select(Organisation).where(Organisation.name == "Sneaky")) is None


@pytest.mark.usefixtures("signed_in")
def test_create_through_the_form(client: FlaskClient, chapter: Any, db_session: Session, user: Any) -> None:
    parent = OrganisationFactory(chapter=chapter, name="Staten-Generaal")
    response = client.post(
        "/organisations/new", data=_form(parent="staten-generaal", website="tweedekamer.nl", notes="Lower house")
    )
    assert response.status_code == 302
    organisation = db_session.scalar(sa.select(Organisation).where(Organisation.name == "Tweede Kamer"))
    assert organisation is not None
    assert response.headers["Location"].endswith(f"/organisations/{organisation.id}")
    assert (organisation.chapter_id, organisation.parent_id, organisation.sort_name, organisation.website) == (
        chapter.id,
        parent.id,
        "tweede kamer",
        "https://tweedekamer.nl",
    )
    [change] = _changes(db_session, organisation.id)
    assert change.action is Action.CREATED
    assert change.actor_id == user.id
    body = _body(client.get(f"/organisations/{organisation.id}"))
    assert "Organisation Tweede Kamer created." in body
    assert "Staten-Generaal" in body


@pytest.mark.usefixtures("signed_in")
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"country": "XX"}, "country", "Not a valid choice"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a web address"),
        ({"website": "not a url"}, "website", "Enter a web address"),
        ({"parent": "Nowhere Parliament"}, "parent", "There is no organisation called"),
        ({"name": ""}, "name", "This field is required"),
        ({"name": "x" * 301}, "name", "300"),
        ({"kind": ""}, "kind", "Choose a kind."),
        ({"kind": "church"}, "kind", "Not a valid choice"),
    ],
)
def test_bad_input_is_shown_beside_the_field(
    client: FlaskClient, db_session: Session, fields: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/organisations/new", data=_form(**fields))
    assert response.status_code == 400
    body = _body(response)
    assert f'id="{field}-error"' in body
    assert message in body.split(f'id="{field}-error"')[1][:200]
    assert db_session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


@pytest.mark.usefixtures("signed_in")
def test_duplicate_name_is_refused_beside_the_name(client: FlaskClient, chapter: Any, db_session: Session) -> None:
    OrganisationFactory(chapter=chapter, name="Tweede Kamer", kind=OrganisationKind.PARLIAMENT)
    response = client.post("/organisations/new", data=_form(name="TWEEDE kamer"))
    assert response.status_code == 400
    assert "already has an organisation of this kind" in _body(response).split('id="name-error"')[1][:200]
    assert db_session.scalar(sa.select(sa.func.count(Organisation.id))) == 1
    assert client.post("/organisations/new", data=_form(name="Tweede Kamer", kind="media")).status_code == 302


@pytest.mark.usefixtures("signed_in")
def test_new_prefills_a_sub_organisation(client: FlaskClient, chapter: Any) -> None:
    parent = OrganisationFactory(chapter=chapter, name="Bundestag", country="DE")
    body = _body(client.get(f"/organisations/new?parent={parent.id}"))
    assert 'value="Bundestag"' in body
    assert '<option selected value="DE">' in body
    foreign = OrganisationFactory(chapter=ChapterFactory(), name="Foreign Parliament")
    body = _body(client.get(f"/organisations/new?parent={foreign.id}"))
    assert "Foreign Parliament" not in body


@pytest.mark.usefixtures("signed_in")
def test_edit_saves_and_records_history(client: FlaskClient, chapter: Any, db_session: Session) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Tweede Kamer", country="NL")
    body = _body(client.get(f"/organisations/{organisation.id}/edit"))
    assert 'value="Tweede Kamer"' in body
    response = client.post(
        f"/organisations/{organisation.id}/edit", data=_form(name="House of Representatives", notes="Renamed")
    )
    assert response.status_code == 302
    saved = _organisation(db_session, organisation.id)
    assert (saved.name, saved.sort_name, saved.notes) == (
        "House of Representatives",
        "house of representatives",
        "Renamed",
    )
    [change] = _changes(db_session, organisation.id)
    assert change.changes == {"name": ["Tweede Kamer", "House of Representatives"], "notes": ["", "Renamed"]}
    history = _body(client.get(f"/organisations/{organisation.id}"))
    assert "Recent changes" in history
    assert "House of Representatives" in history
    assert "Changed" in history


@pytest.mark.usefixtures("signed_in")
def test_edit_refuses_a_cycle_and_changes_nothing(client: FlaskClient, chapter: Any, db_session: Session) -> None:
    top = OrganisationFactory(chapter=chapter, name="Parliament")
    child = OrganisationFactory(chapter=chapter, name="Committee", parent=top)
    grandchild = OrganisationFactory(chapter=chapter, name="Subcommittee", parent=child)
    body = _body(client.get(f"/organisations/{top.id}/edit"))
    assert '<option value="Subcommittee">' not in body
    assert '<option value="Parliament">' not in body
    for name in ("Subcommittee", "Parliament"):
        response = client.post(f"/organisations/{top.id}/edit", data=_form(name="Parliament", parent=name))
        assert response.status_code == 400
        assert "cannot be part of itself" in _body(response).split('id="parent-error"')[1][:200]
    assert _organisation(db_session, top.id).parent_id is None
    assert _changes(db_session, top.id) == []
    # keeping the current parent is always fine
    response = client.post(f"/organisations/{grandchild.id}/edit", data=_form(name="Sub", parent="Committee"))
    assert response.status_code == 302
    assert _organisation(db_session, grandchild.id).parent_id == child.id


# --- delete, trash, restore, history --------------------------------------------------------------------------


@pytest.mark.usefixtures("signed_in")
def test_delete_restore_and_trash(client: FlaskClient, chapter: Any, db_session: Session) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Short-lived Agency")
    response = client.post(f"/organisations/{organisation.id}/delete")
    assert response.status_code == 302
    assert _organisation(db_session, organisation.id).deleted_at is not None
    assert ">Short-lived Agency</a>" not in _body(client.get("/organisations/"))
    assert "<td>Short-lived Agency</td>" in _body(client.get("/organisations/trash"))
    assert client.post(f"/organisations/{organisation.id}/delete").status_code == 404
    response = client.post(f"/organisations/{organisation.id}/restore")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisations/{organisation.id}")
    assert _organisation(db_session, organisation.id).deleted_at is None
    assert client.post(f"/organisations/{organisation.id}/restore").status_code == 404
    assert [c.action for c in _changes(db_session, organisation.id)] == [Action.DELETED, Action.RESTORED]


@pytest.mark.usefixtures("signed_in")
def test_delete_is_refused_while_people_hold_positions(client: FlaskClient, chapter: Any, db_session: Session) -> None:
    organisation = OrganisationFactory(chapter=chapter)
    PositionFactory(contact=ContactFactory(chapter=chapter), organisation=organisation)
    response = client.post(f"/organisations/{organisation.id}/delete", follow_redirects=True)
    assert "1 person holds a current position here" in _body(response)
    assert _organisation(db_session, organisation.id).deleted_at is None
    assert _changes(db_session, organisation.id) == []


@pytest.mark.usefixtures("signed_in")
def test_history_page_is_paginated(client: FlaskClient, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter, name="Busy")
    for number in range(55):
        client.post(f"/organisations/{organisation.id}/edit", data=_form(name="Busy", notes=f"Note {number}."))
    first = _body(client.get(f"/organisations/{organisation.id}/history"))
    assert "Page 1 of 2" in first
    assert "Note 54." in first
    assert "Note 3." not in first
    second = _body(client.get(f"/organisations/{organisation.id}/history?page=2"))
    assert "Note 3." in second
    assert "Note 54." not in second


# --- chapter scoping ------------------------------------------------------------------------------------------


READS = ["/organisations/{id}", "/organisations/{id}/edit", "/organisations/{id}/history"]
WRITES = ["/organisations/{id}/edit", "/organisations/{id}/delete", "/organisations/{id}/restore"]


@pytest.mark.parametrize("deleted", [False, True])
def test_another_chapters_organisation_is_not_found_everywhere(
    client: FlaskClient, auth: Any, chapter: Any, stranger: Any, db_session: Session, deleted: bool
) -> None:
    organisation = OrganisationFactory(
        chapter=chapter, name="Private Parliament", deleted_at=utcnow() if deleted else None
    )
    auth.login(stranger)
    for url in READS:
        assert client.get(url.format(id=organisation.id)).status_code == 404, url
    for url in WRITES:
        assert client.post(url.format(id=organisation.id), data=_form(name="Taken")).status_code == 404, url
    saved = _organisation(db_session, organisation.id)
    assert saved.name == "Private Parliament"
    assert (saved.deleted_at is not None) == deleted
    for url in ("/organisations/", "/organisations/trash", "/organisations/new"):
        assert "Private Parliament" not in _body(client.get(url))


def test_every_organisation_route_with_an_id_is_covered(app: Flask) -> None:
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("organisations.") and "organisation_id" in rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(u.replace("{id}", "<int:organisation_id>"), "GET") for u in READS} | {
        (u.replace("{id}", "<int:organisation_id>"), "POST") for u in WRITES
    }
    assert rules == covered


def test_pages_need_signing_in(client: FlaskClient, chapter: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter)
    for url in ("/organisations/", f"/organisations/{organisation.id}", "/organisations/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_user_without_a_chapter_is_told_why_they_cannot_add(
    client: FlaskClient, auth: Any, db_session: Session
) -> None:
    auth.login(UserFactory())
    body = _body(client.get("/organisations/new"))
    assert "You are not in a chapter yet" in body
    assert 'name="name"' not in body
    assert client.post("/organisations/new", data=_form()).status_code == 400
    assert db_session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
