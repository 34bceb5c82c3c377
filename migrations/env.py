"""Alembic environment: the URL comes from the app's configuration, the metadata from crm.models."""

from __future__ import annotations

import logging

from alembic import context
from alembic.operations import ops

from crm.models import metadata

config = context.config
logger = logging.getLogger("alembic.env")


def _database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url  # type: ignore[no-any-return]
    from crm import create_app  # the app resolves CRM_DATABASE_URL and the instance-folder default

    return create_app().config["DATABASE_URL"]  # type: ignore[no-any-return]


def _skip_empty(context_: object, _revision: object, directives: list[ops.MigrationScript]) -> None:
    """Do not write a revision when autogenerate found nothing to change."""
    script = directives[0]
    if (
        getattr(config.cmd_opts, "autogenerate", False)
        and script.upgrade_ops is not None
        and script.upgrade_ops.is_empty()
    ):
        directives[:] = []
        logger.info("No changes in schema detected; no revision written.")


def _render_item(type_: str, obj: object, _autogen_context: object) -> str | bool:
    """Write our UTC type as the plain DateTime it stores, so revisions do not import app code."""
    from crm.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to stdout without a database connection."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a connection (given by the caller, e.g. tests, or made from the URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from crm.db import make_engine

    engine = make_engine(_database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        process_revision_directives=_skip_empty,  # type: ignore[arg-type]
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
