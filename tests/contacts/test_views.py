"""Contact pages: list, search and filters, forms, contact page, trash, history, positions, links, scoping."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.contacts import queries, services
from crm.contacts.models import Contact, ListensTo, Position, Stance, StanceChange, Tag
from crm.history.models import Action, Change
from tests.contacts.conftest import make_contact
from tests.factories import (
    ChapterFactory,
    ContactFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("signed_in")


def _body(response: Any) -> str:
    return response.get_data(as_text=True)


def _contacts(session: Session) -> list[Contact]:
    session.expire_all()
    return list(session.scalars(sa.select(Contact).order_by(Contact.id)))


def _count(session: Session, model: Any) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _form(**fields: Any) -> dict[str, Any]:
    data = {
        "given_name": "Ana",
        "family_name": "Ćirić",
        "kind": "representative",
        "stance": "unknown",
        "country": "NL",
        "emails-0-label": "work",
        "emails-0-value": "ana@example.org",
        "emails-1-value": "",
        "external_ids-0-scheme": "",
        "external_ids-0-value": "",
    }
    data.update(fields)
    return data


# --- list -----------------------------------------------------------------------------------------------------


def test_list_shows_the_users_chapter_only(
    client: FlaskClient, db_session: Session, chapter: Any, other_chapter: Any
) -> None:
    kamer = OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    make_contact(
        db_session,
        chapter,
        given_name="Ana",
        family_name="Ćirić",
        tags=["climate"],
        is_target=True,
        positions=[(kamer, "MP", None, None)],
    )
    make_contact(db_session, other_chapter, given_name="Hidden", family_name="Person")
    gone = make_contact(db_session, chapter, given_name="Gone", family_name="Person")
    services.delete_contact(db_session, None, gone)
    db_session.flush()
    body = _body(client.get("/contacts/"))
    assert "Ana Ćirić" in body
    assert "MP, Tweede Kamer" in body
    assert "climate" in body
    assert "Hidden" not in body
    assert "Gone" not in body
    assert "1 contact" in body


def test_list_rows_escape_every_stored_value(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    board = OrganisationFactory(chapter=chapter, name="R&D <Board>")
    contact = make_contact(
        db_session,
        chapter,
        given_name="<b>Ana</b>",
        family_name='"Quote" & Co',
        tags=["a&b <i>"],
        is_target=True,
        priority=2,
        stance=Stance.SUPPORTIVE,
        country="NL",
        positions=[(board, "<script>x</script>", None, None), (board, "", None, None)],
    )
    body = _body(client.get("/contacts/"))
    row = body[body.index("<tbody>") : body.index("</tbody>")]
    for tag in ("<b>", "<i>", "<script>"):
        assert tag not in row
    assert f'<a href="/contacts/{contact.id}">&lt;b&gt;Ana&lt;/b&gt; &#34;Quote&#34; &amp; Co</a>' in row
    assert '<span class="badge target">Target · P2</span>' in row
    assert "<td>Supportive</td>" in row
    assert "&lt;script&gt;x&lt;/script&gt;, R&amp;D &lt;Board&gt;<br>R&amp;D &lt;Board&gt;" in row
    assert '<a class="badge" href="/contacts/?tag=a%26b%20%3Ci%3E">a&amp;b &lt;i&gt;</a>' in row
    assert '<td class="optional">Netherlands</td>' in row
    assert row.count("<tr>") == 1


@pytest.mark.parametrize("text", ["", "plain", "<>&\"'", "a & b <c d='e'>", "&amp; already", "ünïcode ☃ \x00"])
def test_list_escaping_matches_markupsafe(text: str) -> None:
    from markupsafe import escape

    from crm.markup import escaped

    assert escaped(text) == str(escape(text))


def test_search_finds_accented_names_organisations_tags_and_emails(
    client: FlaskClient, db_session: Session, chapter: Any
) -> None:
    kamer = OrganisationFactory(chapter=chapter, name="Eerste Kamer")
    make_contact(db_session, chapter, given_name="Ana", family_name="Ćirić")
    make_contact(db_session, chapter, given_name="Bo", family_name="Berg", positions=[(kamer, "", None, None)])
    make_contact(db_session, chapter, given_name="Cas", family_name="Claes", tags=["Press"])
    make_contact(db_session, chapter, given_name="Dirk", family_name="Dekker", emails=["dd@mail.example"])
    for query, name in (
        ("ciric", "Ana Ćirić"),
        ("eerste", "Bo Berg"),
        ("press", "Cas Claes"),
        ("dd@mail.example", "Dirk Dekker"),
    ):
        body = _body(client.get("/contacts/", query_string={"q": query}))
        assert name in body, query
        assert "1 contact" in body, query


def test_filters_and_sort(client: FlaskClient, db_session: Session, chapter: Any, user: Any) -> None:
    make_contact(
        db_session,
        chapter,
        given_name="Ann",
        family_name="Aa",
        kind="staff",
        stance="champion",
        country="BE",
        holder_ids=[user.id],
        tags=["x"],
    )
    make_contact(db_session, chapter, given_name="Bob", family_name="Bb", kind="representative", is_target=True)
    assert "Ann Aa" not in _body(client.get("/contacts/?kind=representative"))
    assert "Bob Bb" in _body(client.get("/contacts/?kind=representative"))
    assert "Bob Bb" not in _body(client.get("/contacts/?stance=champion"))
    assert "Ann Aa" not in _body(client.get("/contacts/?target=1"))
    assert "Bob Bb" not in _body(client.get("/contacts/?holder=me"))
    assert "Bob Bb" not in _body(client.get(f"/contacts/?holder={user.id}"))
    assert "Bob Bb" not in _body(client.get("/contacts/?country=be"))
    assert "Bob Bb" not in _body(client.get("/contacts/?tag=X"))
    body = _body(client.get("/contacts/?sort=-name"))
    assert body.index("Bob Bb") < body.index("Ann Aa")


def test_the_kept_filter_form_follows_user_members_and_language(
    client: FlaskClient, auth: Any, db_session: Session, chapter: Any, user: Any
) -> None:
    """The filter form is kept per query, chapters, members and language (``views._read_filter_form``): "held by
    me" still means the signed-in user, a new member is offered at once, and each language gets its labels."""
    other = UserFactory(name="Other Volunteer")
    db_session.flush()
    make_contact(db_session, chapter, given_name="Mine", family_name="Held", holder_ids=[user.id])
    assert "Mine Held" in _body(client.get("/contacts/?holder=me"))
    assert "Other Volunteer" not in _body(client.get("/contacts/"))

    MembershipFactory(user=other, chapter=chapter)
    db_session.flush()
    auth.logout()
    auth.login(other)
    body = _body(client.get("/contacts/?holder=me"))  # the same query, now kept, for another user
    assert "Mine Held" not in body
    assert "0 contacts" in body
    assert "Other Volunteer" in body  # the new member is a holder choice
    dutch = _body(client.get("/contacts/?holder=me", headers={"Accept-Language": "nl"}))
    assert "Zoeken" in dutch
    from crm.contacts import views

    asked = views._read_filter_form.cache_info()
    body = _body(client.get("/contacts/", query_string={"q": "x" * 200, "tag": "y" * 900}))
    assert "Some filters were not understood" in body  # the tag is too long: read and marked, not kept
    after = views._read_filter_form.cache_info()
    assert (after.hits, after.misses) == (asked.hits, asked.misses)  # the store was not consulted


