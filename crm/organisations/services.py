"""Organisations: the rules for creating, changing, deleting and restoring them, with their change history.

Every function takes the acting user and checks the chapter; ``actor=None`` is the system itself (importers,
the demo loader) and skips that check. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from crm.auth.access import check_chapter, visible_chapter_ids
from crm.auth.models import User
from crm.contacts import countries
from crm.contacts.models import Organisation, OrganisationKind
from crm.contacts.search import reindex_organisation_members
from crm.db import utcnow
from crm.errors import Invalid, NotFound
from crm.history import services as history
from crm.history.models import Action
from crm.i18n import gettext as _
from crm.i18n import ngettext
from crm.labels import ORGANISATION_KINDS
from crm.organisations import queries
from crm.text import fold

ENTITY = queries.ENTITY
NAME_MAX = 300
WEBSITE_MAX = 500
NOTES_MAX = 20_000
HISTORY_FIELDS = ("name", "kind", "country", "parent", "website", "notes")

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_KIND_SUFFIX = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


def clean_country(value: str | None) -> str | None:
    """Return an upper-case ISO 3166-1 alpha-2 code, None for blank, or raise Invalid."""
    try:
        return countries.normalize(value)
    except ValueError:
        raise Invalid(_("Use a two-letter country code such as NL or GB."), field="country") from None


def clean_website(value: str | None) -> str | None:
    """Return an http(s) address with a real host name ("https://" added when left out), None, or raise Invalid."""
    url = (value or "").strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    error = Invalid(_("Enter a web address such as https://www.example.org."), field="website")
    if len(url) > WEBSITE_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        raise error
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises ValueError for a port that is not a number
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise error from None
    labels = host.split(".")
    if (
        parts.scheme not in {"http", "https"}
        or parts.username is not None  # "https://bank.example@evil.example" hides where a link goes
        or len(labels) < 2
        or not all(_HOST_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL.match(labels[-1])
    ):
        raise error
    return url


def _clean_name(value: str | None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise Invalid(_("Enter a name."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("Use at most %(max)s characters.", max=NAME_MAX), field="name")
    return name


def _clean_kind(value: OrganisationKind | str) -> OrganisationKind:
    try:
        return OrganisationKind(value)
    except ValueError:
        raise Invalid(_("Choose a kind."), field="kind") from None


def _clean_notes(value: str | None) -> str:
    notes = (value or "").replace("\r\n", "\n").strip()
    if len(notes) > NOTES_MAX:
        raise Invalid(_("Use at most %(max)s characters.", max=NOTES_MAX), field="notes")
    return notes


def labelled_name(name: str, kind: OrganisationKind) -> str:
    """Return "Name (Kind)", how a name shared by organisations of different kinds is told apart."""
    return f"{name} ({ORGANISATION_KINDS[kind]})"


def _check(session: Session, actor: User | None, chapter_id: int) -> None:
    if actor is not None:
        check_chapter(actor, chapter_id, session)


def get_organisation(
    session: Session, actor: User, organisation_id: int, *, deleted: bool | None = False
) -> Organisation:
    """Return an organisation of a chapter the actor can see, or raise NotFound.

    ``deleted``: False for a live one, True for one in the trash, None for either.
    """
    stmt, params = queries.organisation_by_id(visible_chapter_ids(actor, session), organisation_id, deleted=deleted)
    organisation = session.scalar(stmt, params)
    if organisation is None:
        raise NotFound
    return organisation


def organisation_named(
    session: Session, actor: User | None, *, chapter_id: int, name: str, field: str = "parent"
) -> Organisation:
    """Find a live organisation of a chapter by name ("Name (Kind)" when several share it), or raise Invalid."""
    _check(session, actor, chapter_id)
    name = " ".join(name.split())
    matches = list(session.scalars(queries.organisations_named(chapter_id, name)))
    suffix = _KIND_SUFFIX.match(name)
    if not matches and suffix:
        wanted = fold(suffix.group(2))
        kinds = {k for k, label in ORGANISATION_KINDS.items() if wanted in (fold(str(label)), k.value)}
        matches = [
            o for o in session.scalars(queries.organisations_named(chapter_id, suffix.group(1))) if o.kind in kinds
        ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise Invalid(
            _(
                "There is no organisation called “%(name)s” in this chapter. Check the spelling, or "
                "create that organisation first.",
                name=name,
            ),
            field=field,
        )
    raise Invalid(
        _(
            "Several organisations are called “%(name)s”. Add the kind in brackets, for example “%(example)s”.",
            name=name,
            example=labelled_name(matches[0].name, matches[0].kind),
        ),
        field=field,
    )


def _parent(
    session: Session, organisation: Organisation, chapter_id: int, parent_id: int | None
) -> Organisation | None:
    if parent_id is None:
        return None
    if parent_id == organisation.parent_id and organisation.id is not None:
        return organisation.parent  # unchanged: keep it even if it is no longer a valid choice
    parent = session.get(Organisation, parent_id)
    if parent is None or parent.chapter_id != chapter_id or parent.deleted_at is not None:
        raise Invalid(_("Choose an organisation of the same chapter."), field="parent")
    if organisation.id is not None and organisation.id in session.scalars(queries.ancestor_ids(parent.id)).all():
        raise Invalid(
            _("An organisation cannot be part of itself or of one of its own sub-organisations."), field="parent"
        )
    return parent


def _check_unique(
    session: Session, organisation: Organisation, chapter_id: int, name: str, kind: OrganisationKind
) -> None:
    ids = session.scalars(queries.same_name_and_kind(chapter_id, fold(name), kind)).all()
    if any(other != organisation.id for other in ids):
        raise Invalid(
            _("This chapter already has an organisation of this kind called “%(name)s”.", name=name), field="name"
        )


def _apply(
    session: Session,
    organisation: Organisation,
    *,
    chapter_id: int,
    name: str,
    kind: OrganisationKind | str,
    country: str | None,
    parent_id: int | None,
    website: str | None,
    notes: str | None,
) -> None:
    """Validate every field first, then set them all, so a refusal leaves the organisation untouched."""
    name, kind, notes = _clean_name(name), _clean_kind(kind), _clean_notes(notes)
    country, website = clean_country(country), clean_website(website)
    parent = _parent(session, organisation, chapter_id, parent_id)
    _check_unique(session, organisation, chapter_id, name, kind)
    organisation.name, organisation.sort_name, organisation.kind = name, fold(name), kind
    organisation.country, organisation.website, organisation.notes = country, website, notes
    organisation.parent = parent


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    values = history.snapshot(organisation, ("name", "kind", "country", "website", "notes"))
    values["parent"] = organisation.parent.name if organisation.parent is not None else None
    return values


def _record(
    session: Session,
    actor: User | None,
    organisation: Organisation,
    action: Action,
    changes: dict[str, list[Any]] | None = None,
) -> None:
    history.record(
        session,
        actor,
        entity_type=ENTITY,
        entity_id=organisation.id,
        chapter_id=organisation.chapter_id,
        action=action,
        changes=changes,
    )


def create_organisation(
    session: Session,
    actor: User | None,
    *,
    chapter_id: int,
    name: str,
    kind: OrganisationKind | str,
    country: str | None = None,
    parent_id: int | None = None,
    website: str | None = None,
    notes: str = "",
) -> Organisation:
    """Create an organisation in a chapter the actor can see."""
    _check(session, actor, chapter_id)
    organisation = Organisation(chapter_id=chapter_id)
    _apply(
        session,
        organisation,
        chapter_id=chapter_id,
        name=name,
        kind=kind,
        country=country,
        parent_id=parent_id,
        website=website,
        notes=notes,
    )
    session.add(organisation)
    session.flush()  # the history record needs the new id
    changes = {f: v for f, v in history.diff({}, _snapshot(organisation)).items() if v[1] not in (None, "")}
    _record(session, actor, organisation, Action.CREATED, changes)
    return organisation


def update_organisation(
    session: Session,
    actor: User | None,
    organisation: Organisation,
    *,
    name: str,
    kind: OrganisationKind | str,
    country: str | None = None,
    parent_id: int | None = None,
    website: str | None = None,
    notes: str = "",
) -> Organisation:
    """Change an organisation's details; a rename refreshes its people's search terms.

    The chapter stays: positions, parents and children all live within one chapter.
    """
    _check(session, actor, organisation.chapter_id)
    if organisation.deleted_at is not None:
        raise NotFound
    before = _snapshot(organisation)
    _apply(
        session,
        organisation,
        chapter_id=organisation.chapter_id,
        name=name,
        kind=kind,
        country=country,
        parent_id=parent_id,
        website=website,
        notes=notes,
    )
    changes = history.diff(before, _snapshot(organisation))
    _record(session, actor, organisation, Action.UPDATED, changes)
    if "name" in changes:
        # contacts are found by the names of their organisations
        reindex_organisation_members(session, organisation)
    return organisation


def delete_organisation(
    session: Session, actor: User | None, organisation: Organisation, *, today: dt.date | None = None
) -> None:
    """Move an organisation to the trash.

    Refused while people hold a current position there or it has live sub-organisations: deleting it would
    leave them pointing at something nobody can see. Past positions are history and do not block.
    """
    _check(session, actor, organisation.chapter_id)
    if organisation.deleted_at is not None:
        raise NotFound
    held = session.scalar(queries.current_position_count(organisation.id, today or utcnow().date())) or 0
    if held:
        raise Invalid(
            ngettext(
                "%(num)d person holds a current position here. End that position first, then delete the organisation.",
                "%(num)d people hold current positions here. End those positions first, then delete the organisation.",
                held,
            )
        )
    children = session.scalar(queries.child_count(organisation.id)) or 0
    if children:
        raise Invalid(
            ngettext(
                "It has %(num)d sub-organisation. Delete it or make it part of another organisation first.",
                "It has %(num)d sub-organisations. Delete them or make them part of another organisation first.",
                children,
            )
        )
    organisation.deleted_at = utcnow()
    _record(session, actor, organisation, Action.DELETED)


def restore_organisation(session: Session, actor: User | None, organisation: Organisation) -> None:
    """Bring an organisation back from the trash; a parent that is itself in the trash is let go."""
    _check(session, actor, organisation.chapter_id)
    if organisation.deleted_at is None:
        raise NotFound
    if (
        session.scalars(
            queries.same_name_and_kind(organisation.chapter_id, organisation.sort_name, organisation.kind)
        ).first()
        is not None
    ):
        raise Invalid(
            _(
                "Another organisation of this kind is now called “%(name)s”. Rename that one first.",
                name=organisation.name,
            )
        )
    changes: dict[str, list[Any]] = {}
    if organisation.parent is not None and organisation.parent.deleted_at is not None:
        changes["parent"] = [organisation.parent.name, None]
        organisation.parent = None
    organisation.deleted_at = None
    _record(session, actor, organisation, Action.RESTORED, changes)


def find_or_create_organisation(
    session: Session,
    actor: User | None,
    *,
    chapter_id: int,
    name: str,
    kind: OrganisationKind | str,
    country: str | None,
) -> Organisation:
    """Return the chapter's live organisation with this name and kind, creating it when there is none.

    For importers and the demo loader; organisations in the trash are not reused.
    """
    _check(session, actor, chapter_id)
    clean_kind = _clean_kind(kind)
    existing = session.scalars(
        queries.organisations_named(chapter_id, _clean_name(name)).where(Organisation.kind == clean_kind)
    ).first()
    if existing is not None:
        return existing
    return create_organisation(session, actor, chapter_id=chapter_id, name=name, kind=clean_kind, country=country)
