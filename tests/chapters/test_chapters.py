"""Chapters: administrators create them; coordinators of a parent see its sub-chapters."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.auth.models import Chapter, ChapterKind, Role
from tests import factories
from tests.conftest import Auth


def _chapter_form(**fields: Any) -> dict[str, Any]:
    return {
        "name": "PauseAI Nederland",
        "kind": "national",
        "country": "nl",
        "parent_id": "",
        "default_cadence_days": "30",
    } | fields


def _chapter_named(db_session: Session, name: str) -> Chapter | None:
    db_session.expire_all()
    return db_session.scalar(sa.select(Chapter).where(Chapter.name == name))


def test_an_administrator_creates_a_chapter(client: FlaskClient, auth: Auth, admin: Any, db_session: Session) -> None:
    auth.login(admin)
    assert client.get("/chapters/new").status_code == 200

    response = client.post("/chapters/new", data=_chapter_form(default_cadence_days="21"))

    chapter = _chapter_named(db_session, "PauseAI Nederland")
    assert chapter is not None
    assert response.status_code == 302
    assert response.headers["Location"] == f"/chapters/{chapter.id}"
    assert chapter.kind is ChapterKind.NATIONAL
    assert chapter.country == "NL"
    assert chapter.parent_id is None
    assert chapter.default_cadence_days == 21
    page = client.get(f"/chapters/{chapter.id}").get_data(as_text=True)
    assert "PauseAI Nederland" in page
    assert "PauseAI Nederland" in client.get("/chapters/").get_data(as_text=True)


def test_an_administrator_creates_a_sub_chapter(
    client: FlaskClient, auth: Auth, admin: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(admin)
    response = client.post(
        "/chapters/new", data=_chapter_form(name="PauseAI Amsterdam", kind="local", parent_id=str(chapter.id))
    )
    assert response.status_code == 302
    child = _chapter_named(db_session, "PauseAI Amsterdam")
    assert child is not None
    assert child.parent_id == chapter.id
    assert child.kind is ChapterKind.LOCAL


def test_chapter_names_are_unique(
    client: FlaskClient, auth: Auth, admin: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(admin)
    response = client.post("/chapters/new", data=_chapter_form(name=chapter.name.upper()))
    assert response.status_code == 400
    assert "A chapter with this name already exists." in response.get_data(as_text=True)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Chapter)) == 1


def test_the_form_checks_its_fields(client: FlaskClient, auth: Auth, admin: Any, db_session: Session) -> None:
    auth.login(admin)
    for bad in (
        {"name": ""},
        {"country": "NLD"},
        {"country": "1"},
        {"kind": "galactic"},
        {"default_cadence_days": "0"},
        {"default_cadence_days": "soon"},
        {"parent_id": "999999"},
    ):
        assert client.post("/chapters/new", data=_chapter_form(**bad)).status_code == 400, bad
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Chapter)) == 0


def test_only_administrators_create_chapters(
    client: FlaskClient, auth: Auth, coordinator: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    assert client.get("/chapters/new").status_code == 404
    assert client.post("/chapters/new", data=_chapter_form(name="Rogue chapter")).status_code == 404
    assert _chapter_named(db_session, "Rogue chapter") is None


def test_chapter_pages_need_a_signed_in_user(client: FlaskClient, chapter: Any) -> None:
    for url in ("/chapters/", f"/chapters/{chapter.id}", "/chapters/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_members_see_their_chapter_and_not_others(client: FlaskClient, auth: Auth, user: Any, chapter: Any) -> None:
    other = factories.ChapterFactory()
    auth.login(user)
    listing = client.get("/chapters/").get_data(as_text=True)
    assert chapter.name in listing
    assert other.name not in listing
    assert client.get(f"/chapters/{chapter.id}").status_code == 200
    assert client.get(f"/chapters/{other.id}").status_code == 404


def test_a_coordinator_of_a_parent_sees_its_sub_chapters(client: FlaskClient, auth: Auth, db_session: Session) -> None:
    national = factories.ChapterFactory(name="PauseAI NL")
    local = factories.ChapterFactory(name="PauseAI NL Amsterdam", kind=ChapterKind.LOCAL, parent=national)
    grandchild = factories.ChapterFactory(name="PauseAI NL Amsterdam Zuid", kind=ChapterKind.LOCAL, parent=local)
    coordinator = factories.member_of(national, role="coordinator")
    auth.login(coordinator)

    listing = client.get("/chapters/").get_data(as_text=True)
    for chapter in (national, local, grandchild):
        assert chapter.name in listing
        assert client.get(f"/chapters/{chapter.id}").status_code == 200
    assert "Invite someone" in client.get(f"/chapters/{local.id}").get_data(as_text=True)


def test_a_volunteer_of_a_parent_does_not_see_its_sub_chapters(
    client: FlaskClient, auth: Auth, db_session: Session
) -> None:
    national = factories.ChapterFactory()
    local = factories.ChapterFactory(kind=ChapterKind.LOCAL, parent=national)
    auth.login(factories.member_of(national))
    assert client.get(f"/chapters/{national.id}").status_code == 200
    assert client.get(f"/chapters/{local.id}").status_code == 404


def test_a_coordinator_of_a_sub_chapter_does_not_see_the_parent(
    client: FlaskClient, auth: Auth, db_session: Session
) -> None:
    national = factories.ChapterFactory()
    local = factories.ChapterFactory(kind=ChapterKind.LOCAL, parent=national)
    auth.login(factories.member_of(local, role="coordinator"))
    assert client.get(f"/chapters/{local.id}").status_code == 200
    assert client.get(f"/chapters/{national.id}").status_code == 404


def test_a_coordinator_edits_the_chapter(
    client: FlaskClient, auth: Auth, coordinator: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    assert client.get(f"/chapters/{chapter.id}/edit").status_code == 200
    response = client.post(
        f"/chapters/{chapter.id}/edit", data=_chapter_form(name="Renamed", country="be", default_cadence_days="14")
    )
    assert response.status_code == 302
    db_session.refresh(chapter)
    assert (chapter.name, chapter.country, chapter.default_cadence_days) == ("Renamed", "BE", 14)


def test_a_coordinator_cannot_move_the_chapter(client: FlaskClient, auth: Auth, db_session: Session) -> None:
    chapter, elsewhere = factories.ChapterFactory(), factories.ChapterFactory()
    coordinator = factories.member_of(chapter, role="coordinator")
    factories.MembershipFactory(user=coordinator, chapter=elsewhere, role=Role.COORDINATOR)
    auth.login(coordinator)
    response = client.post(
        f"/chapters/{chapter.id}/edit", data=_chapter_form(name=chapter.name, parent_id=str(elsewhere.id))
    )
    assert response.status_code == 403
    db_session.refresh(chapter)
    assert chapter.parent_id is None


def test_a_volunteer_cannot_edit_the_chapter(
    client: FlaskClient, auth: Auth, user: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(user)
    name = chapter.name
    assert client.get(f"/chapters/{chapter.id}/edit").status_code == 404
    assert client.post(f"/chapters/{chapter.id}/edit", data=_chapter_form(name="Mine now")).status_code in (403, 404)
    db_session.refresh(chapter)
    assert chapter.name == name


def test_a_chapter_cannot_be_inside_itself(client: FlaskClient, auth: Auth, admin: Any, db_session: Session) -> None:
    national = factories.ChapterFactory()
    local = factories.ChapterFactory(kind=ChapterKind.LOCAL, parent=national)
    auth.login(admin)
    response = client.post(
        f"/chapters/{national.id}/edit", data=_chapter_form(name=national.name, parent_id=str(local.id))
    )
    assert response.status_code == 400
    assert "A chapter cannot be inside itself." in response.get_data(as_text=True)
    db_session.refresh(national)
    assert national.parent_id is None
