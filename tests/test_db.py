"""Helpers of crm.db that compile differently per database, and its driver-level ``read``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from crm.auth.models import Chapter, User
from crm.db import get_session, json_integers, read
from tests import factories


@pytest.mark.parametrize("ids", [[3, 1, 2], [7], [], [2**31 - 1]])
def test_json_integers_selects_the_arrays_numbers(db_session: Session, ids: list[int]) -> None:
    rows = db_session.execute(json_integers("ids"), {"ids": json.dumps(ids)}).scalars().all()
    assert sorted(rows) == sorted(ids)
    assert all(isinstance(value, int) for value in rows)


def _rows_both_ways(app: Flask, statement: Any, parameters: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Return ``statement``'s rows from ``crm.db.read`` and from SQLAlchemy's own execution."""
    with app.app_context():
        fast = read(statement, parameters)
        usual = get_session().connection().execute(statement, parameters).all()
    return fast, usual


def test_read_gives_what_sqlalchemy_gives_with_its_type_conversions(app: Flask, db_session: Session) -> None:
    chapter = factories.ChapterFactory()
    user = factories.member_of(chapter)
    db_session.flush()
    # A boolean, an aware datetime (a string on SQLite until converted), a date bound as a parameter, a literal.
    statement = sa.select(
        User.id,
        User.email,
        User.is_admin,
        User.created_at,
        sa.literal(7).label("seven"),
        (sa.bindparam("day", type_=sa.Date) == dt.date(2026, 12, 2)).label("is_day"),
    ).where(User.id == sa.bindparam("user_id", type_=sa.Integer))
    fast, usual = _rows_both_ways(app, statement, {"user_id": user.id, "day": dt.date(2026, 12, 2)})
    assert fast == [tuple(row) for row in usual]
    (row,) = fast
    assert row._fields == ("id", "email", "is_admin", "created_at", "seven", "is_day")
    assert row.is_admin is False
    assert row.email == user.email
    assert bool(row.is_day)
    assert isinstance(row.created_at, dt.datetime)
    assert row.created_at.tzinfo is not None


def test_read_runs_union_and_json_statements_as_sqlalchemy_does(app: Flask, db_session: Session) -> None:
    chapters = [factories.ChapterFactory() for _ in range(3)]
    db_session.flush()
    wanted = sorted(chapter.id for chapter in chapters[:2])
    chapter_ids = json_integers("ids")
    named = sa.select(sa.literal(0).label("part"), Chapter.id, Chapter.name).where(Chapter.id.in_(chapter_ids))
    counted = sa.select(sa.literal(1), sa.func.count(), sa.literal("")).where(Chapter.id.in_(chapter_ids))
    statement = sa.union_all(named, counted).order_by("part", "id")
    fast, usual = _rows_both_ways(app, statement, {"ids": json.dumps(wanted)})
    assert fast == [tuple(row) for row in usual]
    assert [row.id for row in fast] == [*wanted, 2]


def test_read_takes_the_usual_way_for_an_expanding_in_or_a_text(app: Flask, db_session: Session) -> None:
    chapters = [factories.ChapterFactory() for _ in range(2)]
    db_session.flush()
    ids = {"ids": [chapter.id for chapter in chapters]}
    statement = sa.select(Chapter.name).where(Chapter.id.in_(sa.bindparam("ids", expanding=True))).order_by(Chapter.id)
    fast, usual = _rows_both_ways(app, statement, ids)
    assert [tuple(row) for row in fast] == [tuple(row) for row in usual] == [(c.name,) for c in chapters]
    text = sa.text("SELECT name FROM chapters WHERE id = :id")
    fast, usual = _rows_both_ways(app, text, {"id": chapters[1].id})
    assert [tuple(row) for row in fast] == [tuple(row) for row in usual] == [(chapters[1].name,)]


def test_read_statements_reach_the_statement_listeners(
    app: Flask, db_session: Session, connection: sa.Connection, count_queries: Any
) -> None:
    statement = sa.select(Chapter.id).where(Chapter.id == sa.bindparam("chapter_id", type_=sa.Integer))
    after: list[str] = []

    def executed(_conn: Any, _cursor: Any, sent: str, *_args: Any) -> None:
        after.append(sent)

    sa.event.listen(connection, "after_cursor_execute", executed)
    count_queries.reset()
    try:
        with app.app_context():
            assert read(statement, {"chapter_id": -1}) == []
    finally:
        sa.event.remove(connection, "after_cursor_execute", executed)
    assert count_queries.count == 1
    assert "FROM chapters" in count_queries.statements[0]
    assert [sent for sent in after if "FROM chapters" in sent] == count_queries.statements
