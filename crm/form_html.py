"""The markup around form fields that every form page repeats: a field with its label, hint and errors, a select
with its label, a one-button POST form. Template globals (``field``, ``select_field``, ``post_button``).

They were Jinja macros; a macro call costs several times what the same few lines of Python do, and a contact
page calls a dozen of them. Every value is escaped (``markupsafe.escape``); widgets return markup already.
"""

from __future__ import annotations

from typing import Any

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

HIDDEN_TYPES = frozenset({"HiddenField", "CSRFTokenField"})


def _errors(f: Any) -> str:
    return "".join(f'<p class="error" id="{escape(f.id)}-error">{escape(error)}</p>' for error in f.errors)


def _label(f: Any) -> str:
    return f'<label for="{escape(f.id)}">{escape(f.label.text)}</label>'


def field(f: Any, hint: Any = None, **kwargs: Any) -> Markup:
    """Render a field with its label (written out: WTForms' ``Label`` costs more), errors and an optional
    hint; a field with errors is marked invalid and described by them. ``kwargs`` go to the widget."""
    if f.type in HIDDEN_TYPES:
        return Markup(f())  # noqa: S704 - a widget's own markup
    has_error = " has-error" if f.errors else ""
    label = _label(f)
    if f.type == "BooleanField":
        return Markup(  # noqa: S704 - escaped above; widgets return markup
            f'<div class="field check{has_error}">\n    {f(**kwargs)} {label}\n    {_errors(f)}\n  </div>'
        )
    widget = f(aria_invalid="true", aria_describedby=f"{f.id}-error", **kwargs) if f.errors else f(**kwargs)
    hint_html = f'<p class="hint">{escape(hint)}</p>' if hint else ""
    return Markup(  # noqa: S704 - escaped above; widgets return markup
        f'<div class="field{has_error}">\n    {label}\n    {widget}\n    {hint_html}\n    {_errors(f)}\n  </div>'
    )


def select_field(f: Any) -> Markup:
    """Render a select whose widget builds its options cheaply (``crm.widgets.ChoiceSelect``,
    ``crm.contacts.forms.CountrySelect``): the same markup as ``field``, without WTForms building attributes."""
    invalid = f'aria-describedby="{escape(f.id)}-error" aria-invalid="true" ' if f.errors else ""
    return Markup(  # noqa: S704 - escaped here; the options escape their values and labels
        f'<div class="field{" has-error" if f.errors else ""}">\n'
        f"    {_label(f)}\n"
        f'    <select {invalid}id="{escape(f.id)}" name="{escape(f.name)}">{f.widget.options(f)}</select>\n'
        f"    {_errors(f)}\n  </div>"
    )


def post_button(action: str, label: Any, cls: str = "") -> Markup:
    """Render a form of one button that POSTs to ``action`` with the CSRF token."""
    return Markup(  # noqa: S704 - every value escaped
        f'<form method="post" action="{escape(action)}" class="inline">\n'
        f'    <input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">\n'
        f'    <button type="submit" class="{escape(cls)}">{escape(label)}</button>\n  </form>'
    )


TEMPLATE_GLOBALS = {"field": field, "select_field": select_field, "post_button": post_button}
