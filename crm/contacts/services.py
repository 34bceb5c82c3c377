"""Contacts: creating, changing, deleting and restoring people.

Every function takes the session and the acting user and never commits: the caller owns the transaction.
``actor=None`` is a trusted system caller (importer, demo loader, bench generator): no chapter check, and
the change history records no actor. Positions and "listens to" links live in ``crm.contacts.relations``
and are re-exported here, so callers only need this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Unpack

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.auth.models import Chapter, Membership, User
from crm.contacts import buckets, cleaning, queries, search
from crm.contacts.access import check, readable_chapter_ids, touch
from crm.contacts.cleaning import parse_tags
from crm.contacts.fields import DEFAULTS, METHOD_FIELDS, SCALAR_FIELDS, UNDERSTANDING_FIELDS, ContactFields
from crm.contacts.models import (
    Contact,
    ContactKind,
    ContactMethod,
    ExternalId,
    Stance,
    StanceChange,
    Tag,
    Understanding,
)
from crm.contacts.names import joined_name, sort_key
from crm.contacts.relations import (
    PositionSpec,
    add_listens_to,
    add_position,
    describe_position,
    end_position,
    find_contact,
    new_position,
    remove_listens_to,
    remove_position,
    resolve_organisation,
)
from crm.db import utcnow
from crm.errors import Invalid, NotFound
from crm.history.models import Action
from crm.history.services import diff, record, snapshot
from crm.i18n import gettext as _

__all__ = [
    "ContactFields",
    "PositionSpec",
    "add_listens_to",
    "add_position",
    "create_contact",
    "delete_contact",
    "effective_cadence",
    "end_position",
    "find_contact",
    "get_contact",
    "parse_tags",
    "remove_listens_to",
    "remove_position",
    "resolve_organisation",
    "restore_contact",
    "update_contact",
]

ENTITY = "contact"
_CLEANERS = {
    "emails": cleaning.emails,
    "phones": cleaning.phones,
    "addresses": cleaning.addresses,
    "links": cleaning.links,
}
_NAME_LENGTHS = {"honorific": 60, "given_name": 120, "name_prefix": 40, "family_name": 120}
# Fields whose change alters the words a contact is found by.
SEARCHED_FIELDS = frozenset({"given_name", "name_prefix", "family_name", "display_name", "emails", "tags"})


def get_contact(
    session: Session,
    actor: User | None,
    contact_id: int,
    *,
    deleted: bool | None = False,
    detail: bool = False,
    chapter: bool = False,
) -> Contact:
    """Return a contact of a chapter the actor may see; ``deleted`` True for one in the trash, None for either.

    ``detail`` loads its collections too, ``chapter`` only its chapter (``queries.contact_by_id``).

    :raises NotFound: when it does not exist, is elsewhere, or is (not) in the trash as asked.
    """
    stmt, params = queries.contact_by_id(
        readable_chapter_ids(session, actor), contact_id, deleted=deleted, detail=detail, chapter=chapter
    )
    contact = session.scalar(stmt, params)
    if contact is None:
        raise NotFound
    return contact


def create_contact(
    session: Session,
    actor: User | None,
    *,
    chapter_id: int,
    positions: Iterable[PositionSpec] = (),
    stance_note: str = "",
    **fields: Unpack[ContactFields],
) -> Contact:
    """Create a contact in a chapter from plain data, record its first stance and its creation.

    ``positions`` are (organisation or its id, title, start date, end date), in the contact's chapter.
    """
    if chapter_id is None or (actor is None and session.get(Chapter, chapter_id) is None):
        raise Invalid(_("Choose a chapter."), "chapter_id")
    check(session, actor, chapter_id)  # a chapter the actor may see exists
    # Empty collections, not unloaded ones: reading them after the flush would cost a query each.
    contact = Contact(
        chapter_id=chapter_id,
        created_by_id=actor.id if actor else None,
        display_name=None,
        methods=[],
        tags=[],
        holders=[],
        external_ids=[],
        **dict.fromkeys(_NAME_LENGTHS),
    )
    _apply(session, contact, {**DEFAULTS, "emails": [], "phones": [], "addresses": [], "links": [], **fields})
    contact.positions = [new_position(session, chapter_id, *spec) for spec in positions]
    session.add(contact)
    # Index the new contact (search.reindex without its delete: a new contact has no terms yet, and a create
    # holds the database's write lock). The flush gives the records below the contact's id.
    session.flush()
    search.index(session, contact)
    buckets.moved(session, None, contact)
    _record_stance(session, actor, contact, previous=None, note=stance_note)
    # The creation record lists what was filled in; defaults ("unknown", no, empty) would only be noise.
    created = {
        name: [None, value]
        for name, value in _snapshot(contact).items()
        if value not in (None, "", [], False, Understanding.UNKNOWN.value)
    }
    if contact.positions:
        created["positions"] = [None, [describe_position(p) for p in contact.positions]]
    record(
        session,
        actor,
        entity_type=ENTITY,
        entity_id=contact.id,
        chapter_id=chapter_id,
        action=Action.CREATED,
        changes=created,
    )
    return contact


def update_contact(
    session: Session,
    actor: User | None,
    contact: Contact,
    *,
    stance_note: str = "",
    **changes: Unpack[ContactFields],
) -> Contact:
    """Change the given fields of a contact; record what changed and, on a new stance, the stance history.

    A stance note without a change of stance records the stance again, with the note as evidence.
    """
    check(session, actor, contact.chapter_id)
    before = _snapshot(contact)
    previous_stance = contact.stance
    counted_as = buckets.key_of(contact)
    _apply(session, contact, dict(changes))
    buckets.moved(session, counted_as, contact)
    changed = diff(before, _snapshot(contact))
    if contact.stance != previous_stance or stance_note.strip():
        _record_stance(session, actor, contact, previous=previous_stance, note=stance_note)
    if changed:
        touch(contact)
        record(
            session,
            actor,
            entity_type=ENTITY,
            entity_id=contact.id,
            chapter_id=contact.chapter_id,
            action=Action.UPDATED,
            changes=changed,
        )
    if SEARCHED_FIELDS.intersection(changed):
        search.reindex(session, contact)
    return contact


def delete_contact(session: Session, actor: User | None, contact: Contact) -> None:
    """Move a contact to the trash (soft delete)."""
    check(session, actor, contact.chapter_id)
    if contact.deleted_at is not None:
        raise NotFound
    counted_as = buckets.key_of(contact)
    contact.deleted_at = utcnow()
    buckets.moved(session, counted_as, contact)
    search.unindex(session, contact)  # a search never sees the trash
    record(
        session, actor, entity_type=ENTITY, entity_id=contact.id, chapter_id=contact.chapter_id, action=Action.DELETED
    )


def restore_contact(session: Session, actor: User | None, contact: Contact) -> None:
    """Bring a contact back from the trash."""
    check(session, actor, contact.chapter_id)
    if contact.deleted_at is None:
        raise NotFound
    contact.deleted_at = None
    buckets.moved(session, None, contact)
    touch(contact)
    search.reindex(session, contact)  # its terms were removed with the move to the trash
    record(
        session, actor, entity_type=ENTITY, entity_id=contact.id, chapter_id=contact.chapter_id, action=Action.RESTORED
    )


def effective_cadence(contact: Contact) -> int:
    """Return the keep-warm cadence in days: the contact's own, else its chapter's default."""
    return contact.cadence_days or contact.chapter.default_cadence_days


# --- applying data ---------------------------------------------------------------------------------------


def _apply(session: Session, contact: Contact, fields: dict[str, Any]) -> None:
    """Check ``fields`` and set them on ``contact``; nothing is set when a value is Invalid."""
    values = _clean_scalars(contact, fields)
    methods = {key: _CLEANERS[key](fields[key]) for key in METHOD_FIELDS if key in fields}
    tags = _tags(session, contact.chapter_id, fields["tags"]) if "tags" in fields else None
    holders = _holders(session, contact.chapter_id, fields["holder_ids"]) if "holder_ids" in fields else None
    external = _external_ids(session, contact, fields["external_ids"]) if "external_ids" in fields else None
    for name, value in values.items():
        setattr(contact, name, value)
    if methods:
        _set_methods(contact, methods)
    if tags is not None:
        contact.tags = tags
    if holders is not None:
        contact.holders = holders
    if external is not None:
        contact.external_ids = external


def _clean_scalars(contact: Contact, fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, length in _NAME_LENGTHS.items():
        values[name] = cleaning.optional_text(fields[name], name, length) if name in fields else getattr(contact, name)
    old_joined = joined_name(contact.given_name, contact.name_prefix, contact.family_name)
    new_joined = joined_name(values["given_name"], values["name_prefix"], values["family_name"])
    if "display_name" in fields:
        display = cleaning.optional_text(fields["display_name"], "display_name", 300) or new_joined
    elif contact.display_name is None or contact.display_name == old_joined:
        display = new_joined
    else:
        display = contact.display_name
    if not display:
        raise Invalid(_("Enter a name: a given name, a family name or a display name."), "family_name")
    values["display_name"] = display
    values["sort_name"] = sort_key(
        given_name=values["given_name"],
        name_prefix=values["name_prefix"],
        family_name=values["family_name"],
        display_name=display,
    )
    simple: dict[str, Callable[[Any], Any]] = {
        "kind": lambda v: ContactKind(v),
        "stance": lambda v: Stance(v),
        "is_target": bool,
        "country": cleaning.country,
        "constituency": lambda v: cleaning.optional_text(v, "constituency", 200),
        "priority": lambda v: cleaning.bounded_int(v, "priority", 1, 5),
        "cadence_days": lambda v: cleaning.bounded_int(v, "cadence_days", 1, 3650),
        "goals": lambda v: cleaning.long_text(v, "goals"),
        "background": lambda v: cleaning.long_text(v, "background"),
        "notes": lambda v: cleaning.long_text(v, "notes", 100_000),
        **{name: (lambda v: Understanding(v)) for name in UNDERSTANDING_FIELDS},
    }
    for name, convert in simple.items():
        if name in fields:
            try:
                values[name] = convert(fields[name])
            except ValueError:
                raise Invalid(_("Choose one of the listed values."), name) from None
    return values


def _set_methods(contact: Contact, methods: dict[str, list[tuple[str, str]]]) -> None:
    """Replace the changed kinds of methods, keeping the others; unchanged lists are left alone."""
    current = {
        key: [(m.label, m.value) for m in contact.methods if m.kind is kind] for key, kind in METHOD_FIELDS.items()
    }
    wanted = {**current, **methods}
    if wanted == current:
        return
    contact.methods = [
        ContactMethod(kind=kind, label=label, value=value)
        for key, kind in METHOD_FIELDS.items()
        for label, value in wanted[key]
    ]


def _tags(session: Session, chapter_id: int, names: Sequence[str]) -> list[Tag]:
    """Return the chapter's tags with these names (any case), creating the missing ones."""
    wanted = cleaning.tag_names(names)
    if not wanted:
        return []
    lowered = [name.lower() for name in wanted]
    found = session.scalars(
        sa.select(Tag).where(
            Tag.chapter_id == chapter_id, sa.or_(Tag.name.in_(wanted), sa.func.lower(Tag.name).in_(lowered))
        )
    ).all()
    by_key = {tag.name.casefold(): tag for tag in sorted(found, key=lambda t: t.name not in wanted)}
    tags = []
    for name in wanted:
        tag = by_key.get(name.casefold())
        if tag is None:
            tag = by_key[name.casefold()] = Tag(chapter_id=chapter_id, name=name)
            session.add(tag)
        tags.append(tag)
    return tags


