"""Contact pages: the list with search and filters, one contact, create and edit, trash, history,
positions and "listens to" links.

Every contact is fetched through ``services.get_contact`` (scoped to the user's chapters), so a contact of
another chapter answers 404 on every route, for reading and for writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from crm import labels
from crm.auth.access import visible_chapter_ids
from crm.auth.models import Chapter
from crm.chapters import queries as chapter_queries
from crm.contacts import bp, countries, queries, services
from crm.contacts.display import ACTION_LABELS, change_rows, list_body
from crm.contacts.fields import LABELS
from crm.contacts.forms import ContactFilterForm, ContactForm, ListensToForm, PositionForm, contact_form_data
from crm.contacts.models import Contact, OrganisationKind
from crm.contacts.relations import AmbiguousContact, OrganisationNotFound
from crm.db import get_session, read
from crm.errors import Invalid
from crm.forms import add_error
from crm.history import queries as history_queries
from crm.i18n import gettext as _
from crm.i18n import language
from crm.pagination import Page, page_number, paginate
from crm.text import fold

ResponseLike = Response | str | tuple[str, int]
CHANGES_SHOWN = 20
SUGGESTED_ORGANISATIONS = 100
KEPT_QUERY_LENGTH = 1000  # bytes of a list query whose filter form is kept (_filter_form)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every contact page needs a signed-in user."""


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "country_name": countries.name,
        "field_labels": LABELS,
        "action_labels": ACTION_LABELS,
        "change_rows": change_rows,
    }


def commit() -> None:
    """Commit the request's transaction (``crm.web.commit``).

    Imported when first used: crm.web reads crm.labels, which imports this package's models, and so this
    module, while it is itself still loading.
    """
    from crm.web import commit as commit_request

    commit_request()


def _today() -> dt.date:
    """Return today's date in the user's time zone: the day positions are current on."""
    return dt.datetime.now(get_timezone()).date()


def _per_page() -> int:
    return int(current_app.config.get("PAGE_SIZE", 50))


def _chapters() -> list[Chapter]:
    return list(get_session().scalars(chapter_queries.chapters_by_ids(visible_chapter_ids(current_user))))


def _member_choices(chapter_names: dict[int, str], rows: Any, as_value: Any = int) -> list[tuple[Any, str]]:
    """Return (user id as ``as_value``, name) choices from (user id, name, chapter id) rows, naming the chapter
    when there are several."""
    if len(chapter_names) == 1:
        return list(dict.fromkeys((as_value(user_id), name) for user_id, name, _chapter in rows))
    return [(as_value(user_id), f"{name} ({chapter_names[chapter_id]})") for user_id, name, chapter_id in rows]


def _members(chapters: list[Chapter]) -> list[tuple[int, str]]:
    """Return (user id, name) choices of the chapters' members (``_member_choices``)."""
    names = {chapter.id: chapter.name for chapter in chapters}
    return _member_choices(names, get_session().execute(queries.members(list(names))).all())


def _chapters_and_members(chapter_ids: list[int]) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """Return the chapters' names by id and the holder filter's choices (``_member_choices``), in one statement."""
    names: dict[int, str] = {}
    rows = []
    for part, row_id, name, chapter_id in read(*queries.chapters_and_members(chapter_ids)):
        if part == 0:
            names[row_id] = name
        else:
            rows.append((row_id, name, chapter_id))
    return names, _member_choices(names, rows, str)


def _list_body(page: Page[Any], chapter_names: dict[int, str]) -> Markup:
    """Return the page's table rows with their current positions and tags (one statement for both)."""
    ids = [row.id for row in page.items]
    extras = read(*queries.row_extras(ids, _today())) if ids else ()
    return list_body(
        page.items,
        extras,
        chapter_names=chapter_names,
        chapter_column=len(chapter_names) > 1,
        list_url=url_for("contacts.index"),
        locale=language(),
    )


def _list_args(form: ContactFilterForm) -> dict[str, Any]:
    """Return the understood filters as query arguments, for the pager and sort links."""
    args = {
        name: form[name].data
        for name in ("q", "kind", "stance", "holder", "country", "chapter", "tag")
        if form[name].data and not form[name].errors
    }
    if form.target.data:
        args["target"] = 1
    if form.sort.data != "name" and not form.sort.errors:
        args["sort"] = form.sort.data
    return args


@dataclass(frozen=True)
class _FilterForm:
    """The list's filter form as read from a query and rendered: the filters (the holder "me" left open, as
    ``holder_is_me``), the understood arguments for the pager, and the form's markup."""

    filters: queries.ContactFilters
    holder_is_me: bool
    args: tuple[tuple[str, Any], ...]
    markup: Markup


