"""Coordinators invite people by email; the signed, expiring, single-use link makes them members."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy.orm import Session

from crm.auth.models import Invitation, Membership, Role, User
from crm.auth.passwords import verify_password
from crm.auth.tokens import make_token
from tests import factories
from tests.conftest import Auth, link_in, signed_in
from tests.factories import PASSWORD

INVALID = "This link is not valid"
NEW_PASSWORD = "a long passphrase"


def _invite(client: FlaskClient, chapter: Any, email: str, role: str = "volunteer") -> Any:
    return client.post(f"/chapters/{chapter.id}/invite", data={"email": email, "role": role})


def _invitation_link(
    client: FlaskClient, chapter: Any, email: str, outbox: Callable[[], list[Any]], role: str = "volunteer"
) -> str:
    before = len(outbox())
    assert _invite(client, chapter, email, role).status_code == 302
    rows = outbox()
    assert len(rows) == before + 1
    message = rows[-1]
    assert message.to_address == email
    assert message.template == "invitation"
    return link_in(message.body_text, "/invitation/")


def _accept(
    client: FlaskClient,
    link: str,
    *,
    name: str = "Nina Nieuw",
    password: str = NEW_PASSWORD,
    confirm: str | None = None,
) -> Any:
    return client.post(
        link, data={"name": name, "password": password, "confirm": password if confirm is None else confirm}
    )


def _membership(db_session: Session, email: str, chapter: Any) -> Membership | None:
    db_session.expire_all()
    return db_session.scalar(
        sa.select(Membership).join(Membership.user).where(User.email == email, Membership.chapter_id == chapter.id)
    )


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: now + seconds)


@pytest.fixture
def inviter(client: FlaskClient, auth: Auth, coordinator: Any) -> Any:
    auth.login(coordinator)
    return coordinator


def test_a_coordinator_invites_by_email(
    client: FlaskClient, inviter: Any, chapter: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    response = _invite(client, chapter, "Nina@Example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/chapters/{chapter.id}"
    (message,) = outbox()
    assert message.to_address == "nina@example.org"
    assert message.subject == f"You are invited to join {chapter.name} on Lobby CRM"
    assert inviter.name in message.body_text
    link = link_in(message.body_text, "/invitation/")
    assert link in message.body_html
    invitation = db_session.scalar(sa.select(Invitation))
    assert (invitation.email, invitation.role, invitation.chapter_id) == (
        "nina@example.org",
        Role.VOLUNTEER,
        chapter.id,
    )
    page = client.get(f"/chapters/{chapter.id}").get_data(as_text=True)
    assert "Invitation sent to Nina@Example.org." in page
    assert "nina@example.org" in page  # listed under open invitations


def test_accepting_creates_the_user_with_the_role_and_signs_them_in(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    link = _invitation_link(client, chapter, "nina@example.org", outbox, role="coordinator")
    invitee = app.test_client()
    page = invitee.get(link)
    assert page.status_code == 200
    assert "nina@example.org" in page.get_data(as_text=True)

    response = _accept(invitee, link)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    membership = _membership(db_session, "nina@example.org", chapter)
    assert membership is not None
    assert membership.role is Role.COORDINATOR
    assert membership.user.name == "Nina Nieuw"
    assert verify_password(membership.user.password_hash, NEW_PASSWORD)
    assert signed_in(invitee)
    assert invitee.get(f"/chapters/{chapter.id}").status_code == 200
    invitation = db_session.scalar(sa.select(Invitation))
    assert invitation.accepted_by_id == membership.user_id
    assert invitation.accepted_at is not None


def test_the_new_member_can_sign_in_with_the_password(
    app: Flask, client: FlaskClient, inviter: Any, chapter: Any, outbox: Callable[[], list[Any]]
) -> None:
    _accept(app.test_client(), _invitation_link(client, chapter, "nina@example.org", outbox))
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "nina@example.org", "password": NEW_PASSWORD}).status_code == 302


def test_the_link_works_once(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    link = _invitation_link(client, chapter, "nina@example.org", outbox)
    _accept(app.test_client(), link)

    replay = app.test_client()
    again = replay.get(link)
    assert again.status_code == 404
    assert INVALID in again.get_data(as_text=True)
    assert _accept(replay, link, password="an attacker's password").status_code == 404
    user = db_session.scalar(sa.select(User).where(User.email == "nina@example.org"))
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not signed_in(replay)


def test_the_link_expires(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    monkeypatch: pytest.MonkeyPatch,
    db_session: Session,
) -> None:
    link = _invitation_link(client, chapter, "nina@example.org", outbox)
    days = app.config["INVITATION_MAX_AGE_DAYS"]
    invitee = app.test_client()
    _later(monkeypatch, days * 86400 - 60)
    assert invitee.get(link).status_code == 200

    _later(monkeypatch, days * 86400 + 5)

    assert invitee.get(link).status_code == 404
    assert _accept(invitee, link).status_code == 404
    assert _membership(db_session, "nina@example.org", chapter) is None


def test_a_forged_link_gives_the_invalid_link_page(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    token = _invitation_link(client, chapter, "nina@example.org", outbox).rsplit("/", 1)[1]
    invitation_id = db_session.scalar(sa.select(Invitation.id))
    with app.app_context():
        other_address = make_token("invite", [invitation_id, "mallory@example.org"])
        reset_token = make_token("reset", [invitation_id, "nina@example.org"])
    for forged in (token[:-3] + "xyz", "garbage", other_address, reset_token):
        response = app.test_client().get(f"/invitation/{forged}")
        assert response.status_code == 404, forged
        assert INVALID in response.get_data(as_text=True)
        assert _accept(app.test_client(), f"/invitation/{forged}").status_code == 404
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # only the coordinator


def test_a_new_invitee_must_choose_a_good_password(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    link = _invitation_link(client, chapter, "nina@example.org", outbox)
    invitee = app.test_client()
    assert _accept(invitee, link, password="short").status_code == 400
    mismatch = _accept(invitee, link, confirm="something else")
    assert mismatch.status_code == 400
    assert "The passwords do not match." in mismatch.get_data(as_text=True)
    assert _membership(db_session, "nina@example.org", chapter) is None
    assert _accept(invitee, link).status_code == 302  # the link still works after mistakes


def test_an_existing_account_confirms_its_password_and_joins(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    elsewhere = factories.ChapterFactory()
    existing = factories.member_of(elsewhere, name="Erik Bestaand")
    link = _invitation_link(client, chapter, existing.email, outbox)
    invitee = app.test_client()

    wrong = _accept(invitee, link, name="", password="not the password", confirm="")
    assert wrong.status_code == 400
    assert "This address already has an account: enter its password." in wrong.get_data(as_text=True)
    assert _membership(db_session, existing.email, chapter) is None

    response = _accept(invitee, link, name="", password=PASSWORD, confirm="")

    assert response.status_code == 302
    membership = _membership(db_session, existing.email, chapter)
    assert membership is not None
    assert membership.user_id == existing.id
    assert membership.role is Role.VOLUNTEER
    db_session.refresh(existing)
    assert existing.name == "Erik Bestaand"
    assert verify_password(existing.password_hash, PASSWORD)
    assert _membership(db_session, existing.email, elsewhere) is not None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == existing.email)) == 1
    assert signed_in(invitee)


def test_inviting_an_existing_member_as_coordinator_promotes_them(
    app: Flask,
    client: FlaskClient,
    inviter: Any,
    chapter: Any,
    user: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    link = _invitation_link(client, chapter, user.email, outbox, role="coordinator")
    assert _accept(app.test_client(), link, password=PASSWORD, confirm="").status_code == 302
    assert _membership(db_session, user.email, chapter).role is Role.COORDINATOR


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client: FlaskClient, inviter: Any, chapter: Any, outbox: Callable[[], list[Any]]
) -> None:
    existing = factories.member_of(factories.ChapterFactory())
    known = _invite(client, chapter, existing.email)
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = _invite(client, chapter, "stranger@example.org")
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert f"Invitation sent to {existing.email}." in known_page
    assert "Invitation sent to stranger@example.org." in unknown_page
    rows = outbox()
    assert [row.to_address for row in rows] == [existing.email, "stranger@example.org"]
    assert rows[0].subject == rows[1].subject
    # The same text up to the link: nothing in the message tells the invitee's status either.
    assert rows[0].body_text.split("http")[0] == rows[1].body_text.split("http")[0]


def test_a_coordinator_of_a_parent_invites_to_a_sub_chapter(
    client: FlaskClient, auth: Auth, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    national = factories.ChapterFactory()
    local = factories.ChapterFactory(parent=national)
    auth.login(factories.member_of(national, role="coordinator"))
    assert _invite(client, local, "nina@example.org").status_code == 302
    assert [row.to_address for row in outbox()] == ["nina@example.org"]


def test_volunteers_cannot_invite(
    client: FlaskClient,
    auth: Auth,
    user: Any,
    chapter: Any,
    outbox: Callable[[], list[Any]],
    db_session: Session,
) -> None:
    auth.login(user)
    assert "Invite someone" not in client.get(f"/chapters/{chapter.id}").get_data(as_text=True)
    assert _invite(client, chapter, "friend@example.org").status_code in (403, 404)
    assert outbox() == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_nobody_invites_to_a_chapter_they_cannot_see(
    client: FlaskClient, auth: Auth, coordinator: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    other = factories.ChapterFactory()
    auth.login(coordinator)
    assert _invite(client, other, "friend@example.org").status_code == 404
    assert outbox() == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_an_invalid_address_is_refused(
    client: FlaskClient, inviter: Any, chapter: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    for bad in ("not an address", "", "a@b", "x" * 300 + "@example.org"):
        response = _invite(client, chapter, bad)
        assert response.status_code == 302, bad
        assert "Enter a valid email address." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert outbox() == []
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
