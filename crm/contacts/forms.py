"""Contact forms: the create/edit form, the list's filter form, and the small forms on the contact page.

Forms check shape only; the contacts service checks meaning and its ``Invalid`` lands beside the field.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import takewhile
from typing import Any

from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import (
    Select,
    html_params,
)

from crm import labels  # a module, not its names: crm.labels imports our models
from crm.contacts import countries
from crm.contacts.fields import LABELS, METHOD_FIELDS, SCALAR_FIELDS, UNDERSTANDING_FIELDS
from crm.contacts.models import Contact, ContactKind, MethodKind, Stance, Understanding
from crm.contacts.names import joined_name
from crm.contacts.queries import ContactFilters
from crm.forms import AppForm, enum_choices, optional_int
from crm.i18n import lazy_gettext as _l
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

# Blank rows offered below a contact's existing ones, so a new one can be added without JavaScript.
BLANK_ROWS = {"emails": 2, "phones": 2, "addresses": 1, "links": 2, "external_ids": 2}
PRIORITY_CHOICES = [(None, _l("None")), (1, _l("1 (highest)")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 (lowest)"))]
SORT_CHOICES = [
    ("name", _l("Name (A–Z)")),
    ("-name", _l("Name (Z–A)")),
    ("updated", _l("Recently changed")),
    ("created", _l("Recently added")),
]


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class CountrySelect(Select):
    """Render a country select: the field's own leading choices, then every country from a cache."""

    def options(self, field: Any) -> Markup:
        """Return the <option> elements: the field's own leading choices (before the first country), then every
        country."""
        lead = "".join(
            f"<option {html_params(value=value, selected=(field.data or '') == value)}>{escape(label)}</option>"
            for value, label in takewhile(lambda choice: choice[0] not in countries.CODES, field.choices)
        )
        return Markup(lead) + countries.options_html(field.data)  # noqa: S704 - escaped, attributes by html_params

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{self.options(field)}</select>")  # noqa: S704


class MethodForm(Form):
    """One labelled email address, phone number, postal address or link (a row of a FieldList)."""

    label = StringField(_l("Label"), widget=FastTextInput())
    value = StringField(_l("Value"), widget=FastTextInput())


class ExternalIdForm(Form):
    """One identifier in another system."""

    scheme = StringField(_l("System"), widget=FastTextInput())
    value = StringField(_l("Identifier"), widget=FastTextInput())


def _understanding(name: str) -> SelectField:
    return SelectField(LABELS[name], default=Understanding.UNKNOWN.value, widget=ChoiceSelect(per_language=True))


def _text(label: Any, max_length: int) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)], widget=FastTextInput())


def _long_text(label: Any, max_length: int) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], widget=FastTextArea())


def _enum_choices() -> dict[str, list[tuple[str, Any]]]:
    """Return the translated choices of the enumerations (labels are read late, see the import above)."""
    return {
        "kind": enum_choices(labels.CONTACT_KINDS, ContactKind),
        "stance": enum_choices(labels.STANCES, Stance),
        **dict.fromkeys(UNDERSTANDING_FIELDS, enum_choices(labels.UNDERSTANDING, Understanding)),
    }


