"""Coordinators change members' roles and remove members; a chapter keeps at least one coordinator."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.auth.models import Membership, Role
from tests import factories
from tests.conftest import Auth

LAST_COORDINATOR = "A chapter needs at least one coordinator."


def _membership_of(db_session: Session, user: Any, chapter: Any) -> Membership | None:
    db_session.expire_all()
    return db_session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.chapter_id == chapter.id)
    )


def _set_role(client: FlaskClient, membership: Membership, role: str) -> Any:
    return client.post(f"/chapters/members/{membership.id}/role", data={"role": role})


def _remove(client: FlaskClient, membership: Membership) -> Any:
    return client.post(f"/chapters/members/{membership.id}/remove")


def _flashes(client: FlaskClient, response: Any) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_chapter_page_lists_members_with_their_roles(
    client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any
) -> None:
    auth.login(coordinator)
    page = client.get(f"/chapters/{chapter.id}").get_data(as_text=True)
    assert user.name in page
    assert user.email in page
    assert coordinator.name in page
    assert f"Role of {user.name}" in page


def test_a_coordinator_changes_a_role(
    client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    membership = _membership_of(db_session, user, chapter)

    response = _set_role(client, membership, "coordinator")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/chapters/{chapter.id}"
    assert "Role changed." in _flashes(client, response)
    assert _membership_of(db_session, user, chapter).role is Role.COORDINATOR
    assert _set_role(client, membership, "volunteer").status_code == 302
    assert _membership_of(db_session, user, chapter).role is Role.VOLUNTEER


def test_an_unknown_role_changes_nothing(
    client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    response = _set_role(client, _membership_of(db_session, user, chapter), "emperor")
    assert response.status_code in (302, 400)
    assert _membership_of(db_session, user, chapter).role is Role.VOLUNTEER


def test_a_coordinator_removes_a_member(
    client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    response = _remove(client, _membership_of(db_session, user, chapter))
    assert response.status_code == 302
    assert "Member removed." in _flashes(client, response)
    assert _membership_of(db_session, user, chapter) is None
    assert user.email not in client.get(f"/chapters/{chapter.id}").get_data(as_text=True)


def test_a_removed_member_loses_access(
    app: Any, client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    member = app.test_client()
    Auth(member).login(user)
    assert member.get(f"/chapters/{chapter.id}").status_code == 200
    auth.login(coordinator)
    _remove(client, _membership_of(db_session, user, chapter))
    assert member.get(f"/chapters/{chapter.id}").status_code == 404


def test_the_only_coordinator_cannot_step_down(
    client: FlaskClient, auth: Auth, coordinator: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    membership = _membership_of(db_session, coordinator, chapter)

    response = _set_role(client, membership, "volunteer")

    assert response.status_code == 302
    assert LAST_COORDINATOR in _flashes(client, response)
    assert _membership_of(db_session, coordinator, chapter).role is Role.COORDINATOR


def test_the_only_coordinator_cannot_be_removed(
    client: FlaskClient, auth: Auth, coordinator: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(coordinator)
    response = _remove(client, _membership_of(db_session, coordinator, chapter))
    assert response.status_code == 302
    assert LAST_COORDINATOR in _flashes(client, response)
    assert _membership_of(db_session, coordinator, chapter) is not None


def test_with_two_coordinators_one_may_step_down(
    client: FlaskClient, auth: Auth, coordinator: Any, chapter: Any, db_session: Session
) -> None:
    second = factories.member_of(chapter, role="coordinator")
    auth.login(coordinator)
    assert _set_role(client, _membership_of(db_session, second, chapter), "volunteer").status_code == 302
    assert _membership_of(db_session, second, chapter).role is Role.VOLUNTEER
    # Now the first one is the only coordinator again.
    _set_role(client, _membership_of(db_session, coordinator, chapter), "volunteer")
    assert _membership_of(db_session, coordinator, chapter).role is Role.COORDINATOR


def test_with_two_coordinators_one_may_be_removed(
    client: FlaskClient, auth: Auth, coordinator: Any, chapter: Any, db_session: Session
) -> None:
    second = factories.member_of(chapter, role="coordinator")
    auth.login(coordinator)
    assert _remove(client, _membership_of(db_session, second, chapter)).status_code == 302
    assert _membership_of(db_session, second, chapter) is None


def test_a_coordinator_of_the_parent_manages_sub_chapter_members(
    client: FlaskClient, auth: Auth, db_session: Session
) -> None:
    national = factories.ChapterFactory()
    local = factories.ChapterFactory(parent=national)
    volunteer = factories.member_of(local)
    auth.login(factories.member_of(national, role="coordinator"))
    assert _set_role(client, _membership_of(db_session, volunteer, local), "coordinator").status_code == 302
    assert _membership_of(db_session, volunteer, local).role is Role.COORDINATOR


def test_volunteers_cannot_change_or_remove_members(
    client: FlaskClient, auth: Auth, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    other = factories.member_of(chapter)
    auth.login(user)
    assert "Role of" not in client.get(f"/chapters/{chapter.id}").get_data(as_text=True)
    own = _membership_of(db_session, user, chapter)
    for membership in (
        own,
        _membership_of(db_session, other, chapter),
        _membership_of(db_session, coordinator, chapter),
    ):
        assert _set_role(client, membership, "coordinator").status_code == 403
        assert _remove(client, membership).status_code == 403
    assert _membership_of(db_session, user, chapter).role is Role.VOLUNTEER
    assert _membership_of(db_session, other, chapter) is not None
    assert _membership_of(db_session, coordinator, chapter).role is Role.COORDINATOR


def test_coordinators_of_other_chapters_get_404(
    client: FlaskClient, auth: Auth, user: Any, chapter: Any, db_session: Session
) -> None:
    auth.login(factories.member_of(factories.ChapterFactory(), role="coordinator"))
    membership = _membership_of(db_session, user, chapter)
    assert _set_role(client, membership, "coordinator").status_code == 404
    assert _remove(client, membership).status_code == 404
    assert _membership_of(db_session, user, chapter).role is Role.VOLUNTEER


def test_unknown_memberships_give_404(client: FlaskClient, auth: Auth, coordinator: Any) -> None:
    auth.login(coordinator)
    assert client.post("/chapters/members/987654/role", data={"role": "volunteer"}).status_code == 404
    assert client.post("/chapters/members/987654/remove").status_code == 404
