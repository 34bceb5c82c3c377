"""Language and time zone selection (Flask-Babel), and the translation functions the app uses.

``gettext``, ``ngettext`` and ``lazy_gettext`` behave as Flask-Babel's, but look the request's catalog up once
per request instead of on every call: Flask-Babel resolves the domain, the locale and the catalog through
several ``g`` lookups per string (about 9 µs), and a page translates a hundred strings. Templates get the same
functions (``_``, ``gettext``, ``ngettext``) and a cached ``number`` filter.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import flask_babel
from babel import dates, numbers
from babel.support import NullTranslations
from flask import Flask, current_app, request
from flask.globals import _cv_app
from flask_babel import Domain, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from crm.extensions import babel

LANGUAGES = {"en": "English", "nl": "Nederlands"}
_NO_TRANSLATIONS = NullTranslations()


def select_locale() -> str:
    """Use the signed-in user's language, else the browser's Accept-Language, else the default."""
    language = getattr(current_user, "language", None)
    if language in LANGUAGES:
        return language  # type: ignore[return-value]
    best = request.accept_languages.best_match(list(LANGUAGES)) if request else None
    return best or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    """Use the signed-in user's time zone, else the configured default."""
    timezone = getattr(current_user, "timezone", None)
    return timezone or current_app.config["DEFAULT_TIMEZONE"]  # type: ignore[no-any-return]


def _current() -> tuple[Any, NullTranslations, str]:
    """Return (locale, catalog, language code) of the current context, remembered in Flask-Babel's own
    per-context namespace. It is keyed by the locale object: ``force_locale`` and ``refresh`` replace that
    object, so the next call looks the catalog up again. The app context is read from Flask's context variable:
    a page asks a hundred times, and ``g``'s proxy costs more than the rest of the lookup."""
    app_context = _cv_app.get(None)
    if app_context is None:
        raise RuntimeError("Working outside of application context.")
    try:
        babel_context = app_context.g._flask_babel
        remembered = babel_context.crm_catalog
        if remembered[0] is babel_context.babel_locale:
            return remembered  # type: ignore[no-any-return]
    except AttributeError:
        pass  # nothing remembered yet in this context
    catalog = get_translations()  # selects the locale if needed, and creates g._flask_babel
    babel_context = app_context.g._flask_babel
    locale = babel_context.babel_locale
    babel_context.crm_catalog = (locale, catalog, str(locale))
    return babel_context.crm_catalog  # type: ignore[no-any-return]


def translations() -> NullTranslations:
    """Return the current context's catalog (none outside an app context, as Flask-Babel)."""
    try:
        return _current()[1]
    except RuntimeError:  # no app context
        return _NO_TRANSLATIONS


def language() -> str:
    """Return the current language code ("nl", "en"), as ``str(flask_babel.get_locale())``; outside an app
    context, English (the language of the messages in the code)."""
    try:
        return _current()[2]
    except RuntimeError:  # no app context
        return "en"


def gettext(string: str, **variables: Any) -> str:
    """Translate ``string``, then fill in ``variables`` (Flask-Babel's ``gettext``)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate the singular or plural form for ``num``; ``%(num)s`` is filled in (Flask-Babel's ``ngettext``)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables  # type: ignore[no-any-return]


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Return a string translated when it is used (Flask-Babel's ``lazy_gettext``)."""
    return LazyString(gettext, string, **variables)


@lru_cache(maxsize=4096)
def _format_number(number: int | float, language_code: str) -> str:
    return numbers.format_decimal(number, locale=language_code)


def format_number(number: int | float) -> str:
    """Format ``number`` for the current language ("12.345" in Dutch); the same numbers recur on every page."""
    return _format_number(number, language())


@lru_cache(maxsize=8192)
def _format_day(day: dt.date, format: str, language_code: str) -> str:
    return dates.format_date(day, format=format, locale=language_code)


def format_day(day: dt.date | None, format: str = "medium") -> str:
    """Format a date (not a datetime: no time zone applies) for the current language; "" for none. Cached:
    Babel takes about 10 µs a date, and the dates on a page recur (election days, term ends)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        return flask_babel.format_date(day, format)  # type: ignore[no-any-return]
    return _format_day(day, format, language())


@lru_cache(maxsize=8192)
def _format_moment(moment: dt.datetime, format: str | None, _language: str, _timezone: Any) -> str:
    return flask_babel.format_datetime(moment, format)  # type: ignore[no-any-return]


def format_datetime(moment: dt.datetime | None, format: str | None = None) -> str:
    """Format a moment in the user's time zone and language (Flask-Babel's ``format_datetime``); "" for none.
    Kept per language and time zone: Babel takes about 25 µs a moment, and a record's moments are shown again
    each time its page is."""
    if moment is None:
        return ""
    return _format_moment(moment, format, language(), flask_babel.get_timezone())


def init_babel(app: Flask) -> None:
    """Bind Flask-Babel with our selectors and one translations domain for the app's lifetime."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel 4.0 builds a new Domain, with an empty cache, for every request, so each request would read
    # and parse the .mo file again. One Domain kept here caches each language's catalog once.
    domain = Domain()
    app.before_request(domain.as_default)
    # Templates call these directly: Jinja's own ``_`` goes through two more ``Context.call`` layers per string.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)


# As Jinja's "newstyle" gettext: the translation is always a format string, and in an autoescaped template the
# values filled in are escaped.
@pass_eval_context
def _template_gettext(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
    if eval_context.autoescape and not variables:
        return _translated_markup(string)
    text = translations().ugettext(string)
    return (Markup(text) if eval_context.autoescape else text) % variables  # noqa: S704 - a translated literal


def _translated_markup(string: str) -> Markup:
    """Return what ``_template_gettext`` makes of ``string`` with no variables, kept with the catalog: most of
    a page's strings have none, and formatting each again (``Markup.__mod__``) cost more than the lookup."""
    catalog = translations()
    kept: dict[str, Markup] | None = getattr(catalog, "crm_markup", None)
    if kept is None:
        kept = catalog.crm_markup = {}  # type: ignore[attr-defined]
    text = kept.get(string)
    if text is None:
        text = kept[string] = Markup(catalog.ugettext(string)) % {}  # noqa: S704 - a translated literal
    return text


@pass_eval_context
def _template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_context.autoescape else text) % variables  # noqa: S704 - a translated literal
