"""Positions (a contact's roles in organisations) and "listens to" links between contacts.

Like ``crm.contacts.services`` (which re-exports these): session and actor first, never a commit,
``actor=None`` for trusted system callers; every change lands in the contact's history.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm import labels  # a module, not its names: crm.labels imports our models
from crm.auth.models import User
from crm.contacts import queries, search
from crm.contacts.access import check, readable_chapter_ids, touch
from crm.contacts.cleaning import squash
from crm.contacts.models import Contact, ListensTo, Organisation, Position
from crm.db import utcnow
from crm.errors import Invalid, NotFound
from crm.history.models import Action
from crm.history.services import record
from crm.i18n import gettext as _
from crm.text import fold

ENTITY = "contact"
# (organisation, its id or its name; title; start date; end date)
PositionSpec = tuple[Organisation | int | str, str, dt.date | None, dt.date | None]
_ID = re.compile(r"^#?\s*(\d{1,18})$")
_KIND_SUFFIX = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


class OrganisationNotFound(Invalid):
    """No organisation of the chapter has the name given; ``name`` is what was typed."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message, "organisation")
        self.name = name


class AmbiguousContact(Invalid):
    """Several contacts match what was typed; ``candidates`` lists them so the user can pick one."""

    def __init__(self, message: str, candidates: list[Contact]) -> None:
        super().__init__(message, "trusted")
        self.candidates = candidates


def _id_of(text: str) -> int | None:
    match = _ID.match(text.strip())
    return int(match.group(1)) if match else None


# --- positions -------------------------------------------------------------------------------------------


def resolve_organisation(session: Session, chapter_id: int, organisation: Organisation | int | str) -> Organisation:
    """Return the chapter's live organisation given as an object, an id, "#id" or a name (any case, accents)."""
    if isinstance(organisation, str):
        name = squash(organisation)
        if not name:
            raise Invalid(_("Enter the organisation's name."), "organisation")
        number = _id_of(name)
        if number is None:
            return _organisation_named(session, chapter_id, name)
        organisation = number
    found = session.get(Organisation, organisation) if isinstance(organisation, int) else organisation
    if found is None or found.chapter_id != chapter_id or found.deleted_at is not None:
        raise Invalid(_("That organisation is not one of this chapter's."), "organisation")
    return found


def _named(session: Session, chapter_id: int, name: str) -> list[Organisation]:
    folded = fold(name)
    stmt = queries.live_organisations(chapter_id).where(
        sa.or_(Organisation.sort_name == folded, sa.func.lower(Organisation.name) == name.lower())
    )
    return [o for o in session.scalars(stmt.limit(50)) if fold(o.name) == folded]


def _organisation_named(session: Session, chapter_id: int, name: str) -> Organisation:
    """Find an organisation by name; "Name (Kind)" picks one of several sharing a name."""
    found = _named(session, chapter_id, name)
    suffix = _KIND_SUFFIX.match(name)
    if not found and suffix:
        wanted = fold(suffix.group(2))
        kinds = {kind for kind, label in labels.ORGANISATION_KINDS.items() if wanted in (fold(str(label)), kind.value)}
        found = [o for o in _named(session, chapter_id, suffix.group(1)) if o.kind in kinds]
    if not found:
        raise OrganisationNotFound(_("This chapter has no organisation called “%(name)s”.", name=name), name=name)
    if len(found) > 1:
        example = f"{found[0].name} ({labels.ORGANISATION_KINDS[found[0].kind]})"
        raise Invalid(
            _(
                "Several organisations are called “%(name)s”. Add the kind in brackets, for example "
                "“%(example)s”, or enter its number, one of %(numbers)s.",
                name=name,
                example=example,
                numbers=", ".join(f"#{o.id}" for o in found),
            ),
            "organisation",
        )
    return found[0]