class ContactForm(AppForm):
    # Chapter and holders are checked by the service (a chapter out of sight answers 404, a holder who is not
    # a member is refused beside the field), so a post need not load the choices.
    # Widgets that build their attributes cheaply (see fast_html_params): the form has some fifty inputs.
    chapter_id = SelectField(LABELS["chapter_id"], coerce=optional_int, validate_choice=False, widget=ChoiceSelect())
    honorific = _text(LABELS["honorific"], 60)
    given_name = _text(LABELS["given_name"], 120)
    name_prefix = _text(LABELS["name_prefix"], 40)
    family_name = _text(LABELS["family_name"], 120)
    display_name = _text(LABELS["display_name"], 300)
    kind = SelectField(LABELS["kind"], default=ContactKind.REPRESENTATIVE.value, widget=ChoiceSelect(per_language=True))
    country = SelectField(LABELS["country"], validate_choice=False, filters=[_upper], widget=CountrySelect())
    constituency = _text(LABELS["constituency"], 200)
    stance = SelectField(LABELS["stance"], default=Stance.UNKNOWN.value, widget=ChoiceSelect(per_language=True))
    stance_note = _text(LABELS["stance_note"], 2000)
    is_target = BooleanField(LABELS["is_target"], widget=FastCheckboxInput())
    priority = SelectField(LABELS["priority"], coerce=optional_int, widget=ChoiceSelect(per_language=True))
    goals = _long_text(LABELS["goals"], 20_000)
    understands_catastrophic_risk = _understanding("understands_catastrophic_risk")
    understands_ai = _understanding("understands_ai")
    understands_global_coordination = _understanding("understands_global_coordination")
    technical_background = _understanding("technical_background")
    background = _long_text(LABELS["background"], 20_000)
    emails = FieldList(FormField(MethodForm))
    phones = FieldList(FormField(MethodForm))
    addresses = FieldList(FormField(MethodForm))
    links = FieldList(FormField(MethodForm))
    tags = _text(LABELS["tags"], 2000)
    holder_ids = SelectMultipleField(LABELS["holder_ids"], coerce=int, validate_choice=False)
    cadence_days = IntegerField(
        LABELS["cadence_days"], validators=[Optional(), NumberRange(min=1, max=3650)], widget=FastNumberInput()
    )
    external_ids = FieldList(FormField(ExternalIdForm))
    notes = _long_text(LABELS["notes"], 100_000)
    submit = SubmitField(_l("Save contact"), widget=FastSubmitInput())
    # Each offered chapter's default keep-warm cadence, for the hint beside the cadence field.
    chapter_cadences: dict[int, int] = {}  # replaced per form by the view, never mutated

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are set here, not in the fields' constructors: WTForms 3.3 deprecates tuples passed there.
        for name, choices in _enum_choices().items():
            self[name].choices = choices
        self.priority.choices = PRIORITY_CHOICES
        self.country.choices = [("", _l("None")), *countries.choices()]

    def add_blank_rows(self) -> None:
        """Offer empty rows below the filled ones in every repeated group."""
        for name, count in BLANK_ROWS.items():
            for _ in range(count):
                getattr(self, name).append_entry()

    def contact_fields(self, submitted: Collection[str] | None = None) -> dict[str, Any]:
        """Return the form's data as keyword arguments of the contacts service.

        With ``submitted`` (the posted keys), repeated groups and tags that were not posted at all are left
        out, so a partial post leaves them as they are.
        """
        data: dict[str, Any] = {name: getattr(self, name).data for name in (*SCALAR_FIELDS, "holder_ids")}
        data["country"] = data["country"] or None
        data["tags"] = (self.tags.data or "").split(",")
        for name in METHOD_FIELDS:
            data[name] = [(row.form.label.data or "", row.form.value.data or "") for row in getattr(self, name)]
        data["external_ids"] = [(row.form.scheme.data or "", row.form.value.data or "") for row in self.external_ids]
        if submitted is not None:
            for name in (*METHOD_FIELDS, "external_ids", "tags"):
                if not any(key == name or key.startswith(f"{name}-") for key in submitted):
                    del data[name]
        return data


def contact_form_data(contact: Contact) -> dict[str, Any]:
    """Return an edit form's initial data; a display name that is just the joined parts is left empty."""
    data: dict[str, Any] = {
        name: getattr(contact, name)
        for name in (
            "honorific",
            "given_name",
            "name_prefix",
            "family_name",
            "display_name",
            "constituency",
            "is_target",
            "priority",
            "goals",
            "background",
            "cadence_days",
            "notes",
        )
    }
    data.update({name: getattr(contact, name).value for name in ("kind", "stance", *UNDERSTANDING_FIELDS)})
    if contact.display_name == joined_name(contact.given_name, contact.name_prefix, contact.family_name):
        data["display_name"] = ""
    data["country"] = contact.country or ""
    data["tags"] = ", ".join(tag.name for tag in contact.tags)
    data["holder_ids"] = [user.id for user in contact.holders]
    kinds = {kind: name for name, kind in METHOD_FIELDS.items()}
    for name in METHOD_FIELDS:
        data[name] = []
    for method in contact.methods:
        data[kinds[MethodKind(method.kind)]].append({"label": method.label, "value": method.value})
    data["external_ids"] = [{"scheme": e.scheme, "value": e.value} for e in contact.external_ids]
    return data


