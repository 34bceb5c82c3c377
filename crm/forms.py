"""Form helpers shared by every domain: mapping service errors back onto fields, choice lists."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from babel.support import Translations
from flask import current_app
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from crm.errors import Invalid
from crm.i18n import language


@cache
def _wtforms_catalog(language_code: str) -> Translations:
    return Translations.load(messages_path(), [language_code], domain="wtforms")


class AppForm(FlaskForm):
    """The base of the app's forms: WTForms' own messages ("Not a valid integer value.") in the request's
    language, from WTForms' catalog read once per language. Flask-WTF reads the file again for every form
    a request builds, and looks it up through the request for every label it translates."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalog(language())


def add_error(form: FlaskForm, error: Invalid) -> None:
    """Show a service's Invalid next to its field, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]  # type: ignore[list-item]
    else:
        form.form_errors.append(error.message)


def optional_int(value: object) -> int | None:
    """Coerce a select's value to int, with "" meaning none."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[call-overload, no-any-return]


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Return every IANA time zone as a choice (read from the system's tz database once)."""
    return [(tz, tz) for tz in sorted(available_timezones()) if "/" in tz and not tz.startswith("Etc/")]


def enum_choices(labels: dict[str, str], values: Iterable[str]) -> list[tuple[str, str]]:
    """Pair each enum value with its translated label."""
    return [(value, labels[value]) for value in values]
