"""Turning stored values into text for the contact pages: change-history rows and their field labels."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm import labels  # a module, not its names: crm.labels imports our models
from crm.contacts import countries
from crm.contacts.fields import LABELS, UNDERSTANDING_FIELDS
from crm.history.models import Change

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
