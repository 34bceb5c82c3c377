"""Translation catalogs: extract messages, update the English and Dutch catalogs, compile, check.

Babel does the work; this module only fixes where things live so the CLI, Makefile and tests agree.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "crm" / "translations"
LOCALES = ("en", "nl")
SOURCE_LOCALE = "en"
METHOD_MAP = [
    ("crm/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("templates/**.txt", "jinja2.ext:babel_extract"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extract() -> Catalog:
    """Collect every translatable message in the package and the templates."""
    catalog = Catalog(project="Lobby CRM", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT,
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        directory_filter=lambda path: not any(p in Path(path).parts for p in (".venv", "node_modules", "tests")),
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    """Return the path of a locale's .po file."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    """Read a locale's catalog (an empty one when it does not exist yet)."""
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update() -> dict[str, int]:
    """Merge the extracted messages into each catalog, fill English from the source, compile; return gaps."""
    template = extract()
    gaps = {}
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.project, catalog.version, catalog.fuzzy = "Lobby CRM", "1", False
        catalog.obsolete.clear()
        if locale == SOURCE_LOCALE:
            for message in catalog:
                if isinstance(message.id, tuple):
                    if not all(message.string or ()):
                        message.string = tuple(message.id)
                elif message.id and not message.string:
                    message.string = message.id
        gaps[locale] = len(untranslated(catalog))
        save(locale, catalog)
    return gaps


def save(locale: str, catalog: Catalog) -> None:
    """Write a catalog's .po (without source locations, to keep diffs small) and its compiled .mo."""
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, width=120)
    with path.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)


def compiled(catalog: Catalog) -> bytes:
    """Return the .mo bytes of a catalog."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """Return the ids of messages with no translation, or a fuzzy one."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
