"""Sign-in, first-run, password and settings forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from crm.auth.passwords import MIN_LENGTH
from crm.forms import AppForm, timezone_choices
from crm.i18n import LANGUAGES
from crm.i18n import lazy_gettext as _l
from crm.widgets import ChoiceSelect


class LoginForm(AppForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PasswordPair:
    """A new password with its confirmation, checked for length."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=1000)])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))]
    )


class FirstRunForm(AppForm, PasswordPair):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Create the administrator"))


class ResetRequestForm(AppForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(AppForm, PasswordPair):
    submit = SubmitField(_l("Set the new password"))


class AcceptInvitationForm(AppForm):
    name = StringField(_l("Your name"), validators=[Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    confirm = PasswordField(_l("Repeat the password"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Join the chapter"))


class SettingsForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"))
    # ~600 options: built once per language, not per request (crm.widgets).
    timezone = SelectField(_l("Time zone"), widget=ChoiceSelect(per_language=True))
    submit = SubmitField(_l("Save settings"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("Use my browser's language")), *LANGUAGES.items()]
        self.timezone.choices = [("", _l("Use the default time zone")), *timezone_choices()]


class ChangePasswordForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1000)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=1000)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class ConfirmForm(AppForm):
    """An empty form: a POST button with a CSRF token (sign out, delete, restore)."""

    submit = SubmitField(_l("Confirm"))
