"""Sign-in, sign-out, first run, password reset, invitation and settings pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from crm.auth import bp, services
from crm.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    FirstRunForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SettingsForm,
)
from crm.chapters import services as chapter_services
from crm.db import get_session
from crm.errors import Invalid
from crm.forms import add_error
from crm.i18n import gettext as _
from crm.i18n import language
from crm.web import commit, safe_next

ResponseLike = Response | str


@bp.get("/login")
def login() -> ResponseLike:
    """Show the sign-in form (or the first-run page while no account exists)."""
    if current_user.is_authenticated:
        return redirect(safe_next())
    if not services.has_users(get_session()):
        return redirect(url_for("auth.first_run"))
    return render_template("auth/login.html", form=LoginForm(next=request.args.get("next", "")))


@bp.post("/login")
def login_post() -> ResponseLike:
    """Sign in, throttled per account and per address."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    session = get_session()
    try:
        user = services.sign_in(
            session,
            email=form.email.data or "",
            password=form.password.data or "",
            address=request.remote_addr or "unknown",
        )
    except (Invalid, services.Throttled) as error:
        commit()  # failures must count even though sign-in failed
        form.form_errors.append(str(error))
        return render_template("auth/login.html", form=form), 429 if isinstance(error, services.Throttled) else 400
    commit()
    login_user(user, remember=bool(form.remember.data))
    return redirect(safe_next())


@bp.post("/logout")
@login_required
def logout() -> ResponseLike:
    """Sign out everywhere: rotating the session token kills every copy of the cookie."""
    services.sign_out(get_session(), current_user)
    commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/setup")
def first_run() -> ResponseLike:
    """Show the form that creates the first administrator; gone once any account exists."""
    if services.has_users(get_session()):
        abort(404)
    return render_template("auth/first_run.html", form=FirstRunForm())


@bp.post("/setup")
def first_run_post() -> ResponseLike:
    """Create the first administrator and sign them in."""
    session = get_session()
    if services.has_users(session):
        abort(404)
    form = FirstRunForm()
    if form.validate_on_submit():
        try:
            user = services.create_first_admin(
                session, email=form.email.data or "", name=form.name.data or "", password=form.password.data or ""
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            login_user(user)
            flash(_("Welcome! Start by creating a chapter."), "success")
            return redirect(url_for("chapters.new"))
    return render_template("auth/first_run.html", form=form), 400


@bp.get("/reset")
def reset_request() -> ResponseLike:
    """Show the form asking for a password reset link."""
    return render_template("auth/reset_request.html", form=ResetRequestForm())


@bp.post("/reset")
def reset_request_post() -> ResponseLike:
    """Email a reset link if the account exists; answer the same either way."""
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form), 400
    services.request_password_reset(get_session(), email=form.email.data or "", locale=language())
    commit()
    flash(_("If that address has an account, a reset link is on its way."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/reset/<token>")
def reset_password(token: str) -> ResponseLike:
    """Show the new-password form for a valid reset link."""
    if services.user_for_reset_token(get_session(), token) is None:
        return render_template("auth/link_invalid.html"), 404
    return render_template("auth/reset_password.html", form=ResetPasswordForm())


@bp.post("/reset/<token>")
def reset_password_post(token: str) -> ResponseLike:
    """Set the new password; the link cannot be used again."""
    session = get_session()
    user = services.user_for_reset_token(session, token)
    if user is None:
        return render_template("auth/link_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(session, user, form.password.data or "")
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400


@bp.get("/invitation/<token>")
def accept_invitation(token: str) -> ResponseLike:
    """Show the form where an invitee sets their password and joins the chapter."""
    invitation = chapter_services.invitation_for_token(get_session(), token)
    if invitation is None:
        return render_template("auth/link_invalid.html"), 404
    return render_template("auth/accept_invitation.html", form=AcceptInvitationForm(), invitation=invitation)


@bp.post("/invitation/<token>")
def accept_invitation_post(token: str) -> ResponseLike:
    """Join the chapter, creating the account when the address has none."""
    session = get_session()
    invitation = chapter_services.invitation_for_token(session, token)
    if invitation is None:
        return render_template("auth/link_invalid.html"), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = chapter_services.accept_invitation(
                session,
                invitation,
                name=form.name.data or "",
                password=form.password.data or "",
                confirm=form.confirm.data,
                address=request.remote_addr or "unknown",
            )
        except services.Throttled as error:
            commit()  # a failed password check counts towards throttling, as at sign-in
            form.form_errors.append(str(error))
        except Invalid as error:
            commit()
            add_error(form, error)
        else:
            commit()
            login_user(user)
            flash(_("Welcome to %(chapter)s!", chapter=invitation.chapter.name), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), 400


@bp.get("/settings")
@login_required
def settings() -> ResponseLike:
    """Show the user's own settings and password form."""
    form = SettingsForm(obj=current_user, language=current_user.language or "", timezone=current_user.timezone or "")
    return render_template("auth/settings.html", form=form, password_form=ChangePasswordForm())


@bp.post("/settings")
@login_required
def settings_post() -> ResponseLike:
    """Save name, language and time zone."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return render_template("auth/settings.html", form=form, password_form=ChangePasswordForm()), 400
    services.update_settings(
        get_session(), current_user, name=form.name.data or "", language=form.language.data, timezone=form.timezone.data
    )
    commit()
    flash(_("Your settings are saved."), "success")
    return redirect(url_for("auth.settings"))


@bp.post("/settings/password")
@login_required
def change_password() -> ResponseLike:
    """Change the password; every other session ends, this one continues."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                get_session(), current_user, current=form.current_password.data or "", new=form.new_password.data or ""
            )
        except Invalid as error:
            add_error(form, error)
        else:
            commit()
            # Re-issue the session (and, when this device had one, the remember cookie) with the new token.
            remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remember)
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("auth.settings"))
    settings_form = SettingsForm(obj=current_user)
    return render_template("auth/settings.html", form=settings_form, password_form=form), 400
