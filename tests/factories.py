"""factory_boy factories writing through the test's session (flush, never commit)."""

from __future__ import annotations

from functools import cache
from typing import Any

import factory
from sqlalchemy.orm import Session

from crm.auth.models import Chapter, ChapterKind, Membership, Role, User
from crm.auth.passwords import hash_password
from crm.contacts.models import Contact, ContactKind, Organisation, OrganisationKind, Position, Stance
from crm.text import fold

PASSWORD = "correct horse battery"
_session: Session | None = None


def bind(session: Session | None) -> None:
    """Point every factory at the test's session."""
    global _session  # noqa: PLW0603 - factory_boy reads the session through this getter
    _session = session


def _get_session() -> Session:
    assert _session is not None, "use the db_session fixture"
    return _session


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _get_session
        sqlalchemy_session_persistence = "flush"


class ChapterFactory(Base):
    class Meta:
        model = Chapter

    name = factory.Sequence(lambda n: f"PauseAI Chapter {n}")
    kind = ChapterKind.NATIONAL
    country = "NL"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"Volunteer {n}")
    password_hash = factory.LazyFunction(_password_hash)


class MembershipFactory(Base):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(ChapterFactory)
    role = Role.VOLUNTEER


def member_of(chapter: Chapter, role: str = "volunteer", **user_fields: Any) -> User:
    """Create a user with a membership of ``chapter``."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, chapter=chapter, role=Role(role))
    _get_session().refresh(user)
    return user


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    chapter = factory.SubFactory(ChapterFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    sort_name = factory.LazyAttribute(lambda o: fold(o.name))
    kind = OrganisationKind.PARLIAMENT
    country = "NL"


class ContactFactory(Base):
    class Meta:
        model = Contact

    chapter = factory.SubFactory(ChapterFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    display_name = factory.LazyAttribute(lambda c: f"{c.given_name} {c.family_name}")
    sort_name = factory.LazyAttribute(lambda c: fold(f"{c.family_name} {c.given_name}"))
    kind = ContactKind.REPRESENTATIVE
    stance = Stance.UNKNOWN
    country = "NL"


class PositionFactory(Base):
    class Meta:
        model = Position

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Member"
