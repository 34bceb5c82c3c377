"""Contact list totals: counted on from the page's last row, up to ``queries.count_limit``, on every sort."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm.contacts import queries, services
from crm.contacts.models import Contact, ContactKind
from crm.contacts.queries import ContactFilters
from tests.contacts.conftest import make_contact
from tests.factories import ChapterFactory, member_of

PER_PAGE = 2
COUNT_AT_LEAST = 8  # counts reach count_limit: 21 rows on the first pages, ten pages past the one shown later


@pytest.fixture
def crowd(db_session: Session, chapter: Any) -> Any:
    """30 contacts in a chapter and its sub-chapter: ten names three times each, ties in the time of their
    last change, two kinds and two countries, and three more in the trash among them."""
    local = ChapterFactory(parent=chapter)
    contacts = [
        make_contact(
            db_session,
            chapter if index % 3 else local,
            given_name="X",
            family_name=f"Name{index % 10}",
            kind="representative" if index % 2 else "staff",
            country="NL" if index % 4 else "BE",
        )
        for index in range(33)
    ]
    tied = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    db_session.execute(sa.update(Contact).where(Contact.id.in_([c.id for c in contacts[::4]])).values(updated_at=tied))
    for contact in contacts[5::11]:
        services.delete_contact(db_session, None, contact)
    db_session.flush()
    return local


def _check_every_page(session: Session, chapter_ids: list[int], filters: ContactFilters) -> int:
    """Check the rows and totals of every page of 1 and of 3 rows; return how many totals reached the limit."""
    everything = list(session.scalars(*queries.contact_list(chapter_ids, filters)))
    assert everything
    capped = 0
    for per_page in (1, 3):
        for offset in range(0, len(everything) + 2 * per_page, per_page):
            stmt, params = queries.contact_page(chapter_ids, filters, limit=per_page, offset=offset)
            rows = session.execute(stmt, params).all()
            assert [row.id for row in rows] == everything[offset : offset + per_page], (offset, filters)
            if rows:
                limit = queries.count_limit(offset, per_page)
                assert {row.total for row in rows} == {min(len(everything), limit)}, (offset, per_page, filters)
                capped += len(everything) >= limit
    return capped


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("sort", ["name", "-name", "updated", "created"])
@pytest.mark.parametrize("several", [False, True], ids=["one-chapter", "two-chapters"])
def test_every_page_of_every_sort_counts_to_the_limit(
    db_session: Session, chapter: Any, crowd: Any, monkeypatch: pytest.MonkeyPatch, sort: str, several: bool
) -> None:
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", COUNT_AT_LEAST)
    chapter_ids = [chapter.id, crowd.id] if several else [chapter.id]
    capped = 0
    for filters in (
        ContactFilters(sort=sort),
        ContactFilters(sort=sort, kind=ContactKind.REPRESENTATIVE),
        ContactFilters(sort=sort, country="NL"),
        ContactFilters(sort=sort, q="  "),  # no word: the whole list
    ):
        capped += _check_every_page(db_session, chapter_ids, filters)
    assert capped  # some totals were lower bounds


@pytest.mark.usefixtures("ctx")
def test_list_pages_and_their_counts_read_the_live_index_in_order(
    db_session: Session, chapter: Any, crowd: Any
) -> None:
    """The page and the count after it read the live contacts' index in the list's order, from the page's last
    row for the count: SQLite seeks it (``sort_name>?``, ``updated_at<?``); PostgreSQL, made to use an index
    whenever it can, reads one chapter's list from the index with no sort (it sorted the whole chapter when
    "deleted_at IS NULL" was a key column). A plan on a few rows is the planner's choice, so PostgreSQL is
    asked what it *can* do."""
    postgresql = db_session.get_bind().dialect.name == "postgresql"
    for chapter_ids in ([chapter.id], [chapter.id, crowd.id]):
        for filters, index in (
            (ContactFilters(), "ix_contacts_live_chapter_id_sort_name_id"),
            (ContactFilters(sort="-name"), "ix_contacts_live_chapter_id_sort_name_id"),
            (ContactFilters(kind=ContactKind.STAFF), "ix_contacts_live_chapter_id_kind_sort_name_id"),
            (ContactFilters(sort="updated"), "ix_contacts_live_chapter_id_updated_at_id"),
            (ContactFilters(sort="created"), "ix_contacts_live_chapter_id_id"),
        ):
            stmt, params = queries.contact_page(chapter_ids, filters, limit=PER_PAGE, offset=4)
            plan = _plan(db_session, stmt, params)
            if postgresql:
                # which live index serves a filter is the planner's choice on a few rows; that one does is not
                assert any("ix_contacts_live_" in line for line in plan), (filters, chapter_ids, "\n".join(plan))
                if len(chapter_ids) == 1:  # several chapters' first rows are merged, then sorted (few)
                    assert not any("Sort" in line for line in _subplan(plan, "CTE page")), plan
            else:
                assert any(index in line and (">?)" in line or "<?)" in line) for line in plan), plan


def _subplan(plan: list[str], name: str) -> list[str]:
    """Return the lines of PostgreSQL's ``plan`` under the node ``name`` (deeper indented than it)."""
    start = next(i for i, line in enumerate(plan) if line.strip() == name)
    depth = len(plan[start]) - len(plan[start].lstrip())
    lines = []
    for line in plan[start + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        lines.append(line)
    return lines


def _plan(session: Session, stmt: Any, params: dict[str, Any]) -> list[str]:
    """Return the database's plan of ``stmt`` as run (its SQL and parameters as the driver gets them)."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append((statement, parameters))

    connection = session.connection()
    sa.event.listen(connection, "before_cursor_execute", keep)
    try:
        session.execute(stmt, params).all()
    finally:
        sa.event.remove(connection, "before_cursor_execute", keep)
    statement, parameters = sent[-1]
    if connection.dialect.name == "postgresql":
        settings = ("enable_seqscan", "enable_bitmapscan", "enable_sort")  # then a sort left is one it needs
        for setting in settings:
            connection.exec_driver_sql(f"SET LOCAL {setting} = off")
        try:
            return [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
        finally:
            for setting in settings:
                connection.exec_driver_sql(f"RESET {setting}")
    return [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]


# --- through the page ---------------------------------------------------------------------------------------


def _body(response: Any) -> str:
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_a_long_list_says_more_than_on_every_sort_and_deep_pages_count_ten_pages_on(
    app: Flask, client: FlaskClient, signed_in: Any, db_session: Session, chapter: Any, monkeypatch: Any
) -> None:
    app.config["PAGE_SIZE"] = PER_PAGE
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", COUNT_AT_LEAST)
    for number in range(45):
        make_contact(db_session, chapter, given_name="X", family_name=f"{number:02}")
    for sort in ("", "&sort=-name", "&sort=updated", "&sort=created"):
        body = _body(client.get(f"/contacts/?page=1{sort}"))
        assert "More than 20 contacts" in body, sort
        assert "Page 1 of more than 10" in body
        body = _body(client.get(f"/contacts/?page=5{sort}"))  # offset 8: counted up to 8 + 20
        assert "More than 28 contacts" in body, sort
        body = _body(client.get(f"/contacts/?page=20{sort}"))  # offset 38: the whole list
        assert "45 contacts" in body, sort
        assert "Page 20 of 23" in body
    body = _body(client.get("/contacts/?page=23"))
    assert "X 44" in body
    assert "45 contacts" in body
    body = _body(client.get("/contacts/?page=40"))  # past the end: counted whole
    assert "45 contacts" in body
    assert "past the end" in body


def test_a_coordinator_counts_and_searches_the_sub_chapters_too(
    app: Flask, client: FlaskClient, auth: Any, db_session: Session, chapter: Any, monkeypatch: Any
) -> None:
    app.config["PAGE_SIZE"] = PER_PAGE
    monkeypatch.setattr(queries, "COUNT_AT_LEAST", COUNT_AT_LEAST)
    local = ChapterFactory(parent=chapter, name="Local Branch")
    for number in range(6):
        make_contact(db_session, chapter, given_name="Petra", family_name=f"National{number}")
        make_contact(db_session, local, given_name="Petra", family_name=f"Local{number}")
    auth.login(member_of(chapter, role="coordinator"))
    assert "12 contacts" in _body(client.get("/contacts/"))
    assert "12 contacts" in _body(client.get("/contacts/?q=petra"))
    assert "6 contacts" in _body(client.get(f"/contacts/?q=petra&chapter={local.id}"))
    body = _body(client.get("/contacts/?q=petra+local&page=3"))
    assert "6 contacts" in body
    assert "Petra Local4" in body
    auth.logout()
    auth.login(member_of(local))
    assert "6 contacts" in _body(client.get("/contacts/"))
    assert "6 contacts" in _body(client.get("/contacts/?q=petra"))
