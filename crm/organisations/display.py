"""An organisation's people, as table rows: the organisation page's longest markup, written in Python
(``crm.markup``), like the contacts list's rows."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from markupsafe import Markup

from crm.i18n import format_day, format_number
from crm.i18n import gettext as _
from crm.markup import escaped


def _name_cell(contacts_url: str, position: Any) -> str:
    return f'<td><a href="{contacts_url}{position.contact_id}">{escaped(position.display_name)}</a></td>'


def people_rows(positions: Sequence[Any], contacts_url: str) -> Markup:
    """Return the current positions (``queries.people`` rows, by title, then name) as one ``<tbody>`` per title,
    headed by the title and how many hold it on this page."""
    url = escaped(contacts_url)
    no_title = escaped(_("No title"))
    groups = []
    for title, group in groupby(positions, key=lambda position: position.title):
        rows = list(group)
        cells = "".join(
            f"\n    <tr>\n      {_name_cell(url, p)}\n"
            f'      <td class="optional">{format_day(p.start_date)}</td>\n'
            f'      <td class="optional">{format_day(p.end_date)}</td>\n    </tr>'
            for p in rows
        )
        groups.append(
            f'\n  <tbody>\n    <tr><th colspan="3" scope="rowgroup">{escaped(title) if title else no_title} '
            f'<span class="badge">{format_number(len(rows))}</span></th></tr>{cells}\n  </tbody>'
        )
    return Markup("".join(groups))  # noqa: S704 - every stored value in it went through escaped()


def other_rows(positions: Sequence[Any], contacts_url: str) -> Markup:
    """Return the past and upcoming positions (``queries.people`` rows) as table rows."""
    url = escaped(contacts_url)
    return Markup(  # noqa: S704 - every stored value in it went through escaped()
        "".join(
            f"\n  <tr>\n    {_name_cell(url, p)}\n    <td>{escaped(p.title)}</td>\n"
            f"    <td>{format_day(p.start_date)}</td>\n    <td>{format_day(p.end_date)}</td>\n  </tr>"
            for p in positions
        )
    )
