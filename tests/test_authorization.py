"""Walk the URL map: every route that takes an object id answers 404 to a user of another chapter.

For each rule with an argument ending in ``_id``, objects are created in chapter A and the rule is requested
with every method it accepts by users outside A. Anything but 404 (200, 302, 400, 403, 500) fails: existence
must not leak and nothing may change. A new rule whose ``_id`` argument is unknown here makes the walk fail,
so every future route is covered once someone says how to make its object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from crm.auth.models import Chapter, ChapterKind, Membership, Role, User
from crm.contacts.models import (
    Contact,
    ContactMethod,
    ExternalId,
    ListensTo,
    MethodKind,
    Organisation,
    Tag,
    contact_tags,
)
from crm.mail.models import OutboundEmail
from tests import factories
from tests.conftest import Auth

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


@dataclass
class World:
    """One chapter's objects, one of each kind a route can name, by argument name."""

    chapter: Chapter
    ids: dict[str, int] = field(default_factory=dict)


def _build_world(db_session: Session, chapter: Chapter) -> World:
    """Create in ``chapter`` one object of every kind a route argument can name."""
    coordinator = factories.member_of(chapter, role="coordinator")
    volunteer = factories.member_of(chapter)
    organisation = factories.OrganisationFactory(chapter=chapter)
    contact = factories.ContactFactory(chapter=chapter)
    trusted = factories.ContactFactory(chapter=chapter)
    position = factories.PositionFactory(contact=contact, organisation=organisation)
    # Ids, not relationships: an object assigned to a relationship of a persistent one is not added to the
    # session for us (SQLAlchemy 2 no longer cascades along backrefs).
    link = ListensTo(listener_id=contact.id, trusted_id=trusted.id, note="evidence", created_by_id=coordinator.id)
    method = ContactMethod(contact_id=contact.id, kind=MethodKind.EMAIL, label="work", value="rep@example.org")
    tag = Tag(chapter_id=chapter.id, name=f"tag-{chapter.id}")
    external = ExternalId(chapter_id=chapter.id, contact_id=contact.id, scheme="wikidata", value=f"Q{chapter.id}")
    email = OutboundEmail(to_address=volunteer.email, template="invitation", subject="Hello", body_text="Hi")
    db_session.add_all([link, method, tag, external, email])
    db_session.flush()
    db_session.execute(contact_tags.insert().values(contact_id=contact.id, tag_id=tag.id))
    db_session.flush()
    membership = db_session.scalars(sa.select(Membership).where(Membership.user_id == volunteer.id)).one()
    ids = {
        "chapter_id": chapter.id,
        "membership_id": membership.id,
        "user_id": volunteer.id,
        "organisation_id": organisation.id,
        "contact_id": contact.id,
        "position_id": position.id,
        "link_id": link.id,
        "listens_to_id": link.id,
        "method_id": method.id,
        "tag_id": tag.id,
        "external_id": external.id,
        "email_id": email.id,
    }
    return World(chapter=chapter, ids=ids)


def _id_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if any(a.endswith("_id") for a in rule.arguments)),
        key=lambda rule: rule.rule,
    )


def _url(rule: Rule, ids: dict[str, int]) -> str:
    unknown = sorted(a for a in rule.arguments if a not in ids)
    if unknown:
        pytest.fail(
            f"{rule.rule} ({rule.endpoint}) takes {', '.join(unknown)}: teach tests/test_authorization.py "
            "to create that object in _build_world, so this route is checked too"
        )
    return ARGUMENT.sub(lambda match: str(ids[match.group(1)]), rule.rule)


def _methods(rule: Rule) -> list[str]:
    return sorted(set(rule.methods or ()) - IGNORED_METHODS)


def _request(client: Any, method: str, url: str) -> int:
    return int(client.open(url, method=method, data={}).status_code)


@pytest.fixture
def worlds(db_session: Session) -> tuple[World, World]:
    """Chapter A with its objects, and chapter B with the same kinds of objects."""
    return (
        _build_world(db_session, factories.ChapterFactory(name="Chapter A")),
        _build_world(db_session, factories.ChapterFactory(name="Chapter B")),
    )


OUTSIDERS: dict[str, Callable[[World, World], User]] = {
    "volunteer of B": lambda a, b: factories.member_of(b.chapter),
    "coordinator of B": lambda a, b: factories.member_of(b.chapter, role="coordinator"),
    "coordinator of a sub-chapter of A": lambda a, b: factories.member_of(
        factories.ChapterFactory(parent=a.chapter, kind=ChapterKind.LOCAL), role="coordinator"
    ),
}


def test_the_walk_covers_the_routes_it_should(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in _id_rules(app)}
    for expected in (
        "chapters.show",
        "chapters.update",
        "chapters.invite",
        "chapters.member_role",
        "chapters.member_remove",
        "mail.show",
    ):
        assert expected in endpoints


