"""The administrator's outbox page: mail that (without SMTP) never leaves stays readable in the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import Auth, link_in


def _queue_reset(client: FlaskClient, user: Any) -> None:
    assert client.post("/reset", data={"email": user.email}).status_code == 302


def test_the_outbox_lists_messages_newest_first(
    app: Any, client: FlaskClient, auth: Auth, admin: Any, user: Any, outbox: Callable[[], list[Any]]
) -> None:
    anonymous = app.test_client()
    _queue_reset(anonymous, user)
    _queue_reset(anonymous, admin)
    auth.login(admin)

    response = client.get("/outbox/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No SMTP server is configured" in page
    assert page.index(admin.email) < page.index(user.email)
    assert page.count("Reset your Lobby CRM password") == 2
    for email in outbox():
        assert f'href="/outbox/{email.id}"' in page
    assert "Queued" in page


def test_the_outbox_shows_one_message_with_its_link(
    app: Any, client: FlaskClient, auth: Auth, admin: Any, user: Any, outbox: Callable[[], list[Any]]
) -> None:
    _queue_reset(app.test_client(), user)
    (email,) = outbox()
    auth.login(admin)

    response = client.get(f"/outbox/{email.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert user.email in page
    assert "Reset your Lobby CRM password" in page
    link = link_in(email.body_text, "/reset/")
    base = app.config["BASE_URL"].rstrip("/")
    assert f'href="{base}{link}"' in page  # clickable, so a newcomer without SMTP can follow it


def test_an_empty_outbox(client: FlaskClient, auth: Auth, admin: Any) -> None:
    auth.login(admin)
    assert "No messages." in client.get("/outbox/").get_data(as_text=True)


def test_an_unknown_message_is_404(client: FlaskClient, auth: Auth, admin: Any) -> None:
    auth.login(admin)
    assert client.get("/outbox/987654").status_code == 404


def test_the_outbox_is_paginated(app: Any, client: FlaskClient, auth: Auth, admin: Any, user: Any) -> None:
    app.config["PAGE_SIZE"] = 2
    anonymous = app.test_client()
    for _ in range(3):
        _queue_reset(anonymous, user)
    auth.login(admin)
    first = client.get("/outbox/").get_data(as_text=True)
    assert first.count("Reset your Lobby CRM password") == 2
    assert "?page=2" in first
    assert client.get("/outbox/?page=2").get_data(as_text=True).count("Reset your Lobby CRM password") == 1
    assert client.get("/outbox/?page=abc").status_code == 200


def test_non_administrators_get_404(
    app: Any, client: FlaskClient, auth: Auth, coordinator: Any, user: Any, outbox: Callable[[], list[Any]]
) -> None:
    _queue_reset(app.test_client(), user)
    (email,) = outbox()
    for member in (user, coordinator):
        auth.login(member)
        assert client.get("/outbox/").status_code == 404
        assert client.get(f"/outbox/{email.id}").status_code == 404
        assert "/outbox/" not in client.get("/settings").get_data(as_text=True)  # no menu entry either
        auth.logout()


def test_visitors_are_sent_to_sign_in(client: FlaskClient, user: Any) -> None:
    for url in ("/outbox/", "/outbox/1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
