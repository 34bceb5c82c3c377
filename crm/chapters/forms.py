"""Chapter, invitation and membership forms."""

from __future__ import annotations

from wtforms import EmailField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from crm import labels  # a module, not its names: crm.labels imports models whose packages import us
from crm.auth.models import Role
from crm.forms import AppForm, optional_int
from crm.i18n import lazy_gettext as _l


class ChapterForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"))
    country = StringField(
        _l("Country (two-letter code)"),
        validators=[DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Use a code like NL or GB."))],
    )
    parent_id = SelectField(_l("Part of"), coerce=optional_int)
    default_cadence_days = IntegerField(
        _l("Keep-warm cadence (days)"), default=30, validators=[DataRequired(), NumberRange(min=1, max=3650)]
    )
    submit = SubmitField(_l("Save chapter"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Choices set here, not in the field's constructor: WTForms 3.3 deprecates tuples passed there.
        self.kind.choices = list(labels.CHAPTER_KINDS.items())


class InviteForm(AppForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), default=Role.VOLUNTEER.value)
    submit = SubmitField(_l("Send invitation"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = list(labels.ROLES.items())


class RoleForm(AppForm):
    role = SelectField(_l("Role"))
    submit = SubmitField(_l("Change role"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = list(labels.ROLES.items())
