"""The dashboard: my contacts, targets by stance, recently changed."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from crm.auth.access import visible_chapter_ids
from crm.contacts.models import Stance
from crm.dashboard import bp, queries
from crm.db import get_session


@bp.get("/")
def index() -> Response | str:
    """Show the signed-in user's overview, or send a visitor to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    session = get_session()
    chapter_ids = visible_chapter_ids(current_user)
    stance_counts = dict(session.execute(queries.targets_by_stance(chapter_ids)).all())
    return render_template(
        "dashboard/index.html",
        has_chapters=bool(chapter_ids),
        my_contacts=session.scalars(queries.my_contacts(current_user.id, chapter_ids)).all(),
        targets=[(stance, stance_counts.get(stance, 0)) for stance in Stance],
        recent=session.scalars(queries.recently_changed(chapter_ids)).all(),
    )
