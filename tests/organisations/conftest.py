"""Fixtures for the organisation tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests import factories


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context for calling services directly (they translate messages and cache scopes in ``g``)."""
    with app.test_request_context():
        yield


@pytest.fixture
def stranger(db_session: Session) -> Any:
    """A volunteer of another chapter."""
    return factories.member_of(factories.ChapterFactory())


@pytest.fixture(autouse=True)
def _contacts_endpoints(app: Flask) -> None:
    """Stand in for the contacts pages while they are being built in parallel (does nothing once they exist).

    The layout and the organisation page link to ``contacts.index``, ``contacts.new`` and ``contacts.show``.
    """
    for endpoint, rule in (("contacts.index", "/contacts/"), ("contacts.new", "/contacts/new"),
                           ("contacts.show", "/contacts/<int:contact_id>")):
        if endpoint not in app.view_functions:
            app.add_url_rule(rule, endpoint=endpoint, view_func=lambda **_kwargs: "")
