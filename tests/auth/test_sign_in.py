"""Signing in and out, "remember me", and how passwords are stored."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.auth.models import User
from tests.conftest import Auth, signed_in
from tests.factories import PASSWORD


def test_login_page_shows_the_form(client: FlaskClient, user: Any) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="email"' in page
    assert 'name="password"' in page
    assert 'name="remember"' in page


def test_sign_in_with_the_right_password(client: FlaskClient, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in(client)
    assert user.name in client.get("/").get_data(as_text=True)


def test_sign_in_ignores_case_and_spaces_in_the_address(client: FlaskClient, user: Any) -> None:
    response = client.post("/login", data={"email": f"  {user.email.upper()} ", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_password_and_unknown_address_get_the_same_answer(client: FlaskClient, user: Any) -> None:
    wrong = client.post("/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    message = "That email address and password do not match."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert not signed_in(client)


def test_inactive_user_cannot_sign_in(client: FlaskClient, user: Any, db_session: Session) -> None:
    user.is_active = False
    db_session.flush()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not signed_in(client)


def test_sign_out_ends_the_session(client: FlaskClient, auth: Auth, user: Any) -> None:
    auth.login(user)
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not signed_in(client)
    assert client.get("/").headers["Location"] == "/login"


def test_sign_out_is_post_only(client: FlaskClient, auth: Auth, user: Any) -> None:
    auth.login(user)
    assert client.get("/logout").status_code == 405
    assert signed_in(client)


def test_remember_me_sets_a_remember_cookie(client: FlaskClient, user: Any) -> None:
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token", domain="crm.test")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None  # outlives the browser session


def test_without_remember_me_there_is_no_remember_cookie(client: FlaskClient, user: Any) -> None:
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get_cookie("remember_token", domain="crm.test") is None
    assert client.get_cookie("session", domain="crm.test") is not None


def test_remember_cookie_alone_signs_the_user_in(app: Any, user: Any) -> None:
    first = app.test_client()
    first.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    browser_restarted = app.test_client()
    remember = first.get_cookie("remember_token", domain="crm.test")
    browser_restarted.set_cookie("remember_token", remember.value, domain="crm.test")
    assert signed_in(browser_restarted)


def test_passwords_are_stored_as_argon2id_hashes(client: FlaskClient, db_session: Session) -> None:
    response = client.post(
        "/setup",
        data={
            "name": "Ada",
            "email": "ada@example.org",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )
    assert response.status_code == 302
    stored = db_session.scalar(sa.select(User.password_hash).where(User.email == "ada@example.org"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "a long passphrase" not in stored
    assert PasswordHasher().verify(stored, "a long passphrase")
