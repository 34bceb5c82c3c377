"""The search-term revisions on existing rows: chapter and sort name copied in, terms that begin a longer one gone,
prefixes kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.db import make_engine
from crm.migrate import downgrade, upgrade

BEFORE, REVISION = "9e82ba48dfc1", "2a34d544e87b"
TWO_CHAPTERS = (
    "INSERT INTO chapters (id, name, kind, country, default_cadence_days, created_at)"
    " VALUES (1, 'One', 'national', 'NL', 30, CURRENT_TIMESTAMP), (2, 'Two', 'local', 'NL', 30, CURRENT_TIMESTAMP)"
)


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
        TWO_CHAPTERS,
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


def test_terms_that_begin_another_term_of_their_contact_are_deleted(empty_url: str) -> None:
    before, revision = "b9c1145ec87a", "4724cbff43b8"
    upgrade(empty_url, before)
    contact = (
        "INSERT INTO contacts (id, chapter_id, display_name, sort_name, kind, stance, is_target, goals, background,"
        " understands_catastrophic_risk, understands_ai, understands_global_coordination, technical_background,"
        " notes, created_at, updated_at) VALUES ({id}, 1, '{name}', '{sort}', 'other', 'unknown', false, '', '',"
        " 'unknown', 'unknown', 'unknown', 'unknown', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    _run(
        empty_url,
        "INSERT INTO chapters (id, name, kind, country, default_cadence_days, created_at)"
        " VALUES (1, 'One', 'national', 'NL', 30, CURRENT_TIMESTAMP)",
        contact.format(id=1, name="Jan Jansen", sort="jansen jan"),
        contact.format(id=2, name="Ans Berg", sort="berg ans"),
        # contact 2's "jansen" stays: only the contact's own longer terms count
        "INSERT INTO contact_search_terms (contact_id, term, chapter_id, sort_name) VALUES"
        " (1, 'jan', 1, 'jansen jan'), (1, 'jansen', 1, 'jansen jan'), (1, 'jansen7', 1, 'jansen jan'),"
        " (1, 'jan.jansen7@k.example', 1, 'jansen jan'),"
        " (2, 'ans', 1, 'berg ans'), (2, 'berg', 1, 'berg ans'), (2, 'jansen', 1, 'berg ans')",
    )
    terms = "SELECT contact_id, term FROM contact_search_terms ORDER BY contact_id, term"
    upgrade(empty_url, revision)
    kept = [(1, "jan.jansen7@k.example"), (1, "jansen7"), (2, "ans"), (2, "berg"), (2, "jansen")]
    assert _run(empty_url, terms) == kept
    downgrade(empty_url, before)  # nothing to restore: the longer terms match what the shorter ones did
    assert _run(empty_url, terms) == kept


_NO_PREFIX = "INSERT INTO contact_search_terms (contact_id, term, chapter_id, sort_name) VALUES (1, 'x', 1, 'c')"


def test_terms_get_their_prefix(empty_url: str) -> None:
    before, revision = "4724cbff43b8", "5c0e6a91d7f3"
    upgrade(empty_url, before)
    _run(
        empty_url,
        "INSERT INTO chapters (id, name, kind, country, default_cadence_days, created_at)"
        " VALUES (1, 'One', 'national', 'NL', 30, CURRENT_TIMESTAMP)",
        "INSERT INTO contacts (id, chapter_id, display_name, sort_name, kind, stance, is_target, goals, background,"
        " understands_catastrophic_risk, understands_ai, understands_global_coordination, technical_background,"
        " notes, created_at, updated_at) VALUES (1, 1, 'Jan Çelik', 'celik jan', 'other', 'unknown', false, '', '',"
        " 'unknown', 'unknown', 'unknown', 'unknown', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO contact_search_terms (contact_id, term, chapter_id, sort_name) VALUES"
        " (1, 'jan', 1, 'celik jan'), (1, 'çelik', 1, 'celik jan'), (1, 'jan.çelik@k.example', 1, 'celik jan')",
    )
    upgrade(empty_url, revision)
    # substr counts characters on both databases, as Python's slicing does ("çeli", not two bytes of "ç")
    assert sorted(_run(empty_url, "SELECT term, prefix FROM contact_search_terms")) == [
        ("jan", "jan"),
        ("jan.çelik@k.example", "jan."),
        ("çelik", "çeli"),
    ]
    with pytest.raises(sa.exc.IntegrityError):  # the prefix is required
        _run(empty_url, _NO_PREFIX)
    downgrade(empty_url, before)
    assert sorted(_run(empty_url, "SELECT term FROM contact_search_terms")) == [
        ("jan",),
        ("jan.çelik@k.example",),
        ("çelik",),
    ]