@lru_cache(maxsize=256)
def _read_filter_form(
    query: tuple[tuple[str, str], ...],
    chapters: tuple[tuple[int, str], ...],
    holders: tuple[tuple[str, str], ...],
    _language: str,
    _script_root: str,
) -> _FilterForm:
    """Build, validate and render the filter form. Its result depends on nothing but the arguments (the
    language and mount point are there for the labels and addresses), so it is kept: a chapter's list is asked
    for again and again with the same filters, and building the form and its markup cost a sixth of the list."""
    form = ContactFilterForm(formdata=MultiDict(query), chapters=list(chapters), holders=list(holders))
    filters = form.filters(user_id=0)
    holder_is_me = form.holder.data == "me" and not form.holder.errors
    args = _list_args(form)
    markup = render_template("contacts/_filters.html", form=form, args=args, chapter_names=dict(chapters))
    return _FilterForm(replace(filters, holder_id=None) if holder_is_me else filters, holder_is_me,
                       tuple(args.items()), Markup(markup))  # fmt: skip  # noqa: S704 - a template's output


def _filter_form(chapter_names: dict[int, str], holders: list[tuple[str, str]]) -> _FilterForm:
    """Return the filter form of the request's query (the page number aside), its holder "me" made the user."""
    query = tuple((key, value) for key, value in request.args.items(multi=True) if key != "page")
    # A query longer than any the form understands is read but not kept: the store holds what recurs.
    read_form = _read_filter_form if len(request.query_string) <= KEPT_QUERY_LENGTH else _read_filter_form.__wrapped__
    form = read_form(query, tuple(chapter_names.items()), tuple(holders), language(), request.script_root)
    if form.holder_is_me:
        form = replace(form, filters=replace(form.filters, holder_id=current_user.id))
    return form


def _list_page(chapter_ids: list[int], filters: queries.ContactFilters, number: int) -> Page[Any]:
    """Return one page of the list (plain rows) and the list's total, in one statement.

    Only a page past the end counts separately (it has no row to carry the total). Lists and searches count
    up to ``queries.count_limit``; reaching it makes the total a lower bound (``Page.more``).
    """
    session, per_page = get_session(), _per_page()
    offset = (number - 1) * per_page
    rows = read(*queries.contact_page(chapter_ids, filters, limit=per_page, offset=offset))
    if queries.cut_short(rows, per_page, offset):
        rows = read(*queries.contact_page(chapter_ids, filters, limit=per_page, offset=offset, exact=True))
    if rows:
        total = rows[0].total
    elif number > 1:
        total = session.scalar(*queries.contact_count(chapter_ids, filters)) or 0
    else:
        total = 0
    limit = queries.count_limit(offset, per_page)
    if total >= limit:
        return Page(items=rows, page=number, per_page=per_page, total=limit - 1, more=True)
    return Page(items=rows, page=number, per_page=per_page, total=total)


@bp.get("/")
def index() -> ResponseLike:
    """List, search and filter the contacts of the user's chapters."""
    chapter_ids = visible_chapter_ids(current_user)
    names, holders = _chapters_and_members(chapter_ids)
    form = _filter_form(names, holders)
    page = _list_page(chapter_ids, form.filters, page_number(request.args.get("page")))
    return render_template(
        "contacts/index.html",
        filter_form=form.markup,
        page=page,
        args=dict(form.args),
        chapter_names=names,
        rows=_list_body(page, names),
    )


def _contact_form(contact: Contact | None) -> ContactForm:
    """Build the create form or the edit form (whose chapter is fixed); choices come in ``_render_form``.

    A valid post needs no choices (the service checks chapter and holders), and a create holds SQLite's
    write lock for the whole request, so the lists are only loaded for a page that shows them.
    """
    if contact is not None:
        form = ContactForm(data=contact_form_data(contact))
        del form.chapter_id
        return form
    visible = visible_chapter_ids(current_user)
    return ContactForm(chapter_id=visible[0] if len(visible) == 1 else None)


def _render_form(form: ContactForm, contact: Contact | None, status: int = 200) -> tuple[str, int]:
    chapters = [contact.chapter] if contact is not None else _chapters()
    if contact is None:
        choose = [(None, _("Choose a chapter"))] if len(chapters) > 1 else []
        form.chapter_id.choices = [*choose, *((chapter.id, chapter.name) for chapter in chapters)]
    form.holder_ids.choices = _members(chapters)
    form.chapter_cadences = {chapter.id: chapter.default_cadence_days for chapter in chapters}
    if request.method == "GET":
        form.add_blank_rows()
    return render_template("contacts/form.html", form=form, contact=contact), status


@bp.get("/new")
def new() -> ResponseLike:
    """Show the new-contact form."""
    return _render_form(_contact_form(None), None)


