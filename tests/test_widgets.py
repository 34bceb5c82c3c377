"""The fast widgets render exactly the HTML of the WTForms widgets they stand in for."""

from __future__ import annotations

import datetime as dt
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
