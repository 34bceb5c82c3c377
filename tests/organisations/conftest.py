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
