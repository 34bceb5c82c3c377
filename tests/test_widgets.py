"""The fast widgets render exactly the HTML of the WTForms widgets they stand in for."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, Form, IntegerField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, DateInput, NumberInput, SearchInput, SubmitInput, TextInput

from crm.widgets import (
    FastCheckboxInput,
    FastDateInput,
    FastNumberInput,
    FastSearchInput,
    FastSubmitInput,
    FastTextInput,
)


class Plain(Form):
    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=20)], widget=TextInput())
    q = SearchField("Search", validators=[Optional(), Length(max=200)], widget=SearchInput())
    agree = BooleanField("Agree", widget=CheckboxInput())
    count = IntegerField("Count", validators=[NumberRange(min=1, max=9)], widget=NumberInput(step=1))
    day = DateField("Day", validators=[Optional()], widget=DateInput())
    save = SubmitField("Save <now>", widget=SubmitInput())


class Fast(Form):
    name = StringField("Name", validators=[DataRequired(), Length(min=2, max=20)], widget=FastTextInput())
    q = SearchField("Search", validators=[Optional(), Length(max=200)], widget=FastSearchInput())
    agree = BooleanField("Agree", widget=FastCheckboxInput())
    count = IntegerField("Count", validators=[NumberRange(min=1, max=9)], widget=FastNumberInput(step=1))
    day = DateField("Day", validators=[Optional()], widget=FastDateInput())
    save = SubmitField("Save <now>", widget=FastSubmitInput())


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": 'a "quoted" <b>', "q": "x&y", "agree": "y", "count": "3", "day": "2026-11-25"},
        {"name": "", "count": "not a number", "day": "never"},
    ],
)
@pytest.mark.parametrize(
    "kwargs", [{}, {"class": "primary", "placeholder": "Type <here>"}, {"aria_invalid": "true", "required": False}]
)
def test_fast_widgets_render_the_same_html(data: dict[str, str], kwargs: dict[str, Any]) -> None:
    plain, fast = Plain(MultiDict(data)), Fast(MultiDict(data))
    plain.validate()
    fast.validate()
    for name in ("name", "q", "agree", "count", "day", "save"):
        assert str(fast[name](**kwargs)) == str(plain[name](**kwargs)), name


def test_fast_widgets_keep_a_given_value_and_the_datalist() -> None:
    plain, fast = Plain(data={"day": dt.date(2026, 1, 2)}), Fast(data={"day": dt.date(2026, 1, 2)})
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
