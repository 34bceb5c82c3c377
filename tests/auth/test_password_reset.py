"""Password reset by an emailed, expiring, single-use signed link."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from crm.auth.passwords import verify_password
from crm.auth.tokens import make_token
from tests.conftest import link_in, signed_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"
INVALID = "This link is not valid"


def _request_reset(client: FlaskClient, email: str) -> Any:
    return client.post("/reset", data={"email": email})


def _reset_link(client: FlaskClient, user: Any, outbox: Callable[[], list[Any]]) -> str:
    assert _request_reset(client, user.email).status_code == 302
    (email,) = outbox()
    assert email.to_address == user.email
    assert email.template == "password-reset"
    return link_in(email.body_text, "/reset/")


def _set(client: FlaskClient, link: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(link, data={"password": password, "confirm": password})


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Move the clock that itsdangerous reads ``seconds`` ahead."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: now + seconds)


def test_the_request_page_shows_a_form(client: FlaskClient) -> None:
    response = client.get("/reset")
    assert response.status_code == 200
    assert 'name="email"' in response.get_data(as_text=True)


def test_a_known_address_gets_an_email_with_a_link(
    client: FlaskClient, user: Any, outbox: Callable[[], list[Any]]
) -> None:
    link = _reset_link(client, user, outbox)
    (email,) = outbox()
    assert email.subject == "Reset your Lobby CRM password"
    assert link in email.body_html
    assert client.get(link).status_code == 200


def test_the_link_sets_a_new_password_once(
    client: FlaskClient, user: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    link = _reset_link(client, user, outbox)

    response = _set(client, link)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    db_session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    # Used once: the link is dead, for showing the form and for posting to it.
    again = client.get(link)
    assert again.status_code == 404
    assert INVALID in again.get_data(as_text=True)
    assert _set(client, link, "yet another passphrase").status_code == 404
    db_session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_a_reset_ends_every_session(app: Flask, user: Any, outbox: Callable[[], list[Any]]) -> None:
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    client = app.test_client()
    _set(client, _reset_link(client, user, outbox))
    assert not signed_in(elsewhere)


def test_the_link_expires(
    client: FlaskClient,
    user: Any,
    outbox: Callable[[], list[Any]],
    monkeypatch: pytest.MonkeyPatch,
    db_session: Session,
) -> None:
    link = _reset_link(client, user, outbox)
    _later(monkeypatch, 23 * 3600)
    assert client.get(link).status_code == 200  # still inside the 24 hours

    _later(monkeypatch, 24 * 3600 + 5)

    response = client.get(link)
    assert response.status_code == 404
    assert INVALID in response.get_data(as_text=True)
    assert _set(client, link).status_code == 404
    db_session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def _forged_tokens(app: Flask, user: Any, good: str) -> list[str]:
    with app.app_context():
        other_purpose = make_token("invite", [user.id, "x"])
    other_key = URLSafeTimedSerializer("some other secret", salt="crm.reset").dumps([user.id, "0" * 16])
    return [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered signature
        "not-a-token",
        other_key,  # signed with another key
        other_purpose,  # an invitation token is no reset token
        good.split(".", 1)[1],  # payload stripped
    ]


def test_a_wrong_or_forged_token_gives_the_invalid_link_page(
    app: Flask, client: FlaskClient, user: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    good = _reset_link(client, user, outbox).rsplit("/", 1)[1]
    for token in _forged_tokens(app, user, good):
        for response in (client.get(f"/reset/{token}"), _set(client, f"/reset/{token}")):
            assert response.status_code == 404, token
            assert INVALID in response.get_data(as_text=True)
    db_session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_a_token_for_another_password_hash_is_refused(
    app: Flask, client: FlaskClient, user: Any, db_session: Session
) -> None:
    with app.app_context():
        token = make_token("reset", [user.id, "0123456789abcdef"])
    assert client.get(f"/reset/{token}").status_code == 404


def test_known_and_unknown_addresses_get_the_same_answer(
    app: Flask, user: Any, outbox: Callable[[], list[Any]]
) -> None:
    known, unknown = app.test_client(), app.test_client()
    known_response = _request_reset(known, user.email)
    unknown_response = _request_reset(unknown, "nobody@example.org")

    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response.headers["Location"] == unknown_response.headers["Location"]
    known_page = known.get(known_response.headers["Location"]).get_data(as_text=True)
    unknown_page = unknown.get(unknown_response.headers["Location"]).get_data(as_text=True)
    assert "If that address has an account, a reset link is on its way." in known_page
    assert known_page == unknown_page
    assert [email.to_address for email in outbox()] == [user.email]


def test_an_inactive_account_gets_no_email(
    client: FlaskClient, user: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    user.is_active = False
    db_session.flush()
    assert _request_reset(client, user.email).status_code == 302
    assert outbox() == []


def test_the_new_password_must_be_long_enough_and_match(
    client: FlaskClient, user: Any, outbox: Callable[[], list[Any]], db_session: Session
) -> None:
    link = _reset_link(client, user, outbox)
    assert _set(client, link, "short").status_code == 400
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400
    assert "The passwords do not match." in mismatch.get_data(as_text=True)
    db_session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    assert client.get(link).status_code == 200  # failed attempts do not use the link up
