"""Every user-facing string is marked for translation, and both catalogs are complete and compiled."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import read_mo
from jinja2 import Environment

from crm import catalogs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# Attributes whose values a person reads.
READABLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label", "label"}
NOT_WORDS = {"Lobby CRM"}  # the product name is the same in every language
LETTERS = re.compile(r"[^\W\d_]{2,}")
MARK = "\x00"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        for name in READABLE_ATTRIBUTES & set(values):
            self._check(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"}:
            self._check(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        text = text.replace(MARK, " ").strip()
        for allowed in NOT_WORDS:
            text = text.replace(allowed, " ")
        if LETTERS.search(text):
            self.found.append(text)


def unmarked_strings(source: str) -> list[str]:
    """Return text outside Jinja expressions and {% trans %} blocks that a person would read."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    pieces: list[str] = []
    in_trans = 0
    tokens = [token for token in env.lex(source) if token[1] != "whitespace"]
    for index, (_line, kind, value) in enumerate(tokens):
        if kind == "name" and index > 0 and tokens[index - 1][1] == "block_begin":
            if value == "trans":
                in_trans += 1
            elif value == "endtrans":
                in_trans -= 1
        if kind == "data" and not in_trans:
            pieces.append(value)
        elif kind in {"variable_begin", "block_begin"}:
            pieces.append(MARK)
    collector = _TextCollector()
    collector.feed("".join(pieces))
    return collector.found


def test_the_checker_finds_bare_text() -> None:
    assert unmarked_strings("<p>Hello {{ name }}</p>") == ["Hello"]
    assert unmarked_strings('<input placeholder="Search">') == ["Search"]
    assert unmarked_strings("<p>{{ _('Hello') }}</p><p>{% trans %}Hi{% endtrans %}</p>") == []
    assert unmarked_strings('<a href="{{ url }}">{{ name }}</a> · 12') == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.*")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_unmarked_text(path: Path) -> None:
    assert unmarked_strings(path.read_text()) == []


MARKED_CALLS = {"flash", "Invalid"}


def test_python_messages_are_marked() -> None:
    """A literal string passed straight to flash() or Invalid() would never be translated."""
    offenders = []
    for path in (ROOT / "crm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in MARKED_CALLS and node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.fixture(scope="module")
def extracted_ids() -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extract() if m.id}


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_catalog_is_complete(locale: str, extracted_ids: set[str]) -> None:
    catalog = catalogs.load(locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(extracted_ids - ids) == [], f"run `make translations`: messages missing from {locale}"
    assert catalogs.untranslated(catalog) == [], f"untranslated entries in {locale}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_compiled_catalog_matches_source(locale: str) -> None:
    po = catalogs.load(locale)
    mo_path = catalogs.po_path(locale).with_suffix(".mo")
    mo = read_mo(BytesIO(mo_path.read_bytes()))
    assert _messages(mo) == _messages(po)


def _messages(catalog: Any) -> dict[Any, Any]:
    """Map each message id to its translation; plural ids and strings come back as lists from a .mo."""

    def plain(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def test_pages_follow_the_browser_language(client) -> None:
    dutch = client.get("/reset", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_data(as_text=True)
    english = client.get("/reset", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="nl">' in dutch
    assert "Wachtwoord" in dutch
    assert "Reset your password" in english


def test_template_strings_without_values_are_kept_per_language(app: Any) -> None:
    """``_()`` without values answers from a per-catalog store; it must format as with values ("%%" is "%")."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string(
        "{{ _('Contacts') }}|{{ _('100%% sure') }}|{{ _('Page %(page)s of %(pages)s', page=1, pages='<2>') }}"
    )
    with app.test_request_context("/"):
        for _round in range(2):  # the second round reads what the first kept
            with force_locale("nl"):
                assert template.render() == "Contacten|100% sure|Pagina 1 van &lt;2&gt;"
            with force_locale("en"):
                assert template.render() == "Contacts|100% sure|Page 1 of &lt;2&gt;"


def test_moments_are_kept_per_language_and_time_zone(app: Any) -> None:
    """``|datetime`` is kept per language and time zone (``crm.i18n.format_datetime``): each gets its own text."""
    import datetime as dt

    from flask_babel import force_locale

    template = app.jinja_env.from_string("{{ moment|datetime('short') }}|{{ none|datetime }}")
    moment = dt.datetime(2026, 3, 4, 12, 30, tzinfo=dt.UTC)
    seen = {}
    for zone in ("Europe/Amsterdam", "America/New_York"):
        app.config["DEFAULT_TIMEZONE"] = zone
        with app.test_request_context("/"):
            for _round in range(2):  # the second round reads what the first kept
                with force_locale("en"):
                    seen[zone, "en"] = template.render(moment=moment, none=None)
                with force_locale("nl"):
                    seen[zone, "nl"] = template.render(moment=moment, none=None)
    assert seen["Europe/Amsterdam", "en"] == "3/4/26, 1:30\u202fPM|"
    assert seen["America/New_York", "en"] == "3/4/26, 7:30\u202fAM|"
    assert seen["Europe/Amsterdam", "nl"] == "04-03-2026, 13:30|"
    assert seen["America/New_York", "nl"] == "04-03-2026, 07:30|"


def test_wtforms_messages_follow_the_language_from_a_catalog_read_once(app: Any) -> None:
    """WTForms' own messages come in the request's language (``crm.forms.AppForm``), from its catalog read
    once per language, not once per form as Flask-WTF does."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from crm import forms
    from crm.contacts.forms import ContactForm

    forms._wtforms_catalog.cache_clear()
    with app.test_request_context("/", method="POST"):
        for _round in range(2):
            for locale, message in (("nl", "Ongeldige keuze."), ("en", "Not a valid choice.")):
                with force_locale(locale):
                    form = ContactForm(formdata=MultiDict({"kind": "wizard"}), meta={"csrf": False})
                    assert not form.validate()
                    assert form.kind.errors == [message]
    assert forms._wtforms_catalog.cache_info().misses == 2