def _holders(session: Session, chapter_id: int, user_ids: Sequence[int]) -> list[User]:
    """Return the users holding the relationship; each must be a member of the contact's chapter."""
    ids = set(user_ids)
    if not ids:
        return []
    users = session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.chapter_id == chapter_id, User.id.in_(ids))
    ).all()
    if len(users) != len(ids):
        raise Invalid(_("Only members of the contact's chapter can hold the relationship."), "holder_ids")
    return list(users)


def _external_ids(session: Session, contact: Contact, pairs: Sequence[tuple[str, str]]) -> list[ExternalId]:
    """Return the contact's external ids; one already used in the chapter by another contact is Invalid."""
    wanted = cleaning.external_ids(pairs)
    if wanted:
        clash = session.execute(
            sa.select(ExternalId.scheme, ExternalId.value, Contact.display_name, Contact.deleted_at)
            .join(Contact, Contact.id == ExternalId.contact_id)
            .where(
                ExternalId.chapter_id == contact.chapter_id,
                sa.or_(*[sa.and_(ExternalId.scheme == s, ExternalId.value == v) for s, v in wanted]),
                ExternalId.contact_id != contact.id if contact.id is not None else sa.true(),
            )
            .limit(1)
        ).first()
        if clash is not None:
            message = _(
                "%(scheme)s %(value)s already belongs to %(name)s.",
                scheme=clash.scheme,
                value=clash.value,
                name=clash.display_name,
            )
            if clash.deleted_at is not None:
                message += " " + _("That contact is in the trash; restore it instead.")
            raise Invalid(message, "external_ids")
    # Keep existing rows for unchanged pairs: deleting and re-inserting them in one flush could collide
    # with the unique constraint.
    existing = {(e.scheme, e.value): e for e in contact.external_ids} if contact.id is not None else {}
    return [
        existing.get(pair) or ExternalId(chapter_id=contact.chapter_id, scheme=pair[0], value=pair[1])
        for pair in wanted
    ]


def _record_stance(
    session: Session, actor: User | None, contact: Contact, *, previous: Stance | None, note: str
) -> None:
    session.add(
        StanceChange(
            contact_id=contact.id,
            stance=contact.stance,
            previous_stance=previous,
            recorded_by_id=actor.id if actor else None,
            recorded_at=utcnow(),
            note=note.strip(),
        )
    )


def _snapshot(contact: Contact) -> dict[str, Any]:
    """Return what the change history compares: the fields, methods, tags, holders and external ids."""
    data = snapshot(contact, SCALAR_FIELDS)
    for key, kind in METHOD_FIELDS.items():
        data[key] = sorted(f"{m.label}: {m.value}" if m.label else m.value for m in contact.methods if m.kind is kind)
    data["tags"] = sorted(tag.name for tag in contact.tags)
    data["holders"] = sorted(user.name for user in contact.holders)
    data["external_ids"] = sorted(f"{e.scheme}: {e.value}" for e in contact.external_ids)
    return data
