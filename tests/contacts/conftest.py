"""Fixtures for the contact tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from crm.contacts import services
from crm.contacts.models import Contact
from tests import factories


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context for calling services directly (they translate messages and cache scopes in ``g``)."""
    with app.test_request_context():
        yield


@pytest.fixture
def other_chapter(db_session: Session) -> Any:
    return factories.ChapterFactory()


@pytest.fixture
def stranger(db_session: Session, other_chapter: Any) -> Any:
    """A volunteer of another chapter."""
    return factories.member_of(other_chapter)


@pytest.fixture
def signed_in(auth: Any, user: Any) -> Any:
    auth.login(user)
    return user


def make_contact(session: Session, chapter: Any, **fields: Any) -> Contact:
    """Create a contact through the service (search index, history and stance included), as the system."""
    fields.setdefault("given_name", "Jan")
    fields.setdefault("family_name", "Jansen")
    contact = services.create_contact(session, None, chapter_id=chapter.id, **fields)
    session.flush()  # the app's own session shares the connection, not this session's pending rows
    return contact
