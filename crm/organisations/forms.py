"""Organisation forms: the edit form and the list's search and filter form (shape checks only)."""

from __future__ import annotations

from typing import Any

from wtforms import SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.contacts import countries
from crm.forms import AppForm, optional_int
from crm.i18n import lazy_gettext as _l
from crm.labels import ORGANISATION_KINDS
from crm.organisations.services import NAME_MAX, NOTES_MAX, WEBSITE_MAX

SORT_CHOICES = [("name", _l("Name, A to Z")), ("-name", _l("Name, Z to A")), ("recent", _l("Recently changed"))]


class OrganisationForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), validators=[DataRequired(message=_l("Choose a kind."))])
    chapter_id = SelectField(_l("Chapter"), coerce=optional_int)
    country = SelectField(_l("Country"), validators=[Optional()])
    parent = StringField(_l("Part of"), validators=[Length(max=NAME_MAX + 40)])
    website = StringField(_l("Website"), validators=[Length(max=WEBSITE_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=NOTES_MAX)])
    submit = SubmitField(_l("Save organisation"))

    def __init__(self, *args: Any, chapters: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        """``chapters``: the (id, name) choices for a new organisation; None on edit (the chapter stays)."""
        super().__init__(*args, **kwargs)
        # Choices are set here, not in the fields: WTForms 3.3 deprecates tuples given to a field's constructor.
        self.kind.choices = [("", _l("Choose a kind")), *ORGANISATION_KINDS.items()]
        self.country.choices = [("", _l("None or several")), *countries.choices()]
        if chapters is None:
            del self.chapter_id
        else:
            self.chapter_id.choices = chapters


class OrganisationFilterForm(AppForm):
    """Read from the query string, so it needs no CSRF token; odd values are ignored by the view."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name contains"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"))
    country = SelectField(_l("Country"))
    chapter = SelectField(_l("Chapter"), coerce=optional_int)
    sort = SelectField(_l("Sort by"), default="name")

    def __init__(self, *args: Any, chapters: list[tuple[int, str]], codes: list[str], **kwargs: Any) -> None:
        """``chapters``: the visible (id, name) pairs; ``codes``: the countries organisations are in."""
        super().__init__(*args, **kwargs)
        in_use = set(codes)
        self.kind.choices = [("", _l("All kinds")), *ORGANISATION_KINDS.items()]
        self.country.choices = [("", _l("All countries")), *(c for c in countries.choices() if c[0] in in_use)]
        self.chapter.choices = [(None, _l("All chapters")), *chapters]
        self.sort.choices = list(SORT_CHOICES)
