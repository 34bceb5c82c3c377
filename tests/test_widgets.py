"""The fast widgets render exactly the HTML of the WTForms widgets they stand in for."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Form,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import (
    CheckboxInput,
    DateInput,
    NumberInput,
    SearchInput,
    Select,
    SubmitInput,
    TextArea,
    TextInput,
)

from crm.widgets import (
    ChoiceSelect,
    FastCheckboxInput,
    FastDateInput,
    FastNumberInput,
    FastSearchInput,
    FastSubmitInput,
    FastTextArea,
    FastTextInput,
)

NAMES = ("name", "q", "agree", "count", "day", "save", "note", "kind")


def _form_class(w: dict[str, Any]) -> type[Form]:
    """The same fields, with WTForms' widgets or with ours (``w`` maps a field to its widget)."""

    class Shown(Form):
        name = StringField("Name", validators=[DataRequired(), Length(min=2, max=20)], widget=w["name"])
        q = SearchField("Search", validators=[Optional(), Length(max=200)], widget=w["q"])
        agree = BooleanField("Agree", widget=w["agree"])
        count = IntegerField("Count", validators=[NumberRange(min=1, max=9)], widget=w["count"])
        day = DateField("Day", validators=[Optional()], widget=w["day"])
        save = SubmitField("Save <now>", widget=w["save"])
        note = TextAreaField("Note", validators=[InputRequired(), Length(min=0, max=50)], widget=w["note"])
        kind = SelectField("Kind", validators=[InputRequired()], widget=w["kind"])

    return Shown


Plain = _form_class(
    {"name": TextInput(), "q": SearchInput(), "agree": CheckboxInput(), "count": NumberInput(step=1),
     "day": DateInput(), "save": SubmitInput(), "note": TextArea(), "kind": Select()}
)  # fmt: skip
Fast = _form_class(
    {"name": FastTextInput(), "q": FastSearchInput(), "agree": FastCheckboxInput(), "count": FastNumberInput(step=1),
     "day": FastDateInput(), "save": FastSubmitInput(), "note": FastTextArea(), "kind": ChoiceSelect()}
)  # fmt: skip


def _forms(*args: Any, **kwargs: Any) -> tuple[Form, Form]:
    plain, fast = Plain(*args, **kwargs), Fast(*args, **kwargs)
    for form in (plain, fast):
        form.kind.choices = [("a", "A & B"), ("b", "<B>")]  # as the app's forms set them
    return plain, fast


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "name": 'a "quoted" <b>',
            "q": "x&y",
            "agree": "y",
            "count": "3",
            "day": "2026-11-25",
            "note": "<n>",
            "kind": "b",
        },
        {"name": "", "count": "not a number", "day": "never"},
    ],
)
@pytest.mark.parametrize(
    "kwargs", [{}, {"class": "primary", "placeholder": "Type <here>"}, {"aria_invalid": "true", "required": False}]
)
def test_fast_widgets_render_the_same_html(data: dict[str, str], kwargs: dict[str, Any]) -> None:
    plain, fast = _forms(MultiDict(data))
    plain.validate()
    fast.validate()
    for name in NAMES:
        assert str(fast[name](**kwargs)) == str(plain[name](**kwargs)), name


def test_fast_widgets_keep_a_given_value_and_the_datalist() -> None:
    plain, fast = _forms(data={"day": dt.date(2026, 1, 2)})
    assert str(fast.day()) == str(plain.day())
    assert str(fast.name(value="given", list="names")) == str(plain.name(value="given", list="names"))


def test_field_html_labels_hints_and_errors_escaped(app: Any) -> None:
    from wtforms import HiddenField, SelectField

    from crm.form_html import field, post_button, select_field
    from crm.widgets import ChoiceSelect

    class Shown(Form):
        name = StringField("Name <b>", validators=[DataRequired()], widget=FastTextInput())
        agree = BooleanField("Agree", widget=FastCheckboxInput())
        token = HiddenField(default="t&1")
        kind = SelectField("Kind", widget=ChoiceSelect())

    form = Shown(MultiDict({"kind": "b"}))
    form.kind.choices = [("a", "A & B"), ("b", "<B>")]  # as the app's forms set them
    assert not form.validate()
    form.agree.errors = ["Say <yes>"]
    html = str(field(form.name, hint="Your <full> name", placeholder="x"))
    assert '<div class="field has-error">' in html
    assert '<label for="name">Name &lt;b&gt;</label>' in html
    assert 'aria-describedby="name-error" aria-invalid="true"' in html
    assert 'placeholder="x"' in html
    assert '<p class="hint">Your &lt;full&gt; name</p>' in html
    assert '<p class="error" id="name-error">This field is required.</p>' in html
    check = str(field(form.agree))
    assert '<div class="field check has-error">' in check
    assert '<p class="error" id="agree-error">Say &lt;yes&gt;</p>' in check
    assert str(field(form.token)) == '<input id="token" name="token" type="hidden" value="t&amp;1">'
    select = str(select_field(form.kind))
    assert '<select id="kind" name="kind"><option value="a">A &amp; B</option>' in select
    assert '<option selected value="b">&lt;B&gt;</option></select>' in select
    with app.test_request_context("/"):
        button = str(post_button('/x?a=1&b="2"', "Remove <it>", "danger"))
    assert 'action="/x?a=1&amp;b=&#34;2&#34;"' in button
    assert '<button type="submit" class="danger">Remove &lt;it&gt;</button>' in button
    assert re.search(r'name="csrf_token" value="[^"]+"', button)
