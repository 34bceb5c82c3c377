"""Migrations: head on an empty database matches the models, and every revision downgrades."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from crm.db import make_engine
from crm.migrate import alembic_config
from crm.models import metadata


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_head_matches_models(empty_url: str) -> None:
    command.upgrade(alembic_config(empty_url), "head")
    assert _tables(empty_url) == set(metadata.tables)
    assert _differences(empty_url) == []


def test_every_revision_downgrades_and_upgrades_again(empty_url: str) -> None:
    config = alembic_config(empty_url)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert revisions, "no revisions found"
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
    command.downgrade(config, "base")
    assert _tables(empty_url) == set()
    command.upgrade(config, "head")
    assert _differences(empty_url) == []
