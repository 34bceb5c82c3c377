"""The name-bucket revision: existing contacts counted; on PostgreSQL, sort names and terms compared by code point."""

from __future__ import annotations

from crm.migrate import downgrade, upgrade
from tests.contacts.test_search_terms_migration import TWO_CHAPTERS, _run

BEFORE, REVISION = "5c0e6a91d7f3", "0976e9bfa0d6"
_CONTACT = (
    "INSERT INTO contacts (id, chapter_id, display_name, sort_name, kind, stance, is_target, goals, background,"
    " understands_catastrophic_risk, understands_ai, understands_global_coordination, technical_background,"
    " notes, deleted_at, created_at, updated_at) VALUES ({id}, {chapter}, 'x', '{sort}', '{kind}', 'unknown', false,"
    " '', '', 'unknown', 'unknown', 'unknown', 'unknown', '', {deleted}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
_KEYS = (
    "SELECT table_name, column_name, collation_name FROM information_schema.columns WHERE"
    " (table_name, column_name) IN (('contacts', 'sort_name'), ('organisations', 'sort_name'),"
    " ('contact_search_terms', 'term'), ('contact_search_terms', 'prefix'), ('contact_search_terms', 'sort_name'),"
    " ('contact_name_buckets', 'bucket')) ORDER BY table_name, column_name"
)


def test_live_contacts_are_counted_by_chapter_kind_and_bucket(empty_url: str, db_kind: str) -> None:
    upgrade(empty_url, BEFORE)
    _run(
        empty_url,
        TWO_CHAPTERS,
        _CONTACT.format(id=1, chapter=1, sort="berg ana", kind="staff", deleted="NULL"),
        _CONTACT.format(id=2, chapter=1, sort="bergen bo", kind="staff", deleted="NULL"),
        _CONTACT.format(id=3, chapter=1, sort="bel cy", kind="representative", deleted="NULL"),
        _CONTACT.format(id=4, chapter=1, sort="x", kind="representative", deleted="NULL"),  # a bucket of one letter
        _CONTACT.format(id=5, chapter=1, sort="çelik", kind="other", deleted="NULL"),  # characters, not bytes
        _CONTACT.format(id=6, chapter=1, sort="berg dirk", kind="staff", deleted="CURRENT_TIMESTAMP"),  # trash
        _CONTACT.format(id=7, chapter=2, sort="berg eva", kind="staff", deleted="NULL"),
    )
    upgrade(empty_url, REVISION)
    counts = "SELECT chapter_id, kind, bucket, contacts FROM contact_name_buckets ORDER BY chapter_id, kind, bucket"
    assert _run(empty_url, counts) == [
        (1, "*", "be", 3),
        (1, "*", "x", 1),
        (1, "*", "çe", 1),
        (1, "other", "çe", 1),
        (1, "representative", "be", 1),
        (1, "representative", "x", 1),
        (1, "staff", "be", 2),
        (2, "*", "be", 1),
        (2, "staff", "be", 1),
    ]
    if db_kind == "postgresql":
        assert {collation for _table, _column, collation in _run(empty_url, _KEYS)} == {"C"}
        assert len(_run(empty_url, _KEYS)) == 6

    downgrade(empty_url, BEFORE)
    if db_kind == "postgresql":
        assert {collation for _table, _column, collation in _run(empty_url, _KEYS)} == {None}  # the default
    assert _run(empty_url, "SELECT count(*) FROM contacts") == [(7,)]
    upgrade(empty_url, REVISION)
    assert len(_run(empty_url, counts)) == 9