@pytest.mark.parametrize("outsider_kind", list(OUTSIDERS))
def test_users_of_another_chapter_get_404_on_every_id_route(
    app: Flask, worlds: tuple[World, World], outsider_kind: str
) -> None:
    a, b = worlds
    client = app.test_client()
    Auth(client).login(OUTSIDERS[outsider_kind](a, b))
    leaks = []
    for rule in _id_rules(app):
        url = _url(rule, a.ids)
        for method in _methods(rule):
            status = _request(client, method, url)
            if status != 404:
                leaks.append(f"{method} {url} ({rule.endpoint}) -> {status}")
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("outsider_kind", ["coordinator of B"])
def test_mixing_own_and_foreign_ids_gives_404(app: Flask, worlds: tuple[World, World], outsider_kind: str) -> None:
    """A route naming two objects checks both: B's contact with A's position is still A's position."""
    a, b = worlds
    client = app.test_client()
    Auth(client).login(OUTSIDERS[outsider_kind](a, b))
    leaks = []
    for rule in _id_rules(app):
        id_args = sorted(arg for arg in rule.arguments if arg.endswith("_id"))
        if len(id_args) < 2:
            continue
        for own in id_args:  # one argument names B's object, the others A's
            url = _url(rule, a.ids | {own: b.ids[own]})
            for method in _methods(rule):
                status = _request(client, method, url)
                if status != 404:
                    leaks.append(f"{method} {url} ({rule.endpoint}, own {own}) -> {status}")
    assert leaks == [], "\n".join(leaks)


def test_the_ids_are_real(app: Flask, worlds: tuple[World, World], admin: Any) -> None:
    """The administrator sees every object the walk names, so its 404s are about scope, not missing rows."""
    a, _b = worlds
    client = app.test_client()
    Auth(client).login(admin)
    missing = []
    for rule in _id_rules(app):
        if "GET" in _methods(rule):
            url = _url(rule, a.ids)
            status = _request(client, "GET", url)
            if status == 404 or status >= 500:
                missing.append(f"GET {url} ({rule.endpoint}) -> {status}")
    assert missing == [], "\n".join(missing)


def test_members_of_the_chapter_reach_its_pages(app: Flask, worlds: tuple[World, World]) -> None:
    """The positive side of the walk: A's own coordinator gets past the scope check on A's objects."""
    a, _b = worlds
    client = app.test_client()
    Auth(client).login(factories.member_of(a.chapter, role=Role.COORDINATOR.value))
    refused = []
    for rule in _id_rules(app):
        if "GET" in _methods(rule) and not rule.endpoint.startswith("mail."):
            url = _url(rule, a.ids)
            if _request(client, "GET", url) == 404:
                refused.append(f"GET {url} ({rule.endpoint})")
    assert refused == [], "\n".join(refused)


def test_the_outbox_is_for_administrators_only(app: Flask, worlds: tuple[World, World]) -> None:
    a, _b = worlds
    mail_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("mail.")]
    assert mail_rules
    for role in ("volunteer", "coordinator"):
        client = app.test_client()
        Auth(client).login(factories.member_of(a.chapter, role=role))
        for rule in mail_rules:
            url = _url(rule, a.ids)
            for method in _methods(rule):
                assert _request(client, method, url) == 404, f"{role}: {method} {url}"


QUERY_IDS = {
    "parent": "organisation_id",
    "organisation": "organisation_id",
    "contact": "contact_id",
    "chapter": "chapter_id",
    "chapter_id": "chapter_id",
    "holder": "user_id",
    "tag": "tag_id",
    "listener": "contact_id",
    "trusted": "contact_id",
}


def test_ids_in_query_strings_reveal_nothing_of_another_chapter(
    app: Flask, worlds: tuple[World, World], db_session: Session
) -> None:
    """List and form pages take ids in the query string too (?parent=, ?chapter=): they must not leak names."""
    a, b = worlds
    secrets = [db_session.get_one(Chapter, a.ids["chapter_id"]).name]
    secrets.append(db_session.get_one(Organisation, a.ids["organisation_id"]).name)
    secrets.append(db_session.get_one(Contact, a.ids["contact_id"]).display_name)
    client = app.test_client()
    Auth(client).login(OUTSIDERS["coordinator of B"](a, b))
    leaks = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.arguments or rule.endpoint.startswith("mail."):
            continue
        for parameter, kind in QUERY_IDS.items():
            response = client.get(rule.rule, query_string={parameter: a.ids[kind]})
            page = response.get_data(as_text=True)
            if response.status_code >= 500 or any(secret in page for secret in secrets):
                leaks.append(f"GET {rule.rule}?{parameter}={a.ids[kind]} -> {response.status_code}")
    assert leaks == [], "\n".join(leaks)