def new_position(
    session: Session,
    chapter_id: int,
    organisation: Organisation | int | str,
    title: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Position:
    """Return a checked, unsaved position in one of the chapter's organisations."""
    title = squash(title)
    if len(title) > 300:
        raise Invalid(_("Use at most %(count)d characters.", count=300), "title")
    if start_date and end_date and end_date < start_date:
        raise Invalid(_("The end date is before the start date."), "end_date")
    found = resolve_organisation(session, chapter_id, organisation)
    position = Position(organisation_id=found.id, title=title, start_date=start_date, end_date=end_date)
    # Known without a load, but set without events: the backref would put the pending position into
    # Organisation.positions and the next autoflush would warn that it is not in the session yet.
    set_committed_value(position, "organisation", found)
    return position


def describe_position(position: Position) -> str:
    """Describe a position for the change history: "Member, Tweede Kamer (2023-12-06 – )"."""
    start = position.start_date.isoformat() if position.start_date else ""
    end = position.end_date.isoformat() if position.end_date else ""
    head = ", ".join(part for part in (position.title, position.organisation.name) if part)
    return f"{head} ({start} – {end})" if start or end else head


def add_position(
    session: Session,
    actor: User | None,
    contact: Contact,
    *,
    organisation: Organisation | int | str,
    title: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Position:
    """Give a contact a position in one of its chapter's organisations (a party membership is one too)."""
    check(session, actor, contact.chapter_id)
    position = new_position(session, contact.chapter_id, organisation, title, start_date, end_date)
    contact.positions.append(position)
    _changed(session, actor, contact, "position", None, describe_position(position))
    search.reindex(session, contact)
    return position


def _position_of(contact: Contact, position_id: int) -> Position:
    for position in contact.positions:
        if position.id == position_id:
            return position
    raise NotFound


def end_position(
    session: Session, actor: User | None, contact: Contact, position_id: int, *, on: dt.date | None = None
) -> Position:
    """End a contact's position on ``on`` (default today)."""
    check(session, actor, contact.chapter_id)
    position = _position_of(contact, position_id)
    on = on or utcnow().date()
    if position.start_date and position.start_date > on:
        raise Invalid(_("This position has not started yet; remove it instead."), "position")
    before = describe_position(position)
    if position.end_date is None or position.end_date > on:
        position.end_date = on
        _changed(session, actor, contact, "position", before, describe_position(position))
    return position


def remove_position(session: Session, actor: User | None, contact: Contact, position_id: int) -> None:
    """Remove a position recorded by mistake (an ended one is better ended than removed)."""
    check(session, actor, contact.chapter_id)
    position = _position_of(contact, position_id)
    _changed(session, actor, contact, "position", describe_position(position), None)
    contact.positions.remove(position)
    search.reindex(session, contact)


# --- listens to ------------------------------------------------------------------------------------------


def find_contact(session: Session, actor: User | None, text: str, *, exclude_id: int | None = None) -> Contact:
    """Return the one live contact the actor may see that ``text`` names: "#12", "12" or words of its name.

    :raises AmbiguousContact: when several match and none has exactly that name.
    """
    chapter_ids = readable_chapter_ids(session, actor)
    live = sa.select(Contact).where(queries.in_chapters(Contact.chapter_id, chapter_ids), Contact.deleted_at.is_(None))
    if exclude_id is not None:
        live = live.where(Contact.id != exclude_id)
    number = _id_of(text)
    if number is not None:
        found = list(session.scalars(live.where(Contact.id == number)))
    else:
        ids = search.matching(text, chapter_ids)
        if ids is None:
            raise Invalid(_("Enter a name or a contact number."), "trusted")
        found = list(session.scalars(live.where(Contact.id.in_(ids)).order_by(Contact.sort_name).limit(8)))
    if len(found) > 1:
        exact = [c for c in found if fold(c.display_name) == fold(text)]
        found = exact if len(exact) == 1 else found
    if not found:
        raise Invalid(_("No contact matches “%(text)s”.", text=squash(text)), "trusted")
    if len(found) > 1:
        raise AmbiguousContact(_("Several contacts match “%(text)s”: choose one.", text=squash(text)), found)
    return found[0]


def add_listens_to(
    session: Session, actor: User | None, listener: Contact, *, trusted: Contact | int | str, note: str = ""
) -> ListensTo:
    """Record that ``listener`` takes advice from ``trusted`` (a contact, its id, or its name)."""
    check(session, actor, listener.chapter_id)
    if isinstance(trusted, Contact):
        check(session, actor, trusted.chapter_id)
    else:
        trusted = find_contact(session, actor, str(trusted), exclude_id=listener.id)
    if trusted.id == listener.id:
        raise Invalid(_("A contact cannot listen to themselves."), "trusted")
    exists = session.scalar(
        sa.select(ListensTo.id).where(ListensTo.listener_id == listener.id, ListensTo.trusted_id == trusted.id)
    )
    if exists is not None:
        raise Invalid(
            _(
                "%(listener)s already listens to %(trusted)s.",
                listener=listener.display_name,
                trusted=trusted.display_name,
            ),
            "trusted",
        )
    link = ListensTo(
        listener_id=listener.id,
        trusted_id=trusted.id,
        note=(note or "").strip()[:5000],
        created_by_id=actor.id if actor else None,
    )
    link.trusted = trusted
    session.add(link)
    _changed(session, actor, listener, "listens_to", None, trusted.display_name)
    return link


def remove_listens_to(session: Session, actor: User | None, contact: Contact, link_id: int) -> None:
    """Remove a "listens to" link that ``contact`` is either end of, when the actor may see both ends."""
    check(session, actor, contact.chapter_id)
    link = session.scalar(
        sa.select(ListensTo).where(
            ListensTo.id == link_id, sa.or_(ListensTo.listener_id == contact.id, ListensTo.trusted_id == contact.id)
        )
    )
    if link is None:
        raise NotFound
    other = link.trusted if link.listener_id == contact.id else link.listener
    if other.chapter_id not in readable_chapter_ids(session, actor) or other.deleted_at is not None:
        raise NotFound
    _changed(session, actor, link.listener, "listens_to", link.trusted.display_name, None)
    session.delete(link)


def _changed(
    session: Session, actor: User | None, contact: Contact, field: str, old: str | None, new: str | None
) -> None:
    touch(contact)
    record(
        session,
        actor,
        entity_type=ENTITY,
        entity_id=contact.id,
        chapter_id=contact.chapter_id,
        action=Action.UPDATED,
        changes={field: [old, new]},
    )
