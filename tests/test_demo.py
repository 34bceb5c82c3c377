"""`crm demo` loads a realistic data set through the services, once."""

from __future__ import annotations

import sqlalchemy as sa

from crm.auth.models import Chapter, User
from crm.cli import register_commands
from crm.contacts.models import Contact, ListensTo, Organisation, StanceChange
from crm.contacts.search import matching


def _runner(app):
    register_commands(app.cli)
    return app.test_cli_runner()


def test_demo_loads_chapters_people_and_organisations(app, db_session) -> None:
    result = _runner(app).invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded 3 chapters" in result.output
    names = set(db_session.scalars(sa.select(Chapter.name)))
    assert {"PauseAI Nederland", "PauseAI Amsterdam", "PauseAI UK"} <= names
    amsterdam = db_session.scalar(sa.select(Chapter).where(Chapter.name == "PauseAI Amsterdam"))
    assert amsterdam.parent.name == "PauseAI Nederland"
    assert db_session.scalar(sa.select(sa.func.count(Contact.id))) == 10
    assert db_session.scalar(sa.select(sa.func.count(StanceChange.id))) == 10
    assert db_session.scalar(sa.select(sa.func.count(ListensTo.id))) == 3
    assert db_session.scalar(sa.select(sa.func.count(User.id))) == 5
    target = db_session.scalar(sa.select(Contact).where(Contact.family_name == "Berg"))
    assert target.is_target
    assert target.display_name == "Marieke van der Berg"
    assert {p.organisation.name for p in target.positions} >= {"Tweede Kamer der Staten-Generaal", "D66"}
    found = set(db_session.scalars(matching("tweede kamer")))
    assert target.id in found
    assert db_session.scalar(sa.select(sa.func.count(Organisation.id))) == 17


def test_demo_does_not_load_twice(app, db_session) -> None:
    runner = _runner(app)
    assert runner.invoke(args=["demo"]).exit_code == 0
    second = runner.invoke(args=["demo"])
    assert "already has contacts" in second.output
    assert db_session.scalar(sa.select(sa.func.count(Contact.id))) == 10