@bp.post("/new")
def create() -> ResponseLike:
    """Create a contact."""
    form = _contact_form(None)
    if form.validate_on_submit():
        try:
            contact = services.create_contact(
                get_session(),
                current_user,
                chapter_id=form.chapter_id.data,
                stance_note=form.stance_note.data or "",
                **form.contact_fields(),
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Contact %(name)s created.", name=contact.display_name), "success")
            return redirect(url_for("contacts.show", contact_id=contact.id))
    return _render_form(form, None, 400)


@bp.get("/<int:contact_id>")
def show(contact_id: int) -> ResponseLike:
    """Show a contact: facts, positions, stance history, "listens to" links and recent changes."""
    return _render_show(contact_id)


def _organisation_names(rows: list[tuple[str, str]]) -> list[str]:
    """Return the names offered while typing an organisation (none when the chapter has many).

    ``rows`` are the (name, kind) of the chapter's organisations when it has at most ``SUGGESTED_ORGANISATIONS``
    (``queries.contact_facts``), else none. A name several organisations share is offered as "Name (Kind)",
    which the service understands.
    """
    folded = [fold(name) for name, _kind in rows]
    return list(
        dict.fromkeys(
            f"{name} ({labels.ORGANISATION_KINDS[OrganisationKind(kind)]})" if folded.count(fold(name)) > 1 else name
            for name, kind in rows
        )
    )


def _new_organisation_url(name: str | None) -> str | None:
    try:
        return url_for("organisations.new", name=name) if name else None
    except BuildError:  # the organisations blueprint is not registered (e.g. in a trimmed-down app)
        return None


def _facts(contact: Contact) -> dict[str, Any]:
    """Return the contact's methods by kind, tags, holders, external ids and the organisations to suggest."""
    facts: dict[str, Any] = {"methods": {}, "tags": [], "holders": [], "external_ids": [], "offered": []}
    stmt, params = queries.contact_facts(contact, SUGGESTED_ORGANISATIONS + 1 if contact.deleted_at is None else 0)
    for part, a, b, c, *_keys in read(stmt, params):
        if part == 0:
            facts["methods"].setdefault(a, []).append((b, c))
        elif part == 1:
            facts["tags"].append(a)
        elif part == 2:
            facts["holders"].append(a)
        elif part == 3:
            facts["external_ids"].append((a, b))
        else:
            facts["offered"].append((a, b))
    return facts


def _form_fields(template: str, form_class: type[FlaskForm], form: FlaskForm | None, **context: Any) -> Markup:
    """Render a form's fields from ``template``: a posted ``form`` (with its values and errors), or, for None,
    the blank form, which is the same on every contact page and so is kept per language and mount point."""
    if form is None:
        return _blank_form_fields(template, form_class, language(), request.script_root, tuple(context.items()))
    return Markup(render_template(template, form=form, **context))  # noqa: S704 - a template's output


@lru_cache(maxsize=32)
def _blank_form_fields(
    template: str, form_class: type[FlaskForm], _language: str, _script_root: str, context: tuple[tuple[str, Any], ...]
) -> Markup:
    return Markup(render_template(template, form=form_class(formdata=None), **dict(context)))  # noqa: S704


def _render_show(contact_id: int, *, status: int = 200, **extra: Any) -> tuple[str, int]:
    """Render the contact page: the contact with its chapter, then one statement for each kind of list on it."""
    session, chapter_ids = get_session(), visible_chapter_ids(current_user)
    contact = services.get_contact(session, current_user, contact_id, deleted=None, chapter=True)
    facts = _facts(contact)
    links = read(*queries.links(contact.id, chapter_ids))
    context = {
        "contact": contact,
        "today": _today(),
        "cadence": services.effective_cadence(contact),
        "methods": facts["methods"],
        "tags": facts["tags"],
        "holders": facts["holders"],
        "external_ids": facts["external_ids"],
        "positions": read(*queries.positions_of(contact.id)),
        "stances": read(*queries.stance_history(contact.id)),
        "listens_to": [link for link in links if not link.incoming],
        "listened_by": [link for link in links if link.incoming],
        "changes": read(*history_queries.recent_changes(services.ENTITY, contact.id, CHANGES_SHOWN)),
        "organisation_names": _organisation_names(facts["offered"]),
        "candidates": [],
        "position_error": None,
        "new_organisation_url": _new_organisation_url(extra.pop("missing_organisation", None)),
    }
    context.update(extra)
    offered = bool(context["organisation_names"])
    position_form, listens_form = context.setdefault("position_form", None), context.setdefault("listens_form", None)
    context["position_fields"] = _form_fields(
        "contacts/_position_fields.html", PositionForm, position_form, organisation_names=offered
    )
    context["listens_fields"] = _form_fields("contacts/_listens_fields.html", ListensToForm, listens_form)
    return render_template("contacts/show.html", **context), status


@bp.get("/<int:contact_id>/edit")
def edit(contact_id: int) -> ResponseLike:
    """Show the contact's edit form."""
    contact = services.get_contact(get_session(), current_user, contact_id, detail=True)
    return _render_form(_contact_form(contact), contact)


@bp.post("/<int:contact_id>/edit")
def update(contact_id: int) -> ResponseLike:
    """Save the contact's details."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id, detail=True)
    form = _contact_form(contact)
    if form.validate_on_submit():
        try:
            services.update_contact(
                session,
                current_user,
                contact,
                stance_note=form.stance_note.data or "",
                **form.contact_fields(submitted=request.form),
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Contact saved."), "success")
            return redirect(url_for("contacts.show", contact_id=contact.id))
    return _render_form(form, contact, 400)


@bp.post("/<int:contact_id>/delete")
def delete(contact_id: int) -> ResponseLike:
    """Move the contact to the trash."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    services.delete_contact(session, current_user, contact)
    commit()
    flash(_("%(name)s is in the trash; you can restore it from there.", name=contact.display_name), "success")
    return redirect(url_for("contacts.index"))


@bp.get("/trash")
def trash() -> ResponseLike:
    """List the deleted contacts of the user's chapters."""
    page = paginate(
        get_session(),
        queries.trash(visible_chapter_ids(current_user)),
        page=page_number(request.args.get("page")),
        per_page=_per_page(),
    )
    return render_template("contacts/trash.html", page=page)


@bp.post("/<int:contact_id>/restore")
def restore(contact_id: int) -> ResponseLike:
    """Bring the contact back from the trash."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id, deleted=True)
    services.restore_contact(session, current_user, contact)
    commit()
    flash(_("%(name)s is restored.", name=contact.display_name), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id))


@bp.get("/<int:contact_id>/history")
def history(contact_id: int) -> ResponseLike:
    """Show every recorded change of the contact, newest first."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id, deleted=None)
    page = paginate(
        session,
        history_queries.changes_of(services.ENTITY, contact.id),
        page=page_number(request.args.get("page")),
        per_page=_per_page(),
        rows=True,
    )
    return render_template("contacts/history.html", contact=contact, page=page)


@bp.post("/<int:contact_id>/positions")
def add_position(contact_id: int) -> ResponseLike:
    """Add a position, the organisation given by its name."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    form, missing = PositionForm(), None
    if form.validate_on_submit():
        try:
            services.add_position(
                session,
                current_user,
                contact,
                organisation=form.organisation.data or "",
                title=form.title.data or "",
                start_date=form.start_date.data,
                end_date=form.end_date.data,
            )
        except Invalid as error:
            add_error(form, error)
            missing = error.name if isinstance(error, OrganisationNotFound) else None
        else:
            commit()
            flash(_("Position added."), "success")
            return redirect(url_for("contacts.show", contact_id=contact.id, _anchor="positions"))
    return _render_show(contact.id, position_form=form, missing_organisation=missing, status=400)


@bp.post("/<int:contact_id>/positions/<int:position_id>/end")
def end_position(contact_id: int, position_id: int) -> ResponseLike:
    """End a position today."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    try:
        services.end_position(session, current_user, contact, position_id, on=_today())
    except Invalid as error:
        return _render_show(contact.id, position_error=error.message, status=400)
    commit()
    flash(_("Position ended."), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id, _anchor="positions"))


