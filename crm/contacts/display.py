"""Turning stored values into text for the contact pages: list rows, change-history rows and their field labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

from jinja2.utils import url_quote
from markupsafe import Markup, escape

from crm import labels  # a module, not its names: crm.labels imports our models
from crm.contacts import countries
from crm.contacts.fields import LABELS, UNDERSTANDING_FIELDS
from crm.history.models import Change
from crm.i18n import gettext as _
from crm.i18n import lazy_gettext as _l
from crm.markup import escaped

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


@cache
def _row_words(locale: str) -> dict[str, Any]:
    """Return the labels list rows show in ``locale`` (the current one), translated and escaped once."""
    target = _("Target")
    badge = '<span class="badge target">{}</span>'
    return {
        "stances": {k.value: str(escape(v)) for k, v in labels.STANCES.items()},
        "kinds": {k.value: str(escape(v)) for k, v in labels.CONTACT_KINDS.items()},
        "countries": {code: str(escape(countries.name(code))) for code in countries.CODES},
        "badges": {n: badge.format(escape(f"{target} · {_('P%(priority)s', priority=n)}")) for n in range(1, 6)},
        "target": badge.format(escape(target)),
    }


@lru_cache(maxsize=4096)
def _tag_link(url: str, name: str) -> str:
    """Return the list's link to a tag's contacts (``url`` escaped already); a chapter's tags recur on every page."""
    return f'<a class="badge" href="{url}?tag={escape(url_quote(name))}">{escape(name)}</a> '


def list_body(
    contacts: Sequence[Any],
    extras: Iterable[Any],
    *,
    chapter_names: Mapping[int, str],
    chapter_column: bool,
    list_url: str,
    locale: str,
) -> Markup:
    """Return the contacts list's table rows as HTML, from its page of contacts and their current positions and
    tags (``queries.row_extras``: part 0 a position's title and organisation, part 1 a tag's name).

    The list's rows are the most rendered markup of the app: written here with Python's string formatting,
    each stored value escaped once (``crm.markup.escaped``, as ``markupsafe.escape``) and each label, badge and tag link
    escaped once per language or process, they cost a quarter of what a Jinja loop over the same values did.
    The rest of the page, and every other page, is a template.
    """
    url = str(escape(list_url))
    positions: dict[int, list[str]] = {}
    tags: dict[int, list[str]] = {}
    for part, contact_id, text, organisation, *_keys in extras:
        if part == 0:
            positions.setdefault(contact_id, []).append(escaped(f"{text}, {organisation}" if text else organisation))
        else:
            tags.setdefault(contact_id, []).append(_tag_link(url, text))
    words = _row_words(locale)
    stances, kinds, names, badges, target = (
        words["stances"], words["kinds"], words["countries"], words["badges"], words["target"]
    )  # fmt: skip
    chapters = {chapter_id: f'<td class="optional">{escape(name)}</td>' for chapter_id, name in chapter_names.items()}
    rows = []
    for c in contacts:
        badge = badges.get(c.priority, target) if c.is_target else ""
        country = (names.get(c.country) or escaped(c.country)) if c.country else ""
        chapter = chapters.get(c.chapter_id, '<td class="optional"></td>') if chapter_column else ""
        rows.append(
            f'<tr>\n    <td><a href="{url}{c.id}">{escaped(c.display_name)}</a>\n      {badge}</td>\n'
            f"    <td>{stances[c.stance]}</td>\n"
            f"    <td>{'<br>'.join(positions.get(c.id, ()))}</td>\n"
            f'    <td class="optional">{kinds[c.kind]}</td>\n'
            f'    <td class="optional">{"".join(tags.get(c.id, ()))}</td>\n'
            f'    <td class="optional">{country}</td>\n'
            f"    {chapter}\n  </tr>\n  "
        )
    return Markup("".join(rows))  # noqa: S704 - every stored value in it went through escaped() above
