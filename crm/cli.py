"""The ``crm`` console command: Flask's CLI around the app factory, plus db, users, contacts, demo and mail."""

from __future__ import annotations

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from crm import create_app
from crm.db import database
from crm.migrate import alembic_config

db_cli = AppGroup("db", help="Manage the database schema (Alembic).")
users_cli = AppGroup("users", help="Manage user accounts.")
mail_cli = AppGroup("mail", help="Deliver and inspect outbound email.")
i18n_cli = AppGroup("i18n", help="Maintain the English and Dutch translation catalogs.")
contacts_cli = AppGroup("contacts", help="Maintain what is derived from the contacts.")


def _alembic() -> object:
    return alembic_config(current_app.config["DATABASE_URL"])


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    command.upgrade(_alembic(), revision)  # type: ignore[arg-type]


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    command.downgrade(_alembic(), revision)  # type: ignore[arg-type]


@db_cli.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    command.current(_alembic(), verbose=True)  # type: ignore[arg-type]


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate/--empty", default=True, help="Compare the models with the database.")
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision; read and edit it before committing."""
    config = _alembic()
    config.cmd_opts = type("Opts", (), {"autogenerate": autogenerate})()  # type: ignore[attr-defined]
    command.revision(config, message=message, autogenerate=autogenerate)  # type: ignore[arg-type]


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
def users_create(email: str, name: str, password: str, admin: bool) -> None:
    """Create a user account (use --admin for the first administrator)."""
    from crm.auth.services import create_user
    from crm.errors import Invalid

    try:
        with database().write_sessionmaker.begin() as session:
            user = create_user(session, email=email, name=name, password=password, is_admin=admin)
    except Invalid as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {'administrator' if admin else 'user'} {user.email}.")


@mail_cli.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Most messages to send in this run.")
def mail_deliver(limit: int) -> None:
    """Send queued outbox messages over SMTP (retries failed ones)."""
    from crm.mail.sender import deliver_outbox, smtp_configured

    if not smtp_configured(current_app.config):
        raise click.ClickException("No SMTP server configured (CRM_SMTP_HOST); mail stays in the outbox.")
    sent = deliver_outbox(current_app._get_current_object(), limit=limit)  # type: ignore[attr-defined]
    click.echo(f"Sent {sent} message(s).")


@contacts_cli.command("recount")
def contacts_recount() -> None:
    """Count the contacts of every name bucket again from the contacts themselves.

    The contacts service keeps the counts with every change; run this after writing contacts with SQL of your own,
    or a deep page of the contacts list may show the wrong rows.
    """
    from crm.contacts.buckets import rebuild

    with database().write_sessionmaker.begin() as session:
        rebuild(session)
    click.echo("Counted the contacts of every name bucket again.")


@click.command("demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Load even when the database already has contacts.")
def demo(force: bool) -> None:
    """Load a realistic demo data set: a Dutch and a UK chapter, representatives and helpers."""
    from crm.demo import load_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo data set has known passwords; it is not loaded in production.")
    with database().write_sessionmaker.begin() as session:
        summary = load_demo(session, force=force)
    click.echo(summary)


@i18n_cli.command("update")
def i18n_update() -> None:
    """Extract messages, merge them into the catalogs, compile them and list what is untranslated."""
    from crm import catalogs

    for locale, missing in catalogs.update().items():
        click.echo(f"{locale}: {missing} untranslated")


def register_commands(group: click.Group) -> None:
    """Add the project's command groups to ``group``."""
    for command_ in (db_cli, users_cli, mail_cli, i18n_cli, contacts_cli, demo):
        group.add_command(command_)


cli = FlaskGroup(create_app=lambda: create_app(), help="Lobby CRM management commands.")
register_commands(cli)


def main() -> None:
    """Run the ``crm`` command."""
    cli.main()
