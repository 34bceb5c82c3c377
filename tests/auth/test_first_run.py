"""The first-run page creates the first administrator, and only while no account exists."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.auth.models import User
from tests.conftest import signed_in

ADMIN = {
    "name": "Ada Admin",
    "email": "Ada@Example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}


def _users(db_session: Session) -> list[User]:
    db_session.expire_all()
    return list(db_session.scalars(sa.select(User)))


def test_without_users_sign_in_leads_to_the_first_run_page(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"
    page = client.get("/setup")
    assert page.status_code == 200
    assert "Create the administrator" in page.get_data(as_text=True)


def test_the_first_run_page_creates_a_signed_in_administrator(client: FlaskClient, db_session: Session) -> None:
    response = client.post("/setup", data=ADMIN)

    assert response.status_code == 302
    assert response.headers["Location"] == "/chapters/new"
    (user,) = _users(db_session)
    assert user.email == "ada@example.org"
    assert user.name == "Ada Admin"
    assert user.is_admin
    assert signed_in(client)
    assert client.get("/chapters/new").status_code == 200  # an administrator's page


def test_the_first_run_page_is_gone_once_a_user_exists(client: FlaskClient, db_session: Session) -> None:
    client.post("/setup", data=ADMIN)
    stranger = client.application.test_client()

    assert stranger.get("/setup").status_code == 404
    second = ADMIN | {"email": "mallory@example.org"}
    assert stranger.post("/setup", data=second).status_code == 404
    assert [u.email for u in _users(db_session)] == ["ada@example.org"]


def test_the_first_run_page_is_gone_when_any_user_exists(client: FlaskClient, user: Any) -> None:
    assert client.get("/setup").status_code == 404
    assert client.get("/login").status_code == 200


def test_the_first_run_form_checks_its_fields(client: FlaskClient, db_session: Session) -> None:
    for bad in (
        {"password": "short", "confirm": "short"},
        {"confirm": "something else entirely"},
        {"email": "not an address"},
        {"name": ""},
    ):
        response = client.post("/setup", data=ADMIN | bad)
        assert response.status_code == 400, bad
    assert _users(db_session) == []
    assert client.get("/setup").status_code == 200
