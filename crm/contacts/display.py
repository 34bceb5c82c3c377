"""Turning stored values into text for the contact pages: list rows, change-history rows and their field labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from jinja2.utils import url_quote
from markupsafe import Markup

from crm import labels  # a module, not its names: crm.labels imports our models
from crm.contacts import countries
from crm.contacts.fields import LABELS, UNDERSTANDING_FIELDS
from crm.history.models import Change
from crm.i18n import gettext as _
from crm.i18n import lazy_gettext as _l

ACTION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "deleted": _l("Moved to the trash"),
    "restored": _l("Restored from the trash"),
}
LONG_TEXT = 200


def _enum_labels() -> dict[str, dict[Any, Any]]:
    return {
        "kind": labels.CONTACT_KINDS,
        "stance": labels.STANCES,
        **dict.fromkeys(UNDERSTANDING_FIELDS, labels.UNDERSTANDING),
    }


def value_text(field: str, value: Any) -> str:
    """Return a stored history value as text a reader understands ("" for none)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(value_text(field, item) for item in value)
    enum_labels = _enum_labels().get(field)
    if enum_labels is not None:
        return str(enum_labels.get(value, value))
    if field == "country":
        return countries.name(value)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def change_rows(change: Change) -> list[tuple[str, str, str]]:
    """Return (field label, old, new) for each field a change touched."""
    return [
        (str(LABELS.get(field, field)), value_text(field, values[0]), value_text(field, values[1]))
        for field, values in (change.changes or {}).items()
    ]


class ListRow(NamedTuple):
    """What a row of the contacts list shows, as text (escaped by the template)."""

    id: int
    name: str
    badge: str  # "Target · P2"; "" when the contact is not a target
    stance: str
    positions: Markup  # the current positions ("Title, Organisation"), one a line
    kind: str
    tags: list[tuple[str, str]]  # (name, name quoted for a URL)
    country: str
    chapter: str


@cache
def _row_labels(locale: str) -> dict[str, Any]:
    """Return the labels list rows show in ``locale`` (the current one), translated once."""
    target = _("Target")
    return {
        "stances": {k.value: str(v) for k, v in labels.STANCES.items()},
        "kinds": {k.value: str(v) for k, v in labels.CONTACT_KINDS.items()},
        "countries": {code: countries.name(code) for code in countries.CODES},
        "badges": {n: f"{target} · {_('P%(priority)s', priority=n)}" for n in range(1, 6)},
        "target": target,
    }


def list_rows(
    contacts: Sequence[Any], extras: Iterable[Any], chapter_names: Mapping[int, str], locale: str
) -> list[ListRow]:
    """Build the list's rows from its page of contacts and their positions and tags (``queries.row_extras``).

    Done here rather than per row in the template: looking labels up, translating and quoting tags once per
    page instead of once per row is most of what a list page costs.
    """
    positions: dict[int, list[str]] = {}
    tags: dict[int, list[tuple[str, str]]] = {}
    quoted: dict[str, tuple[str, str]] = {}
    for part, contact_id, text, organisation, *_keys in extras:
        if part == 0:
            positions.setdefault(contact_id, []).append(f"{text}, {organisation}" if text else organisation)
        else:
            tag = quoted.get(text) or quoted.setdefault(text, (text, url_quote(text)))
            tags.setdefault(contact_id, []).append(tag)
    words = _row_labels(locale)
    stances, kinds, names, badges, target = (
        words["stances"], words["kinds"], words["countries"], words["badges"], words["target"]
    )  # fmt: skip
    line = Markup("<br>")
    return [
        ListRow(
            id=c.id,
            name=c.display_name,
            badge=(badges.get(c.priority, target) if c.is_target else ""),
            stance=stances[c.stance],
            positions=line.join(positions.get(c.id, ())),
            kind=kinds[c.kind],
            tags=tags.get(c.id, []),
            country=names.get(c.country, c.country) if c.country else "",
            chapter=chapter_names.get(c.chapter_id, ""),
        )
        for c in contacts
    ]
