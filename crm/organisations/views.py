"""Organisation pages: the list with search and filters, one organisation with its people, forms, trash, history.

Every organisation is fetched through ``services.get_organisation`` (scoped to the user's chapters), so one of
another chapter answers 404 on every route, for reading and for writing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from crm import labels
from crm.auth.access import visible_chapter_ids
from crm.chapters import queries as chapter_queries
from crm.contacts import countries
from crm.contacts.models import Organisation, OrganisationKind
from crm.db import get_session, read
from crm.errors import Invalid, NotFound
from crm.forms import add_error
from crm.history import queries as history_queries
from crm.i18n import gettext as _
from crm.i18n import lazy_gettext as _l
from crm.organisations import bp, queries, services
from crm.organisations.display import other_rows, people_rows
from crm.organisations.forms import OrganisationFilterForm, OrganisationForm
from crm.pagination import Page, page_number, paginate
from crm.text import fold
from crm.web import commit

ResponseLike = Response | str | tuple[str, int]

PEOPLE_PER_PAGE = 50
OTHERS_PER_PAGE = 25
CHILDREN_SHOWN = 50
CHANGES_SHOWN = 20
PARENT_OPTIONS = 1000

FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "country": _l("Country"),
    "parent": _l("Part of"),
    "website": _l("Website"),
    "notes": _l("Notes"),
}
ACTION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "deleted": _l("Moved to the trash"),
    "restored": _l("Restored from the trash"),
}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every organisation page needs a signed-in user."""


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "field_labels": FIELD_LABELS,
        "action_labels": ACTION_LABELS,
        "country_name": countries.name,
        "change_rows": change_rows,
    }