@bp.post("/<int:contact_id>/positions/<int:position_id>/delete")
def remove_position(contact_id: int, position_id: int) -> ResponseLike:
    """Remove a position recorded by mistake."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    services.remove_position(session, current_user, contact, position_id)
    commit()
    flash(_("Position removed."), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id, _anchor="positions"))


@bp.post("/<int:contact_id>/listens-to")
def add_listens_to(contact_id: int) -> ResponseLike:
    """Record whom the contact listens to, found by name or number."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    form, candidates = ListensToForm(), []
    if form.validate_on_submit():
        try:
            services.add_listens_to(
                session, current_user, contact, trusted=form.trusted.data or "", note=form.note.data or ""
            )
        except Invalid as error:
            add_error(form, error)
            candidates = error.candidates if isinstance(error, AmbiguousContact) else []
        else:
            commit()
            flash(_("Link added."), "success")
            return redirect(url_for("contacts.show", contact_id=contact.id, _anchor="listens-to"))
    return _render_show(contact.id, listens_form=form, candidates=candidates, status=400)


@bp.post("/<int:contact_id>/listens-to/<int:link_id>/delete")
def remove_listens_to(contact_id: int, link_id: int) -> ResponseLike:
    """Remove a "listens to" link the contact is either end of."""
    session = get_session()
    contact = services.get_contact(session, current_user, contact_id)
    services.remove_listens_to(session, current_user, contact, link_id)
    commit()
    flash(_("Link removed."), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id, _anchor="listens-to"))
