"""`crm users create`: the command-line way to make the first administrator."""

from __future__ import annotations

import click
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from crm.auth.models import User
from crm.auth.passwords import verify_password
from crm.cli import register_commands


def _cli() -> click.Group:
    group = AppGroup("crm")
    register_commands(group)
    return group


def _create(app: Flask, *args: str) -> Result:
    # The app fixture points the app's sessionmakers at the test's connection, so the command's own
    # write session joins the test transaction.
    return app.test_cli_runner().invoke(_cli(), ["users", "create", *args])


def test_create_an_administrator(app: Flask, db_session: Session) -> None:
    result = _create(app, "--email", "Admin@Example.org", "--name", "Ada", "--password", "a long passphrase", "--admin")

    assert result.exit_code == 0, result.output
    assert "Created administrator admin@example.org." in result.output
    user = db_session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    assert user is not None
    assert user.is_admin
    assert user.name == "Ada"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long passphrase")


def test_the_administrator_can_sign_in(app: Flask, db_session: Session) -> None:
    _create(app, "--email", "admin@example.org", "--name", "Ada", "--password", "a long passphrase", "--admin")
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@example.org", "password": "a long passphrase"})
    assert response.status_code == 302
    assert client.get("/chapters/new").status_code == 200


def test_without_admin_a_plain_user_is_created(app: Flask, db_session: Session) -> None:
    result = _create(app, "--email", "v@example.org", "--name", "Vera", "--password", "a long passphrase")
    assert result.exit_code == 0, result.output
    assert "Created user v@example.org." in result.output
    assert db_session.scalar(sa.select(User.is_admin).where(User.email == "v@example.org")) is False


def test_prompts_for_missing_values(app: Flask, db_session: Session) -> None:
    result = app.test_cli_runner().invoke(
        _cli(),
        ["users", "create", "--admin"],
        input="p@example.org\nPiet\na long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert db_session.scalar(sa.select(User.is_admin).where(User.email == "p@example.org")) is True


def test_refuses_a_taken_address_and_a_weak_password(app: Flask, db_session: Session) -> None:
    _create(app, "--email", "a@example.org", "--name", "A", "--password", "a long passphrase")

    taken = _create(app, "--email", "A@example.org", "--name", "B", "--password", "a long passphrase")
    weak = _create(app, "--email", "c@example.org", "--name", "C", "--password", "short")

    assert taken.exit_code == 1
    assert "An account with this address already exists." in taken.output
    assert weak.exit_code == 1
    assert "Use at least 10 characters." in weak.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
