"""Checking and normalising the values a contact is made of; each failure is an ``Invalid`` naming its field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from crm.contacts import countries
from crm.errors import Invalid
from crm.i18n import gettext as _

# A method is given as its value alone, or as (label, value).
MethodInput = str | tuple[str, str]

_DIGIT = re.compile(r"\d")
_PHONE_CHARS = re.compile(r"^[0-9+()./\- ]+$|^[0-9+()./\- ]+\s*(ext\.?|x)\s*[0-9]+$", re.IGNORECASE)


def squash(value: str | None) -> str:
    """Trim and collapse runs of white space."""
    return " ".join((value or "").split())


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """Return a one-line text trimmed, None when empty; too long is Invalid."""
    cleaned = squash(value)
    if len(cleaned) > max_length:
        raise Invalid(_("Use at most %(count)d characters.", count=max_length), field)
    return cleaned or None


def long_text(value: str | None, field: str, max_length: int = 20_000) -> str:
    """Return free text with trailing white space removed."""
    cleaned = (value or "").strip()
    if len(cleaned) > max_length:
        raise Invalid(_("Use at most %(count)d characters.", count=max_length), field)
    return cleaned


def country(value: str | None) -> str | None:
    """Return an ISO 3166-1 alpha-2 code upper-cased, or None."""
    try:
        return countries.normalize(value)
    except ValueError:
        raise Invalid(_("Choose a country from the list (a two-letter code such as NL or GB)."), "country") from None


def bounded_int(value: int | None, field: str, low: int, high: int) -> int | None:
    """Return ``value`` when it lies in [low, high] or is None."""
    if value is None:
        return None
    if not low <= value <= high:
        raise Invalid(_("Enter a number from %(low)d to %(high)d.", low=low, high=high), field)
    return int(value)


def _pairs(items: Iterable[MethodInput]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        label, value = ("", item) if isinstance(item, str) else item
        label, value = squash(label), (value or "").strip()
        if value:
            if len(label) > 60:
                raise Invalid(_("Use at most %(count)d characters.", count=60), "labels")
            pairs.append((label, value))
    return pairs


def emails(items: Iterable[MethodInput]) -> list[tuple[str, str]]:
    """Return (label, address) pairs with valid, normalised addresses; empty rows dropped."""
    result = []
    for label, value in _pairs(items):
        try:
            address = validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise Invalid(_("“%(value)s” is not a valid email address.", value=value), "emails") from None
        result.append((label, address))
    return result


def phones(items: Iterable[MethodInput]) -> list[tuple[str, str]]:
    """Return (label, number) pairs of plausible phone numbers."""
    result = []
    for label, value in _pairs(items):
        value = squash(value)
        if len(value) > 50 or len(_DIGIT.findall(value)) < 3 or not _PHONE_CHARS.match(value):
            raise Invalid(_("“%(value)s” does not look like a phone number.", value=value), "phones")
        result.append((label, value))
    return result


def addresses(items: Iterable[MethodInput]) -> list[tuple[str, str]]:
    """Return (label, address) pairs; postal addresses are free text."""
    result = _pairs(items)
    if any(len(value) > 500 for _label, value in result):
        raise Invalid(_("Use at most %(count)d characters.", count=500), "addresses")
    return result


def url(value: str) -> str:
    """Return an http(s) URL, adding https:// to a bare domain; anything else is Invalid."""
    candidate = value.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
        _port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        host = ""
    valid = (
        parts.scheme in ("http", "https")
        and (("." in host and not host.startswith(".") and not host.endswith(".")) or host == "localhost")
        and not any(c.isspace() for c in candidate)
        and len(candidate) <= 500
    )
    if not valid:
        raise Invalid(_("“%(value)s” is not a web address (like https://example.org).", value=value), "links")
    return candidate


def links(items: Iterable[MethodInput]) -> list[tuple[str, str]]:
    """Return (label, URL) pairs of valid web addresses."""
    return [(label, url(value)) for label, value in _pairs(items)]


def tag_names(names: Iterable[str]) -> list[str]:
    """Return tag names trimmed, without duplicates (ignoring case), in the order given."""
    result: dict[str, str] = {}
    for name in names:
        cleaned = squash(name)
        if len(cleaned) > 60:
            raise Invalid(_("A tag has at most %(count)d characters.", count=60), "tags")
        if cleaned:
            result.setdefault(cleaned.casefold(), cleaned)
    return list(result.values())


def parse_tags(text: str | None) -> list[str]:
    """Split comma-separated tags ("climate, Tweede Kamer")."""
    return tag_names((text or "").split(","))


def external_ids(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return (scheme, value) pairs: scheme lower-cased, both trimmed, duplicates refused."""
    result: list[tuple[str, str]] = []
    for scheme, value in pairs:
        scheme, value = squash(scheme).lower(), squash(value)
        if not scheme and not value:
            continue
        if not scheme or not value:
            raise Invalid(_("Give both the system and the identifier."), "external_ids")
        if len(scheme) > 30 or len(value) > 100:
            raise Invalid(_("A system name has at most 30 characters, an identifier at most 100."), "external_ids")
        if (scheme, value) in result:
            raise Invalid(_("%(scheme)s %(value)s is listed twice.", scheme=scheme, value=value), "external_ids")
        result.append((scheme, value))
    return result