class ContactFilterForm(AppForm):
    """The list's GET form; a value it does not understand is ignored and marked beside its field."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)], widget=FastSearchInput())
    # "" (the "any" choice) when not given: no value means no filter, not a value that is not understood.
    kind = SelectField(LABELS["kind"], default="", widget=ChoiceSelect(per_language=True))
    stance = SelectField(LABELS["stance"], default="", widget=ChoiceSelect(per_language=True))
    target = BooleanField(
        _l("Ultimate targets only"), false_values=("", "0", "false", "off", "no"), widget=FastCheckboxInput()
    )
    holder = SelectField(_l("Held by"), default="", widget=ChoiceSelect())
    # Checked in filters() against the code list: matching 250 choices one by one costs more than the page.
    country = SelectField(LABELS["country"], filters=[_upper], widget=CountrySelect(), validate_choice=False)
    chapter = SelectField(LABELS["chapter_id"], coerce=optional_int, widget=ChoiceSelect())
    tag = StringField(_l("Tag"), validators=[Optional(), Length(max=60)], widget=FastTextInput())
    sort = SelectField(_l("Sort by"), default="name", widget=ChoiceSelect(per_language=True))

    def __init__(
        self, *args: Any, chapters: list[tuple[int, str]], holders: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        enums = _enum_choices()
        self.kind.choices = [("", _l("Any kind")), *enums["kind"]]
        self.stance.choices = [("", _l("Any stance")), *enums["stance"]]
        self.sort.choices = SORT_CHOICES
        self.country.choices = [("", _l("Any country")), *countries.choices()]
        self.chapter.choices = [(None, _l("All my chapters")), *chapters]
        self.holder.choices = [("", _l("Anyone")), ("me", _l("Me")), *holders]

    def filters(self, user_id: int) -> ContactFilters:
        """Validate and return the filters; a field with a value it does not understand counts as unset."""
        self.validate()
        ok = {name: not field.errors for name, field in self._fields.items()}
        ok["country"] = ok["country"] and (not self.country.data or self.country.data in countries.CODES)
        for name, understood in ok.items():
            if not understood:
                self[name].errors = [_l("Not understood, so this filter is ignored.")]
        holder = self.holder.data if ok["holder"] else ""
        return ContactFilters(
            q=(self.q.data or "").strip() if ok["q"] else "",
            kind=ContactKind(self.kind.data) if ok["kind"] and self.kind.data else None,
            stance=Stance(self.stance.data) if ok["stance"] and self.stance.data else None,
            target=bool(self.target.data),
            holder_id=user_id if holder == "me" else (int(holder) if holder else None),
            country=self.country.data or None if ok["country"] else None,
            chapter_id=self.chapter.data if ok["chapter"] else None,
            tag=(self.tag.data or "").strip() or None if ok["tag"] else None,
            sort=self.sort.data if ok["sort"] and self.sort.data else "name",
        )


# The two forms on the contact page, rendered on every view of it: their widgets build attributes cheaply.
class PositionForm(AppForm):
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=300)], widget=FastTextInput())
    title = StringField(_l("Title or role"), validators=[Optional(), Length(max=300)], widget=FastTextInput())
    start_date = DateField(_l("Start date"), validators=[Optional()], widget=FastDateInput())
    end_date = DateField(_l("End date"), validators=[Optional()], widget=FastDateInput())
    # not "submit": two forms share the contact page
    add_position = SubmitField(_l("Add position"), widget=FastSubmitInput())


class ListensToForm(AppForm):
    trusted = StringField(
        _l("Listens to (name or number)"), validators=[DataRequired(), Length(max=200)], widget=FastTextInput()
    )
    note = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=5000)], widget=FastTextArea())
    add_link = SubmitField(_l("Add link"), widget=FastSubmitInput())
