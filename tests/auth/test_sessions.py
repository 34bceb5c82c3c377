"""Signing out and changing the password end every session of the user, copied cookies included."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.auth.passwords import verify_password
from tests.conftest import Auth, signed_in
from tests.factories import PASSWORD

DOMAIN = "crm.test"
NEW_PASSWORD = "a brand new passphrase"


def _copy_cookie(source: FlaskClient, target: FlaskClient, name: str) -> None:
    cookie = source.get_cookie(name, domain=DOMAIN)
    assert cookie is not None, f"{name} cookie missing"
    target.set_cookie(name, cookie.value, domain=DOMAIN)


def _sign_in(client: FlaskClient, user: Any, *, remember: bool = False, password: str = PASSWORD) -> None:
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def test_sign_out_ends_a_copied_session_cookie(app: Flask, user: Any) -> None:
    first, thief = app.test_client(), app.test_client()
    _sign_in(first, user)
    _copy_cookie(first, thief, "session")
    assert signed_in(thief)

    Auth(first).logout()

    assert not signed_in(first)
    assert not signed_in(thief)


def test_sign_out_ends_a_copied_remember_cookie(app: Flask, user: Any) -> None:
    first, thief = app.test_client(), app.test_client()
    _sign_in(first, user, remember=True)
    stolen = first.get_cookie("remember_token", domain=DOMAIN).value
    _copy_cookie(first, thief, "remember_token")
    assert signed_in(thief)  # the remember cookie alone opens a session

    Auth(first).logout()

    assert not signed_in(thief)
    replay = app.test_client()  # the copy taken before sign-out, replayed in a fresh browser
    replay.set_cookie("remember_token", stolen, domain=DOMAIN)
    assert not signed_in(replay)


def test_sign_out_ends_sessions_on_other_devices(app: Flask, user: Any) -> None:
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, user)
    _sign_in(phone, user, remember=True)

    Auth(laptop).logout()

    assert not signed_in(phone)
    _sign_in(phone, user)  # signing in again works
    assert signed_in(phone)


def test_sign_out_clears_the_remember_cookie(app: Flask, user: Any) -> None:
    client = app.test_client()
    _sign_in(client, user, remember=True)
    Auth(client).logout()
    assert client.get_cookie("remember_token", domain=DOMAIN) is None


def _change_password(client: FlaskClient, current: str = PASSWORD, new: str = NEW_PASSWORD) -> Any:
    return client.post("/settings/password", data={"current_password": current, "new_password": new, "confirm": new})


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(
    app: Flask, user: Any, db_session: Session
) -> None:
    this, other, copied = app.test_client(), app.test_client(), app.test_client()
    _sign_in(this, user)
    _sign_in(other, user, remember=True)
    _copy_cookie(this, copied, "session")

    response = _change_password(this)

    assert response.status_code == 302
    assert signed_in(this)
    assert not signed_in(other)
    assert not signed_in(copied)
    db_session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_changing_the_password_keeps_remember_me_on_this_device(app: Flask, user: Any) -> None:
    client = app.test_client()
    _sign_in(client, user, remember=True)
    assert _change_password(client).status_code == 302

    restarted = app.test_client()  # the browser restarts: only the remember cookie survives
    _copy_cookie(client, restarted, "remember_token")
    assert signed_in(restarted)


def test_changing_the_password_needs_the_current_one(app: Flask, user: Any, db_session: Session) -> None:
    client = app.test_client()
    _sign_in(client, user)

    response = _change_password(client, current="not my password")

    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)
    db_session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    assert signed_in(client)


def test_changing_the_password_refuses_a_short_one(app: Flask, user: Any, db_session: Session) -> None:
    client = app.test_client()
    _sign_in(client, user)
    assert _change_password(client, new="short").status_code == 400
    db_session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_the_new_password_signs_in_and_the_old_one_does_not(app: Flask, user: Any) -> None:
    client = app.test_client()
    _sign_in(client, user)
    _change_password(client)
    Auth(client).logout()

    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    _sign_in(client, user, password=NEW_PASSWORD)