def test_the_country_filter_offers_any_country_first_and_keeps_the_choice(client: FlaskClient) -> None:
    select = re.search(r'<select[^>]*name="country".*?</select>', _body(client.get("/contacts/?country=be")), re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>", select.group(0))
    assert options[0] == '<option value="">'  # "Any country", not chosen
    assert options.count('<option selected value="BE">') == 1
    assert sum("selected" in option for option in options) == 1
    blank = re.search(r'<select[^>]*name="country".*?</select>', _body(client.get("/contacts/")), re.S)
    assert blank is not None
    assert '<option selected value="">' in blank.group(0)


def test_a_list_without_filters_reports_none_as_not_understood(
    client: FlaskClient, db_session: Session, chapter: Any
) -> None:
    make_contact(db_session, chapter, given_name="Plain", family_name="Listed")
    for url in ("/contacts/", "/contacts/?q=plain", "/contacts/?kind=&stance=&holder=&country=&tag="):
        body = _body(client.get(url))
        assert "Plain Listed" in body
        assert "not understood" not in body
        assert 'aria-invalid="true"' not in body


@pytest.mark.parametrize(
    "query",
    [
        "kind=bogus",
        "stance=x",
        "holder=xyz",
        "holder=999999",
        "country=ZZ",
        "chapter=abc",
        "chapter=999999",
        "sort=evil",
        "page=abc",
        "page=-5",
        "page=99999999999",
        "target=maybe",
        "q=" + "x" * 500,
        "tag=" + "t" * 100,
    ],
)
def test_odd_filter_values_never_fail(client: FlaskClient, db_session: Session, chapter: Any, query: str) -> None:
    make_contact(db_session, chapter, given_name="Still", family_name="Listed")
    response = client.get(f"/contacts/?{query}")
    assert response.status_code == 200
    if query.split("=")[0] in {"kind", "stance", "holder", "country", "chapter", "sort"}:
        assert "not understood" in _body(response)
        assert "Still Listed" in _body(response)


def test_pagination_with_total(app: Flask, client: FlaskClient, db_session: Session, chapter: Any) -> None:
    app.config["PAGE_SIZE"] = 2
    for name in ("Aa", "Bb", "Cc", "Dd", "Ee"):
        ContactFactory(
            chapter=chapter, given_name="X", family_name=name, display_name=f"X {name}", sort_name=name.lower()
        )
    body = _body(client.get("/contacts/?page=2&kind=representative"))
    assert "X Cc" in body
    assert "X Dd" in body
    assert "X Aa" not in body
    assert "5 contacts" in body
    assert "Page 2 of 3" in body
    assert "page=3&amp;kind=representative" in body or "kind=representative&amp;page=3" in body
    body = _body(client.get("/contacts/?page=9"))
    assert "past the end" in body


def test_long_lists_are_counted_up_to_ten_pages_ahead(
    app: Flask, client: FlaskClient, db_session: Session, chapter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PAGE_SIZE"] = 2
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", 4)  # 1,000 in use; then ten pages past the one shown
    for number in range(25):
        make_contact(db_session, chapter, given_name="X", family_name=f"{number:02}")
    body = _body(client.get("/contacts/"))
    assert "More than 20 contacts" in body  # counted up to 21: ten pages of 2, and one more
    assert "Page 1 of more than 10" in body
    assert 'rel="next" href="/contacts/?page=2"' in body
    body = _body(client.get("/contacts/?page=12"))  # counted up to 43: the whole list
    assert "25 contacts" in body
    assert "Page 12 of 13" in body
    assert "X 22" in body
    assert "X 23" in body
    assert "More than 20 contacts" in _body(client.get("/contacts/?q=x"))  # a search is counted as far
    assert "Go to the last page" in _body(client.get("/contacts/?page=14"))


# --- create and edit ------------------------------------------------------------------------------------------


def test_new_form_has_labels_and_blank_rows(client: FlaskClient) -> None:
    body = _body(client.get("/contacts/new"))
    for name in (
        "given_name",
        "family_name",
        "kind",
        "stance",
        "country",
        "emails-0-value",
        "emails-1-value",
        "phones-0-value",
        "links-1-value",
        "external_ids-0-scheme",
        "tags",
        "holder_ids",
        "notes",
    ):
        assert f'name="{name}"' in body, name
        assert f'for="{name}"' in body, name
    assert 'name="chapter_id" value=' in body  # one chapter: chosen for the user


def test_create_contact(client: FlaskClient, db_session: Session, chapter: Any, user: Any) -> None:
    response = client.post(
        "/contacts/new",
        data=_form(
            stance="supportive",
            stance_note="Said so",
            tags="a, b",
            holder_ids=[str(user.id)],
            cadence_days="",
            **{"external_ids-0-scheme": "wikidata", "external_ids-0-value": "Q1"},
        ),
    )
    assert response.status_code == 302
    [contact] = _contacts(db_session)
    assert response.headers["Location"].endswith(f"/contacts/{contact.id}")
    assert (contact.display_name, contact.chapter_id, contact.stance, contact.created_by_id) == (
        "Ana Ćirić",
        chapter.id,
        Stance.SUPPORTIVE,
        user.id,
    )
    assert [m.value for m in contact.methods] == ["ana@example.org"]
    assert [t.name for t in contact.tags] == ["a", "b"]
    assert [u.id for u in contact.holders] == [user.id]
    assert contact.cadence_days is None
    [stance] = db_session.scalars(sa.select(StanceChange)).all()
    assert (stance.stance, stance.note, stance.recorded_by_id) == (Stance.SUPPORTIVE, "Said so", user.id)
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert "Ana Ćirić" in body
    assert "Said so" in body
    assert "every 30 days" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"emails-0-value": "ana@"}, "is not a valid email address"),
        ({"country": "XX"}, "Choose a country from the list"),
        ({"given_name": "", "family_name": "", "display_name": ""}, "Enter a name"),
        ({"links-0-value": "javascript:alert(1)"}, "is not a web address"),
        ({"cadence_days": "0"}, "Number must be between"),
        ({"kind": "wizard"}, "Not a valid choice"),
    ],
)
def test_create_refusals_show_beside_the_field(
    client: FlaskClient, db_session: Session, fields: dict[str, str], message: str
) -> None:
    response = client.post("/contacts/new", data=_form(**fields))
    assert response.status_code == 400
    body = _body(response)
    assert message in body
    assert 'class="error"' in body
    assert _contacts(db_session) == []
    assert _count(db_session, Tag) == 0


