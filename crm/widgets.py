"""Form widgets that render the same HTML as WTForms' own, faster: attributes without a Markup per value, and
select options built once per language. Lists and forms with many fields or options spend most of their
rendering time in WTForms' widgets.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import (
    CheckboxInput,
    DateInput,
    Input,
    NumberInput,
    SearchInput,
    Select,
    SubmitInput,
    TextArea,
    TextInput,
    html_params,
)
from wtforms.widgets.core import clean_key

from crm.i18n import language


def fast_html_params(**kwargs: Any) -> str:
    """Return WTForms' ``html_params`` output without building a ``Markup`` per attribute (a fraction of the cost)."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            params.append(clean_key(key))
        elif value is not False:
            params.append(f'{clean_key(key)}="{escape(value)}"')
    return " ".join(params)


def add_validation_flags(widget: Any, field: Any, kwargs: dict[str, Any]) -> None:
    """Put the field's validation flags the widget renders (``required``, ``maxlength``, …) into ``kwargs``
    unless given, as WTForms' widgets do, reading each by name instead of walking ``dir()`` (which alone cost
    more than the rest of rendering an input)."""
    flags = getattr(field, "flags", None)
    if flags is None:
        return
    for name in widget.validation_attrs:
        value = getattr(flags, name, None)  # an unset flag reads as None
        if value is not None and name not in kwargs:
            kwargs[name] = value() if callable(value) else value


class _FastInput(Input):
    """WTForms' ``Input``, the same HTML: attributes by ``fast_html_params``, flags by ``add_validation_flags``."""

    html_params = staticmethod(fast_html_params)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", self.input_type)
        if "value" not in kwargs:
            kwargs["value"] = field._value()
        datalist = getattr(field, "_datalist", None)
        if datalist is not None and "list" not in kwargs:
            kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
        add_validation_flags(self, field, kwargs)
        return Markup(f"<input {fast_html_params(name=field.name, **kwargs)}>")  # noqa: S704 - escaped


# Each keeps its WTForms class first, so that class's own __call__ (checked, a submit's value) still runs.
class FastTextInput(TextInput, _FastInput):
    """WTForms' ``TextInput`` rendered by ``_FastInput``; the same HTML."""


class FastSearchInput(SearchInput, _FastInput):
    """WTForms' ``SearchInput`` rendered by ``_FastInput``; the same HTML."""


class FastCheckboxInput(CheckboxInput, _FastInput):
    """WTForms' ``CheckboxInput`` rendered by ``_FastInput``; the same HTML."""


class FastNumberInput(NumberInput, _FastInput):
    """WTForms' ``NumberInput`` rendered by ``_FastInput``; the same HTML."""


class FastDateInput(DateInput, _FastInput):
    """WTForms' ``DateInput`` rendered by ``_FastInput``; the same HTML."""


class FastSubmitInput(SubmitInput, _FastInput):
    """WTForms' ``SubmitInput`` rendered by ``_FastInput``; the same HTML."""


class FastTextArea(TextArea):
    """WTForms' ``TextArea``, its attributes built by ``fast_html_params``; the same HTML."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        add_validation_flags(self, field, kwargs)
        params = fast_html_params(name=field.name, **kwargs)
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")  # noqa: S704 - escaped


class ChoiceSelect(Select):
    """Render a select exactly as WTForms' ``Select`` does, without building every option through ``html_params``.

    With ``per_language``, the options (whose values and labels then depend only on the language) are built
    once per language (a widget serves one field); only which one is selected is decided per request, by
    WTForms' own rule.
    """

    def __init__(self, *, per_language: bool = False) -> None:
        super().__init__()
        self.per_language = per_language
        self._cache: dict[tuple[str, tuple[Any, ...]], tuple[tuple[str, str], ...]] = {}

    @staticmethod
    def _option_pair(value: Any, label: Any) -> tuple[str, str]:
        text = f'value="{escape(str(value) if isinstance(value, bool) else value)}">{escape(label or value)}</option>'
        return f"<option {text}", f"<option selected {text}"

    def _options(self, choices: list[tuple[Any, Any]]) -> tuple[tuple[str, str], ...]:
        if not self.per_language:
            return tuple(self._option_pair(value, label) for value, label in choices)
        key = (language(), tuple(value for value, _label in choices))
        options = self._cache.get(key)
        if options is None:
            options = self._cache[key] = tuple(self._option_pair(value, label) for value, label in choices)
        return options

    def options(self, field: Any) -> Markup:
        """Return the field's <option> elements, the chosen one marked."""
        choices = [(c[0], c[1]) for c in field.choices or ()]
        coerce, data = field.coerce, field.data
        return Markup(  # noqa: S704 - values and labels escaped in _option_pair
            "".join(
                selected if coerce(value) == data else plain
                for (value, _label), (plain, selected) in zip(choices, self._options(choices), strict=True)
            )
        )

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        add_validation_flags(self, field, kwargs)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{self.options(field)}</select>")  # noqa: S704
