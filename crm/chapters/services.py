"""Chapters and their members: creating chapters, inviting people, changing and removing members."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import Session

from crm.auth.access import check_coordinator
from crm.auth.models import Chapter, ChapterKind, Invitation, Membership, Role, User
from crm.auth.services import normalize_email, set_password, sign_in
from crm.auth.tokens import make_token, read_token
from crm.db import utcnow
from crm.errors import Forbidden, Invalid, NotFound
from crm.i18n import gettext as _
from crm.mail import messages


def create_chapter(
    session: Session,
    actor: User,
    *,
    name: str,
    kind: ChapterKind,
    country: str,
    parent_id: int | None = None,
    default_cadence_days: int = 30,
) -> Chapter:
    """Create a chapter (site administrators only)."""
    if not actor.is_admin:
        raise Forbidden
    return _save_chapter(
        session,
        Chapter(),
        name=name,
        kind=kind,
        country=country,
        parent_id=parent_id,
        default_cadence_days=default_cadence_days,
    )


def update_chapter(
    session: Session,
    actor: User,
    chapter: Chapter,
    *,
    name: str,
    kind: ChapterKind,
    country: str,
    parent_id: int | None,
    default_cadence_days: int,
) -> Chapter:
    """Change a chapter's details (its coordinators or an administrator)."""
    check_coordinator(actor, chapter.id, session)
    if parent_id != chapter.parent_id and not actor.is_admin:
        raise Forbidden
    return _save_chapter(
        session,
        chapter,
        name=name,
        kind=kind,
        country=country,
        parent_id=parent_id,
        default_cadence_days=default_cadence_days,
    )


def _save_chapter(
    session: Session,
    chapter: Chapter,
    *,
    name: str,
    kind: ChapterKind,
    country: str,
    parent_id: int | None,
    default_cadence_days: int,
) -> Chapter:
    name = name.strip()
    clash = session.scalar(sa.select(Chapter.id).where(sa.func.lower(Chapter.name) == name.lower()))
    if clash is not None and clash != chapter.id:
        raise Invalid(_("A chapter with this name already exists."), field="name")
    if parent_id is not None:
        ancestor = session.get(Chapter, parent_id)
        while ancestor is not None:
            if chapter.id is not None and ancestor.id == chapter.id:
                raise Invalid(_("A chapter cannot be inside itself."), field="parent_id")
            ancestor = ancestor.parent
    chapter.name, chapter.kind, chapter.country = name, kind, country.upper()
    chapter.parent_id, chapter.default_cadence_days = parent_id, default_cadence_days
    session.add(chapter)
    return chapter


def invite_member(session: Session, actor: User, chapter: Chapter, *, email: str, role: Role, locale: str) -> None:
    """Email a signed, expiring invitation to join ``chapter`` (coordinators only).

    The answer is the same whether or not the address already has an account.
    """
    check_coordinator(actor, chapter.id, session)
    email = normalize_email(email)
    invitation = Invitation(chapter=chapter, email=email, role=role, invited_by_id=actor.id)
    session.add(invitation)
    session.flush()  # the token carries the invitation's id
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    token = make_token("invite", [invitation.id, email])
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.accept_invitation", token=token)
    messages.enqueue(
        session,
        to=email,
        name="invitation",
        locale=locale,
        context=messages.invitation(chapter_name=chapter.name, inviter_name=actor.name, url=url, days=days),
    )


def invitation_for_token(session: Session, token: str) -> Invitation | None:
    """Return the open invitation a valid, unexpired token names."""
    payload = read_token("invite", token, current_app.config["INVITATION_MAX_AGE_DAYS"] * 86400)
    if not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[0], int):
        return None
    invitation = session.get(Invitation, payload[0])
    if invitation is None or invitation.accepted_at is not None or invitation.email != payload[1]:
        return None
    return invitation


def _join(session: Session, invitation: Invitation, user: User) -> None:
    membership = session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.chapter_id == invitation.chapter_id)
    )
    if membership is None:
        session.add(Membership(user=user, chapter_id=invitation.chapter_id, role=invitation.role))
    elif invitation.role is Role.COORDINATOR:
        membership.role = Role.COORDINATOR
    invitation.accepted_at, invitation.accepted_by_id = utcnow(), user.id


def accept_invitation(
    session: Session, invitation: Invitation, *, name: str, password: str, confirm: str | None, address: str
) -> User:
    """Accept an invitation: a new invitee sets name and password, an existing one confirms theirs."""
    user = session.scalar(sa.select(User).where(User.email == invitation.email))
    if user is None:
        if password != confirm:
            raise Invalid(_("The passwords do not match."), field="confirm")
        user = User(email=invitation.email, name=name.strip() or invitation.email)
        set_password(session, user, password)
        session.add(user)
        session.flush()  # the membership needs the user's id
    else:
        # The same check as signing in: throttled, and only for an active account.
        try:
            sign_in(session, email=user.email, password=password, address=address)
        except Invalid:
            raise Invalid(_("This address already has an account: enter its password."), field="password") from None
    _join(session, invitation, user)
    return user


def member(session: Session, actor: User, membership_id: int) -> Membership:
    """Return a membership of a chapter the actor coordinates."""
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound
    check_coordinator(actor, membership.chapter_id, session)
    return membership


def _coordinators_left(session: Session, chapter_id: int, without: int) -> int:
    stmt = sa.select(sa.func.count()).where(
        Membership.chapter_id == chapter_id, Membership.role == Role.COORDINATOR, Membership.id != without
    )
    return session.scalar(stmt) or 0


def change_role(session: Session, actor: User, membership: Membership, role: Role) -> None:
    """Make a member a volunteer or coordinator; a chapter keeps at least one coordinator."""
    check_coordinator(actor, membership.chapter_id, session)
    if (
        role is Role.VOLUNTEER
        and membership.role is Role.COORDINATOR
        and not actor.is_admin
        and _coordinators_left(session, membership.chapter_id, membership.id) == 0
    ):
        raise Invalid(_("A chapter needs at least one coordinator."), field="role")
    membership.role = role


def remove_member(session: Session, actor: User, membership: Membership) -> None:
    """Remove someone from a chapter; a chapter keeps at least one coordinator."""
    check_coordinator(actor, membership.chapter_id, session)
    if (
        membership.role is Role.COORDINATOR
        and not actor.is_admin
        and _coordinators_left(session, membership.chapter_id, membership.id) == 0
    ):
        raise Invalid(_("A chapter needs at least one coordinator."))
    session.delete(membership)
