"""Names of people: the default display name and the key contacts are sorted by."""

from __future__ import annotations

from crm.text import fold


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def joined_name(given_name: str | None, name_prefix: str | None, family_name: str | None) -> str:
    """Join the name parts the way the name is said: "Jan van der Berg"."""
    return " ".join(part for part in map(_clean, (given_name, name_prefix, family_name)) if part)


def sort_key(*, given_name: str | None, name_prefix: str | None, family_name: str | None, display_name: str) -> str:
    """Return the folded key a contact sorts by: family name first, prefix last ("berg jan van der")."""
    if _clean(family_name):
        parts = (family_name, given_name, name_prefix)
        return fold(" ".join(p for p in map(_clean, parts) if p))[:300]
    return fold(_clean(display_name))[:300]