def _value_text(field: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if field == "kind":
        return str(labels.ORGANISATION_KINDS.get(value, value))
    if field == "country":
        return countries.name(value)
    if field == "notes" and len(str(value)) > 160:
        return str(value)[:157] + "…"
    return str(value)


def change_rows(change: Any) -> list[tuple[str, str, str]]:
    """Return (field label, old, new) for each field a change touched, for templates/_changes.html."""
    return [
        (str(FIELD_LABELS.get(field, field)), _value_text(field, values[0]), _value_text(field, values[1]))
        for field, values in sorted((change.changes or {}).items())
    ]


def _today() -> dt.date:
    """Return today's date in the user's time zone: the day positions are current on."""
    return dt.datetime.now(get_timezone()).date()


def _chapters() -> list[tuple[int, str]]:
    stmt = chapter_queries.chapters_by_ids(visible_chapter_ids(current_user))
    return [(chapter.id, chapter.name) for chapter in get_session().scalars(stmt)]


def _filters(form: OrganisationFilterForm, visible: list[int]) -> tuple[list[int], queries.Filters]:
    """Read the list's filters; values outside the offered choices are ignored, never an error."""
    chapter = form.chapter.data if form.chapter.data in visible else None
    offered = {code for code, _label in form.country.choices}  # type: ignore[union-attr, misc]
    filters = queries.Filters(
        q=(form.q.data or "").strip()[:200] or None,
        kind=OrganisationKind(form.kind.data) if form.kind.data in set(OrganisationKind) else None,
        country=form.country.data if form.country.data and form.country.data in offered else None,
        parent_id=request.args.get("parent", type=int),
        sort=form.sort.data if form.sort.data in queries.SORTS else "name",
    )
    return ([chapter] if chapter else visible), filters


@bp.get("/")
def index() -> ResponseLike:
    """List, search and filter the organisations of the user's chapters."""
    session, visible = get_session(), visible_chapter_ids(current_user)
    chapters = _chapters()
    form = OrganisationFilterForm(
        formdata=request.args, chapters=chapters, codes=list(session.scalars(queries.countries_in_use(visible)))
    )
    chapter_ids, filters = _filters(form, visible)
    parent = _optional_organisation(filters.parent_id)
    page = paginate(
        session,
        queries.organisation_list(chapter_ids, filters),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PAGE_SIZE"],
        count_stmt=queries.organisation_count(chapter_ids, filters),
    )
    args = {
        "q": filters.q,
        "kind": filters.kind,
        "country": filters.country,
        "parent": filters.parent_id,
        "chapter": chapter_ids[0] if len(chapter_ids) == 1 and len(visible) > 1 else None,
        "sort": filters.sort,
    }
    return render_template(
        "organisations/index.html",
        form=form,
        page=page,
        parent=parent,
        chapter_names=dict(chapters),
        args={k: v for k, v in args.items() if v},
    )


def _optional_organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    try:
        return services.get_organisation(get_session(), current_user, organisation_id)
    except NotFound:
        return None


def _parent_id(text: str | None, chapter_id: int, organisation: Organisation | None) -> int | None:
    """Turn the "Part of" text into an organisation id; an unchanged parent is kept as it is."""
    text = " ".join((text or "").split())
    if not text:
        return None
    current = organisation.parent if organisation is not None else None
    if current is not None and fold(text) in {
        fold(current.name),
        fold(services.labelled_name(current.name, current.kind)),
    }:
        return current.id
    return services.organisation_named(get_session(), current_user, chapter_id=chapter_id, name=text).id


def _fields(form: OrganisationForm, chapter_id: int, organisation: Organisation | None = None) -> dict[str, Any]:
    return {
        "name": form.name.data or "",
        "kind": form.kind.data or "",
        "country": form.country.data or None,
        "parent_id": _parent_id(form.parent.data, chapter_id, organisation),
        "website": form.website.data or None,
        "notes": form.notes.data or "",
    }


def _parent_options(organisation: Organisation | None) -> list[str]:
    """Return the names offered for "Part of" (empty when there are too many to send to the browser)."""
    if organisation is None:
        stmt = queries.parent_options(visible_chapter_ids(current_user), limit=PARENT_OPTIONS)
    else:
        # not itself, nor anything below it: that would make a cycle
        stmt = queries.parent_options(
            [organisation.chapter_id], limit=PARENT_OPTIONS, exclude=queries.descendant_ids(organisation.id)
        )
        stmt = stmt.where(Organisation.id != organisation.id)
    rows = get_session().execute(stmt).all()
    if len(rows) > PARENT_OPTIONS:
        return []
    shared = Counter(fold(name) for name, _kind in rows)
    return [services.labelled_name(name, kind) if shared[fold(name)] > 1 else name for name, kind in rows]


def _render_form(form: OrganisationForm, organisation: Organisation | None, status: int) -> tuple[str, int]:
    return render_template(
        "organisations/form.html", form=form, organisation=organisation, parent_options=_parent_options(organisation)
    ), status


def _new_form_data() -> dict[str, Any]:
    """Prefill a new organisation: the first chapter, or the chapter and name of ``?parent=``."""
    parent = _optional_organisation(request.args.get("parent", type=int))
    if parent is not None:
        return {"chapter_id": parent.chapter_id, "parent": parent.name, "country": parent.country or ""}
    visible = visible_chapter_ids(current_user)
    return {"chapter_id": visible[0] if visible else None}


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseLike:
    """Show the new-organisation form (GET) and create the organisation (POST)."""
    form = OrganisationForm(chapters=_chapters(), **_new_form_data())
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                get_session(), current_user, chapter_id=form.chapter_id.data, **_fields(form, form.chapter_id.data)
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Organisation %(name)s created.", name=organisation.name), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return _render_form(form, None, 400 if request.method == "POST" else 200)


def _people(organisation_id: int, today: dt.date) -> tuple[Page[Any], Page[Any]]:
    """Return a page of the people holding a position today and a page of the others, from one statement.

    Only a list whose page has no row (a page past its end) is counted separately.
    """
    session = get_session()
    people_page, others_page = page_number(request.args.get("page")), page_number(request.args.get("others"))
    people: Page[Any] = Page(items=[], page=people_page, per_page=PEOPLE_PER_PAGE, total=0)
    others: Page[Any] = Page(items=[], page=others_page, per_page=OTHERS_PER_PAGE, total=0)
    stmt, params = queries.people(
        organisation_id,
        today,
        people=((people_page - 1) * PEOPLE_PER_PAGE, PEOPLE_PER_PAGE),
        others=((others_page - 1) * OTHERS_PER_PAGE, OTHERS_PER_PAGE),
    )
    for row in read(stmt, params):
        page = people if row.current else others
        page.items.append(row)
        page.total = row.total
    if people_page > 1 and not people.items:
        people.total = session.scalar(queries.current_position_count(organisation_id, today)) or 0
    if others_page > 1 and not others.items:
        others.total = session.scalar(queries.other_position_count(organisation_id, today)) or 0
    return people, others


@bp.get("/<int:organisation_id>")
def show(organisation_id: int) -> ResponseLike:
    """Show an organisation: details, parent and sub-organisations, its people by position, recent changes."""
    session = get_session()
    organisation = services.get_organisation(session, current_user, organisation_id)
    today = _today()
    people, others = _people(organisation.id, today)
    children = read(*queries.children(organisation.id, CHILDREN_SHOWN + 1))
    changes = read(*history_queries.recent_changes(services.ENTITY, organisation.id, CHANGES_SHOWN))
    contacts_url = url_for("contacts.index")
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        people=people,
        others=others,
        today=today,
        children=children[:CHILDREN_SHOWN],
        more_children=len(children) > CHILDREN_SHOWN,
        changes=changes,
        show_chapter=len(visible_chapter_ids(current_user)) > 1,
        people_rows=people_rows(people.items, contacts_url),
        other_rows=other_rows(others.items, contacts_url),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int) -> ResponseLike:
    """Show an organisation's edit form (GET) and save it (POST)."""
    session = get_session()
    organisation = services.get_organisation(session, current_user, organisation_id)
    form = OrganisationForm(
        name=organisation.name,
        kind=organisation.kind.value,
        country=organisation.country or "",
        parent=organisation.parent.name if organisation.parent else "",
        website=organisation.website or "",
        notes=organisation.notes,
    )
    if form.validate_on_submit():
        try:
            services.update_organisation(
                session, current_user, organisation, **_fields(form, organisation.chapter_id, organisation)
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Organisation saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return _render_form(form, organisation, 400 if request.method == "POST" else 200)


@bp.post("/<int:organisation_id>/delete")
def delete(organisation_id: int) -> ResponseLike:
    """Move an organisation to the trash (refused while people hold current positions there)."""
    session = get_session()
    organisation = services.get_organisation(session, current_user, organisation_id)
    try:
        services.delete_organisation(session, current_user, organisation, today=_today())
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    commit()
    flash(_("%(name)s was moved to the trash.", name=organisation.name), "success")
    return redirect(url_for("organisations.index"))


@bp.get("/trash")
def trash() -> ResponseLike:
    """List the organisations in the trash, to restore them."""
    visible = visible_chapter_ids(current_user)
    page = paginate(
        get_session(),
        queries.trash(visible),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PAGE_SIZE"],
        count_stmt=queries.trash_count(visible),
    )
    return render_template("organisations/trash.html", page=page)


@bp.post("/<int:organisation_id>/restore")
def restore(organisation_id: int) -> ResponseLike:
    """Bring an organisation back from the trash."""
    session = get_session()
    organisation = services.get_organisation(session, current_user, organisation_id, deleted=True)
    try:
        services.restore_organisation(session, current_user, organisation)
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("organisations.trash"))
    commit()
    flash(_("%(name)s was restored.", name=organisation.name), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.get("/<int:organisation_id>/history")
def history(organisation_id: int) -> ResponseLike:
    """List every change to an organisation, newest first (also for one in the trash)."""
    session = get_session()
    organisation = services.get_organisation(session, current_user, organisation_id, deleted=None)
    page = paginate(
        session,
        history_queries.changes_of(services.ENTITY, organisation.id),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PAGE_SIZE"],
        count_stmt=queries.change_count(organisation.id),
        rows=True,
    )
    return render_template("organisations/history.html", organisation=organisation, page=page)
