"""Chapter administration: list, create, edit, members and invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from crm.auth.access import admin_required, check_chapter, role_in, visible_chapter_ids
from crm.auth.forms import ConfirmForm
from crm.auth.models import Chapter, ChapterKind, Role
from crm.chapters import bp, queries, services
from crm.chapters.forms import ChapterForm, InviteForm, RoleForm
from crm.db import get_session
from crm.errors import Invalid, NotFound
from crm.forms import add_error
from crm.i18n import gettext as _
from crm.i18n import language
from crm.web import commit

ResponseLike = Response | str


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every chapter page needs a signed-in user."""


def _chapter(chapter_id: int) -> Chapter:
    chapter = get_session().get(Chapter, chapter_id)
    if chapter is None:
        raise NotFound
    check_chapter(current_user, chapter.id)
    return chapter


def _chapter_form(chapter: Chapter | None = None) -> ChapterForm:
    form = ChapterForm(obj=chapter)
    visible = get_session().scalars(queries.chapters_by_ids(visible_chapter_ids(current_user)))
    form.parent_id.choices = [(None, _("None (top level)"))] + [
        (c.id, c.name) for c in visible if chapter is None or c.id != chapter.id
    ]
    return form


@bp.get("/")
def index() -> ResponseLike:
    """List the chapters the user can see."""
    chapters = get_session().scalars(queries.chapters_by_ids(visible_chapter_ids(current_user))).all()
    return render_template("chapters/index.html", chapters=chapters)


@bp.get("/new")
@admin_required
def new() -> ResponseLike:
    """Show the new-chapter form (administrators)."""
    return render_template("chapters/form.html", form=_chapter_form(), chapter=None)


@bp.post("/new")
@admin_required
def create() -> ResponseLike:
    """Create a chapter."""
    form = _chapter_form()
    if form.validate_on_submit():
        try:
            chapter = services.create_chapter(get_session(), current_user, **_chapter_fields(form))
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Chapter %(name)s created.", name=chapter.name), "success")
            return redirect(url_for("chapters.show", chapter_id=chapter.id))
    return render_template("chapters/form.html", form=form, chapter=None), 400


def _chapter_fields(form: ChapterForm) -> dict[str, object]:
    return {
        "name": form.name.data or "",
        "kind": ChapterKind(form.kind.data),
        "country": form.country.data or "",
        "parent_id": form.parent_id.data,
        "default_cadence_days": form.default_cadence_days.data or 30,
    }


@bp.get("/<int:chapter_id>")
def show(chapter_id: int) -> ResponseLike:
    """Show a chapter with its members and open invitations."""
    chapter = _chapter(chapter_id)
    session = get_session()
    is_coordinator = role_in(current_user, chapter.id) is Role.COORDINATOR
    return render_template(
        "chapters/show.html",
        chapter=chapter,
        is_coordinator=is_coordinator,
        members=session.scalars(queries.members_of(chapter.id)).all(),
        invitations=session.scalars(queries.open_invitations(chapter.id)).all() if is_coordinator else [],
        invite_form=InviteForm(),
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
    )


@bp.get("/<int:chapter_id>/edit")
def edit(chapter_id: int) -> ResponseLike:
    """Show the chapter's edit form (coordinators)."""
    chapter = _chapter(chapter_id)
    if role_in(current_user, chapter.id) is not Role.COORDINATOR:
        raise NotFound
    return render_template("chapters/form.html", form=_chapter_form(chapter), chapter=chapter)


@bp.post("/<int:chapter_id>/edit")
def update(chapter_id: int) -> ResponseLike:
    """Save the chapter's details."""
    chapter = _chapter(chapter_id)
    form = _chapter_form(chapter)
    if form.validate_on_submit():
        try:
            services.update_chapter(get_session(), current_user, chapter, **_chapter_fields(form))
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Chapter saved."), "success")
            return redirect(url_for("chapters.show", chapter_id=chapter.id))
    return render_template("chapters/form.html", form=form, chapter=chapter), 400


@bp.post("/<int:chapter_id>/invite")
def invite(chapter_id: int) -> ResponseLike:
    """Invite someone by email to join the chapter."""
    chapter = _chapter(chapter_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(
                get_session(),
                current_user,
                chapter,
                email=form.email.data or "",
                role=Role(form.role.data),
                locale=language(),
            )
        except Invalid as error:
            flash(error.message, "error")
        else:
            commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    else:
        flash(_("Enter a valid email address."), "error")
    return redirect(url_for("chapters.show", chapter_id=chapter.id))


@bp.post("/members/<int:membership_id>/role")
def member_role(membership_id: int) -> ResponseLike:
    """Change a member's role in the chapter."""
    membership = services.member(get_session(), current_user, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(get_session(), current_user, membership, Role(form.role.data))
        except Invalid as error:
            flash(error.message, "error")
        else:
            commit()
            flash(_("Role changed."), "success")
    return redirect(url_for("chapters.show", chapter_id=membership.chapter_id))


@bp.post("/members/<int:membership_id>/remove")
def member_remove(membership_id: int) -> ResponseLike:
    """Remove a member from the chapter."""
    session = get_session()
    membership = services.member(session, current_user, membership_id)
    chapter_id = membership.chapter_id
    try:
        services.remove_member(session, current_user, membership)
    except Invalid as error:
        flash(error.message, "error")
    else:
        commit()
        flash(_("Member removed."), "success")
    return redirect(url_for("chapters.show", chapter_id=chapter_id))
