"""The revision that copies each contact's chapter and sort name into its search terms, on existing data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.db import make_engine
from crm.migrate import downgrade, upgrade
from tests.conftest import new_database

BEFORE, REVISION = "9e82ba48dfc1", "2a34d544e87b"


@pytest.fixture
def empty_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    url, drop = new_database(db_kind, tmp_path)
    yield url
    drop()


def _run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = conn.execute(sa.text(statement))
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        engine.dispose()


def test_terms_get_their_contacts_chapter_and_sort_name_and_the_trash_loses_its_own(empty_url: str) -> None:
    upgrade(empty_url, BEFORE)
    contact = (
        "INSERT INTO contacts (id, chapter_id, display_name, sort_name, kind, stance, is_target, goals, background,"
        " understands_catastrophic_risk, understands_ai, understands_global_coordination, technical_background,"
        " notes, deleted_at, created_at, updated_at) VALUES ({id}, {chapter}, '{name}', '{sort}', 'other',"
        " 'unknown', false, '', '', 'unknown', 'unknown', 'unknown', 'unknown', '', {deleted},"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    _run(
        empty_url,
        "INSERT INTO chapters (id, name, kind, country, default_cadence_days, created_at)"
        " VALUES (1, 'One', 'national', 'NL', 30, CURRENT_TIMESTAMP), (2, 'Two', 'local', 'NL', 30, CURRENT_TIMESTAMP)",
        contact.format(id=1, chapter=1, name="Ana Berg", sort="berg ana", deleted="NULL"),
        contact.format(id=2, chapter=2, name="Bo Dijk", sort="dijk bo", deleted="NULL"),
        contact.format(id=3, chapter=1, name="Cy Binned", sort="binned cy", deleted="CURRENT_TIMESTAMP"),
        "INSERT INTO contact_search_terms (contact_id, term) VALUES (1, 'ana'), (1, 'berg'), (2, 'bo'), (2, 'dijk'),"
        " (3, 'cy'), (3, 'binned')",
    )
    upgrade(empty_url, REVISION)
    terms = "SELECT contact_id, term, chapter_id, sort_name FROM contact_search_terms ORDER BY contact_id, term"
    assert _run(empty_url, terms) == [
        (1, "ana", 1, "berg ana"),
        (1, "berg", 1, "berg ana"),
        (2, "bo", 2, "dijk bo"),
        (2, "dijk", 2, "dijk bo"),
    ]
    with pytest.raises(sa.exc.IntegrityError):  # the new columns are required
        _run(empty_url, "INSERT INTO contact_search_terms (contact_id, term) VALUES (1, 'more')")

    downgrade(empty_url, BEFORE)
    assert _run(empty_url, "SELECT contact_id, term FROM contact_search_terms ORDER BY contact_id, term") == [
        (1, "ana"),
        (1, "berg"),
        (2, "bo"),
        (2, "dijk"),
    ]