def test_create_checks_chapter_and_holders(
    client: FlaskClient, db_session: Session, stranger: Any, other_chapter: Any
) -> None:
    response = client.post("/contacts/new", data=_form(holder_ids=[str(stranger.id)]))
    assert response.status_code == 400
    assert "Only members of the contact" in _body(response)
    assert client.post("/contacts/new", data=_form(chapter_id=str(other_chapter.id))).status_code == 404
    assert _contacts(db_session) == []


def test_duplicate_external_id_is_a_message_not_an_error(
    client: FlaskClient, db_session: Session, chapter: Any
) -> None:
    make_contact(db_session, chapter, display_name="First Owner", external_ids=[("wikidata", "Q7")])
    response = client.post(
        "/contacts/new",
        data=_form(tags="new-tag", **{"external_ids-0-scheme": "wikidata", "external_ids-0-value": "Q7"}),
    )
    assert response.status_code == 400
    body = _body(response)
    assert "wikidata Q7 already belongs to First Owner" in body
    assert 'id="external_ids-error"' in body
    assert len(_contacts(db_session)) == 1
    assert _count(db_session, Tag) == 0


def test_edit_form_round_trip(client: FlaskClient, db_session: Session, chapter: Any, user: Any) -> None:
    contact = make_contact(
        db_session,
        chapter,
        given_name="Jan",
        family_name="Berg",
        emails=["j@example.org"],
        tags=["x"],
        external_ids=[("wikidata", "Q3")],
    )
    body = _body(client.get(f"/contacts/{contact.id}/edit"))
    assert 'value="j@example.org"' in body
    assert 'value="x"' in body
    assert 'value="Q3"' in body
    assert 'name="chapter_id"' not in body
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data={
            "given_name": "Jan",
            "name_prefix": "van den",
            "family_name": "Berg",
            "display_name": "",
            "kind": "staff",
            "stance": "opposed",
            "stance_note": "Voted against",
            "country": "",
            "emails-0-value": "j@example.org",
            "emails-1-value": "second@example.org",
            "tags": "x, y",
            "external_ids-0-scheme": "wikidata",
            "external_ids-0-value": "Q3",
            "cadence_days": "10",
            "notes": "Hello",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    contact = db_session.get_one(Contact, contact.id)
    assert contact.display_name == "Jan van den Berg"
    assert contact.stance is Stance.OPPOSED
    assert [m.value for m in contact.methods] == ["j@example.org", "second@example.org"]
    assert [t.name for t in contact.tags] == ["x", "y"]
    assert contact.cadence_days == 10
    change = db_session.scalars(sa.select(Change).order_by(Change.id.desc())).first()
    assert change is not None
    assert change.action is Action.UPDATED
    assert change.actor_id == user.id
    assert change.changes["kind"] == ["other", "staff"]
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert "Voted against" in body
    assert "Staff member" in body


def test_partial_post_leaves_unposted_groups_alone(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, emails=["keep@example.org"], tags=["keep"])
    response = client.post(f"/contacts/{contact.id}/edit", data={"constituency": "Utrecht"})
    assert response.status_code == 302
    db_session.expire_all()
    contact = db_session.get_one(Contact, contact.id)
    assert contact.constituency == "Utrecht"
    assert [m.value for m in contact.methods] == ["keep@example.org"]
    assert [t.name for t in contact.tags] == ["keep"]


def test_edit_refusal_changes_nothing(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    make_contact(db_session, chapter, external_ids=[("wikidata", "Q5")])
    contact = make_contact(db_session, chapter, family_name="Smit")
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data={"family_name": "Smith", "external_ids-0-scheme": "wikidata", "external_ids-0-value": "Q5"},
    )
    assert response.status_code == 400
    assert "already belongs to" in _body(response)
    db_session.expire_all()
    assert db_session.get_one(Contact, contact.id).family_name == "Smit"


def test_notes_are_sanitised_markdown(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    contact = make_contact(
        db_session,
        chapter,
        notes="**bold** <script>alert(1)</script> [x](javascript:alert(2))",
        goals="<img src=x onerror=alert(3)>",
    )
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)" not in body
    assert "javascript:alert(2)" not in body.replace("[x](javascript:alert(2))", "")
    assert "<img" not in body


# --- delete, trash, restore, history --------------------------------------------------------------------------


def test_delete_trash_restore(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, given_name="Binned", family_name="Soon")
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 302
    assert "is in the trash" in _body(client.get("/contacts/"))  # the flashed message
    assert "Binned Soon</a>" not in _body(client.get("/contacts/"))
    assert "Binned Soon</a>" in _body(client.get("/contacts/trash"))
    assert "in the trash" in _body(client.get(f"/contacts/{contact.id}"))
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 404
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 404
    assert client.post(f"/contacts/{contact.id}/restore").status_code == 302
    assert "Binned Soon</a>" in _body(client.get("/contacts/"))
    assert client.post(f"/contacts/{contact.id}/restore").status_code == 404
    body = _body(client.get(f"/contacts/{contact.id}/history"))
    for label in ("Created", "Moved to the trash", "Restored from the trash"):
        assert label in body


def test_history_is_shown_and_paginated(
    app: Flask, client: FlaskClient, db_session: Session, chapter: Any, user: Any
) -> None:
    contact = make_contact(db_session, chapter, constituency="A")
    with app.test_request_context():
        for index in range(24):
            services.update_contact(db_session, user, contact, constituency=f"Place {index}")
    db_session.flush()
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert "Place 22" in body
    assert "Place 23" in body
    assert user.name in body
    assert f"/contacts/{contact.id}/history" in body
    app.config["PAGE_SIZE"] = 10
    body = _body(client.get(f"/contacts/{contact.id}/history?page=3"))
    assert "Page 3 of 3" in body
    assert "Created" in body


# --- positions and links --------------------------------------------------------------------------------------


def test_organisation_names_are_offered_up_to_a_hundred(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    from crm.contacts.views import SUGGESTED_ORGANISATIONS

    contact = make_contact(db_session, chapter)
    OrganisationFactory.create_batch(SUGGESTED_ORGANISATIONS - 1, chapter=chapter)
    OrganisationFactory(chapter=chapter, name="Aa Kamer")
    gone = OrganisationFactory(chapter=chapter, name="Aa Binned")
    gone.deleted_at = dt.datetime.now(dt.UTC)  # the trash does not count
    db_session.flush()
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert body.count("<option value=") == SUGGESTED_ORGANISATIONS
    assert '<datalist id="organisation-names"><option value="Aa Kamer">' in body
    OrganisationFactory(chapter=chapter)
    db_session.flush()
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert "organisation-names" not in body
    assert "<option value=" not in body


def test_positions_through_the_page(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    OrganisationFactory(chapter=chapter, name="Tweede Kamer")
    contact = make_contact(db_session, chapter)
    body = _body(client.get(f"/contacts/{contact.id}"))
    assert '<datalist id="organisation-names"><option value="Tweede Kamer">' in body
    response = client.post(
        f"/contacts/{contact.id}/positions",
        data={"organisation": "tweede kamer", "title": "MP", "start_date": "2023-12-06", "end_date": ""},
    )
    assert response.status_code == 302
    [position] = db_session.scalars(sa.select(Position)).all()
    assert (position.title, position.start_date) == ("MP", dt.date(2023, 12, 6))
    assert "MP, " in _body(client.get(f"/contacts/{contact.id}"))
    assert client.post(f"/contacts/{contact.id}/positions/{position.id}/end").status_code == 302
    db_session.expire_all()
    assert db_session.get_one(Position, position.id).end_date is not None
    assert client.post(f"/contacts/{contact.id}/positions/{position.id}/delete").status_code == 302
    assert _count(db_session, Position) == 0


def test_unknown_organisation_links_to_creating_it(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter)
    response = client.post(f"/contacts/{contact.id}/positions", data={"organisation": "Nowhere Inc"})
    assert response.status_code == 400
    body = _body(response)
    assert "This chapter has no organisation called “Nowhere Inc”." in body
    assert "/organisations/new" in body
    assert _count(db_session, Position) == 0
    response = client.post(
        f"/contacts/{contact.id}/positions", data={"organisation": "Nowhere Inc", "start_date": "not a date"}
    )
    assert response.status_code == 400


def test_listens_to_through_the_page(client: FlaskClient, db_session: Session, chapter: Any) -> None:
    contact = make_contact(db_session, chapter, given_name="Mona", family_name="Keijzer")
    jan = make_contact(db_session, chapter, given_name="Jan", family_name="Jansen")
    make_contact(db_session, chapter, given_name="Jan", family_name="Jansma")
    response = client.post(f"/contacts/{contact.id}/listens-to", data={"trusted": "jan", "note": "Old friends"})
    assert response.status_code == 400
    body = _body(response)
    assert "Several contacts match" in body
    assert f'value="#{jan.id}"' in body
    response = client.post(f"/contacts/{contact.id}/listens-to", data={"trusted": f"#{jan.id}", "note": "Old friends"})
    assert response.status_code == 302
    assert "Jan Jansen" in _body(client.get(f"/contacts/{contact.id}"))
    assert "Mona Keijzer" in _body(client.get(f"/contacts/{jan.id}"))  # listened to by
    [link] = db_session.scalars(sa.select(ListensTo)).all()
    assert client.post(f"/contacts/{jan.id}/listens-to/{link.id}/delete").status_code == 302
    assert _count(db_session, ListensTo) == 0


# --- chapter scope --------------------------------------------------------------------------------------------


def test_every_route_answers_404_for_another_chapter(
    client: FlaskClient, db_session: Session, chapter: Any, other_chapter: Any
) -> None:
    own = make_contact(db_session, chapter, family_name="Own")
    foreign = make_contact(db_session, other_chapter, family_name="Foreign")
    other_own = make_contact(db_session, chapter, family_name="Alsoown")
    position = PositionFactory(contact=foreign, organisation=OrganisationFactory(chapter=other_chapter))
    link = services.add_listens_to(db_session, None, foreign, trusted=make_contact(db_session, other_chapter))
    mixed = services.add_listens_to(db_session, None, other_own, trusted=foreign)
    db_session.flush()
    binned = make_contact(db_session, other_chapter)
    services.delete_contact(db_session, None, binned)
    db_session.flush()
    gets = [
        f"/contacts/{foreign.id}",
        f"/contacts/{foreign.id}/edit",
        f"/contacts/{foreign.id}/history",
        f"/contacts/{binned.id}",
        "/contacts/999999",
    ]
    posts = [
        f"/contacts/{foreign.id}/edit",
        f"/contacts/{foreign.id}/delete",
        f"/contacts/{binned.id}/restore",
        f"/contacts/{foreign.id}/positions",
        f"/contacts/{foreign.id}/positions/{position.id}/end",
        f"/contacts/{foreign.id}/positions/{position.id}/delete",
        f"/contacts/{own.id}/positions/{position.id}/end",
        f"/contacts/{own.id}/positions/{position.id}/delete",
        f"/contacts/{foreign.id}/listens-to",
        f"/contacts/{foreign.id}/listens-to/{link.id}/delete",
        f"/contacts/{own.id}/listens-to/{link.id}/delete",
        f"/contacts/{other_own.id}/listens-to/{mixed.id}/delete",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, data={"organisation": "x", "trusted": "x", "family_name": "x"}).status_code == 404, url
    assert _count(db_session, Position) == 1
    assert _count(db_session, ListensTo) == 2
    body = _body(client.get(f"/contacts/{other_own.id}"))
    assert f'href="/contacts/{foreign.id}"' not in body  # the link's other end is not shown
    assert f"/listens-to/{mixed.id}/delete" not in body


def test_trash_lists_only_visible_chapters(client: FlaskClient, db_session: Session, other_chapter: Any) -> None:
    hidden = make_contact(db_session, other_chapter, given_name="Secret", family_name="Binned")
    services.delete_contact(db_session, None, hidden)
    db_session.flush()
    assert "Secret Binned" not in _body(client.get("/contacts/trash"))


def test_csrf_is_required_when_enabled(app: Flask, client: FlaskClient, db_session: Session) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/contacts/new", data=_form()).status_code == 400
    assert _contacts(db_session) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _body(client.get("/contacts/new")))
    assert token is not None
    assert client.post("/contacts/new", data=_form(csrf_token=token.group(1))).status_code == 302
    assert len(_contacts(db_session)) == 1


# --- speed guards ---------------------------------------------------------------------------------------------


def _populate(session: Session, chapter: Any, count: int, user: Any) -> None:
    organisation = OrganisationFactory(chapter=chapter)
    tags = list(session.scalars(sa.select(Tag).where(Tag.chapter_id == chapter.id).order_by(Tag.name)))
    if not tags:
        tags = [Tag(chapter_id=chapter.id, name=f"tag{i}") for i in range(3)]
        session.add_all(tags)
    for index in range(count):
        contact = ContactFactory(chapter=chapter, tags=tags[: index % 3 + 1], holders=[user])
        PositionFactory(contact=contact, organisation=organisation)
    session.flush()


def test_list_statements_do_not_grow_with_rows(
    client: FlaskClient, db_session: Session, chapter: Any, user: Any, count_queries: Any
) -> None:
    counts = []
    for total in (3, 60):
        _populate(db_session, chapter, total - len(_contacts(db_session)), user)
        for url in ("/contacts/", "/contacts/?q=given&sort=-name", "/contacts/?kind=representative&holder=me&tag=tag0"):
            count_queries.reset()
            assert client.get(url).status_code == 200
            counts.append((url, count_queries.count))
    assert counts[:3] == counts[3:]
    # the user; chapters and members; the page with its total; the rows' positions and tags
    assert all(count <= 4 for _url, count in counts), counts


def test_contact_page_statements_do_not_grow(
    app: Flask, client: FlaskClient, db_session: Session, chapter: Any, user: Any, count_queries: Any
) -> None:
    counts = []
    for size in (1, 6):
        contact = make_contact(
            db_session,
            chapter,
            emails=[f"e{i}@example.org" for i in range(size)],
            tags=[f"t{i}" for i in range(size)],
            holder_ids=[user.id],
            external_ids=[("x", f"{size}-{i}") for i in range(size)],
        )
        with app.test_request_context():
            for index in range(size):
                organisation = OrganisationFactory(chapter=chapter, name=f"Org {size} {index}")
                services.add_position(db_session, user, contact, organisation=organisation)
                other = make_contact(db_session, chapter, family_name=f"Friend{size}x{index}")
                services.add_listens_to(db_session, user, contact, trusted=other, note="n")
                services.add_listens_to(db_session, user, other, trusted=contact)
                services.update_contact(db_session, user, contact, stance=list(Stance)[index % 5])
        db_session.flush()
        count_queries.reset()
        assert client.get(f"/contacts/{contact.id}").status_code == 200
        counts.append(count_queries.count)
    assert counts[0] == counts[1]
    # the user; the contact; its facts; links; positions; stances; changes
    assert counts[0] <= 7, count_queries.statements


def test_nul_in_a_filter_is_refused_not_failed(client: FlaskClient) -> None:
    assert client.get("/contacts/?tag=%00").status_code == 400


def test_every_get_page_reads_only(client: FlaskClient, db_session: Session, chapter: Any, user: Any) -> None:
    """GET requests run in a read-only session that raises on a write, so a 200 here proves no write."""
    contact = make_contact(db_session, chapter, holder_ids=[user.id])
    for url in (
        "/contacts/",
        "/contacts/?q=jan&tag=x&holder=me",
        "/contacts/new",
        f"/contacts/{contact.id}",
        f"/contacts/{contact.id}/edit",
        f"/contacts/{contact.id}/history",
        "/contacts/trash",
    ):
        assert client.get(url).status_code == 200, url


def test_a_user_without_chapter_gets_empty_pages(client: FlaskClient, auth: Any, db_session: Session) -> None:
    auth.logout()
    auth.login(UserFactory())
    assert "0 contacts" in _body(client.get("/contacts/"))
    assert "not in a chapter" in _body(client.get("/contacts/new"))


def test_several_chapters_choose_one(
    client: FlaskClient, auth: Any, db_session: Session, chapter: Any, coordinator: Any
) -> None:
    local = ChapterFactory(parent=chapter, name="Local Branch")
    auth.logout()
    auth.login(coordinator)
    body = _body(client.get("/contacts/new"))
    assert '<select id="chapter_id" name="chapter_id">' in body
    assert "Local Branch" in body
    response = client.post("/contacts/new", data=_form())
    assert response.status_code == 400
    assert "Choose a chapter." in _body(response)
    assert client.post("/contacts/new", data=_form(chapter_id=str(local.id))).status_code == 302
    [contact] = _contacts(db_session)
    assert contact.chapter_id == local.id
    assert "Local Branch" in _body(client.get("/contacts/"))  # the chapter column


def test_search_pages_count_all_matches(app: Flask, client: FlaskClient, db_session: Session, chapter: Any) -> None:
    app.config["PAGE_SIZE"] = 2
    for name in ("Aa", "Bb", "Cc", "Dd", "Ee"):
        make_contact(db_session, chapter, given_name="Petra", family_name=name)
    make_contact(db_session, chapter, given_name="Other", family_name="Person")
    body = _body(client.get("/contacts/?q=petra&page=2"))
    assert "5 contacts" in body
    assert "Petra Cc" in body
    assert "Petra Aa" not in body
    assert "Page 2 of 3" in body
    body = _body(client.get("/contacts/?q=petra&page=7"))
    assert "5 contacts" in body
    assert "past the end" in body
    assert "0 contacts" in _body(client.get("/contacts/?q=nobodyhere"))


def test_a_first_search_page_is_full_when_contacts_match_by_several_terms(
    app: Flask, client: FlaskClient, db_session: Session, chapter: Any, count_queries: Any
) -> None:
    """Three terms of each contact start with "aa": the page's first rows hold repeats, so the list asks again
    for the exact page (``queries.cut_short``); a word each contact matches once costs one statement less."""
    app.config["PAGE_SIZE"] = 3
    for number in range(5):
        make_contact(db_session, chapter, given_name=f"Aab{number}", family_name=f"Aac{number}",
                     emails=[("", f"aad{number}@example.org")])  # fmt: skip
    client.get("/contacts/?q=aab")  # sign-in and first-request work out of the way
    count_queries.reset()
    body = _body(client.get("/contacts/?q=aa"))
    repeated = count_queries.count
    assert "5 contacts" in body
    assert [n for n in range(5) if f"Aab{n} Aac{n}" in body] == [0, 1, 2]
    count_queries.reset()
    body = _body(client.get("/contacts/?q=aab"))
    assert "5 contacts" in body
    assert count_queries.count == repeated - 1


def test_a_search_ending_in_the_highest_character_is_answered(client: FlaskClient) -> None:
    response = client.get("/contacts/", query_string={"q": "x@y\U0010ffff"})
    assert response.status_code == 200
    assert "No contacts found." in _body(response)
