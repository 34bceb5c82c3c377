"""Request-wide web concerns: security headers, safe redirects and template helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, abort, current_app, request, url_for

from crm import form_html
from crm.i18n import LANGUAGES, format_datetime, format_day, format_number, language
from crm.text import render_markdown

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def is_safe_next(target: str | None) -> bool:
    """Tell whether ``target`` is a path on this site (rejects //evil, \\\\evil, /\\evil, schemes, encodings)."""
    if not target or len(target) > 2000:
        return False
    for candidate in (target, unquote(target), unquote(unquote(target))):
        if "\\" in candidate or any(ord(c) < 32 or ord(c) == 127 for c in candidate):
            return False
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(default_endpoint: str = "dashboard.index") -> str:
    """Return the request's ``next`` parameter when it stays on this site, else ``default_endpoint``'s URL."""
    target = request.values.get("next")
    return target if target and is_safe_next(target) else url_for(default_endpoint)


# Primary keys are INTEGER: PostgreSQL refuses a bigger bound value and pysqlite overflows past 2**63,
# so a larger id in a URL names no row and must not reach the database.
MAX_ID = 2**31 - 1


def _reject_out_of_range_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Answer 404 for an id in the URL too large for any row, instead of a database error."""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


def _reject_nul_characters() -> None:
    """Answer 400 when a parameter holds a NUL character, which PostgreSQL refuses in text."""
    pairs = [*request.args.items(multi=True), *request.form.items(multi=True), *(request.view_args or {}).items()]
    if any("\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in pairs):
        abort(400)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def _security_headers(response: Response) -> Response:
    """Add the security headers a response does not set itself (one pass over its headers: Werkzeug answers
    each lookup of a missing header by raising and catching an exception)."""
    present = {name.lower() for name, _value in response.headers}
    wanted = list(SECURITY_HEADERS)
    # The site's own address says whether it is served over TLS: behind a proxy that terminates TLS the
    # request itself looks like plain http, and cookies are only set after this hook has run.
    if request.is_secure or str(current_app.config.get("BASE_URL", "")).startswith("https://"):
        wanted.append(HSTS)
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


class CloseWhenSent:
    """WSGI middleware: close each response as soon as its last chunk has gone to the server, not only when
    the server calls ``close()``.

    Mail a request queued is delivered by a ``call_on_close`` callback. Werkzeug's development server (``make
    run``, the browser tests) skips ``close()`` when the client has already dropped the connection, as a
    browser following a redirect may: the message then stayed queued. ``close()`` still runs once.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        iterable = self.wsgi_app(environ, start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(iterable, file_wrapper):
            return iterable  # the server sends the file itself (sendfile); it closes it
        return _ClosedAtTheEnd(iterable)


class _ClosedAtTheEnd:
    def __init__(self, iterable: Any) -> None:
        self.iterable = iterable
        self.closed = False

    def __iter__(self) -> Any:
        yield from self.iterable
        self.close()  # runs when the server asks for more after the last chunk, i.e. once it is written

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.iterable, "close", None)
            if close is not None:
                close()


# The addresses every page links to from its header, built once per mount point (script root) instead of
# with eight url_for calls per page.
SITE_ENDPOINTS = {
    "stylesheet": ("static", {"filename": "css/app.css"}),
    "dashboard": ("dashboard.index", {}),
    "contacts": ("contacts.index", {}),
    "organisations": ("organisations.index", {}),
    "chapters": ("chapters.index", {}),
    "outbox": ("mail.index", {}),
    "settings": ("auth.settings", {}),
    "logout": ("auth.logout", {}),
}


def site_urls() -> dict[str, str]:
    """Return the header's addresses (``SITE_ENDPOINTS``) for the current request's mount point."""
    built: dict[str, dict[str, str]] = current_app.extensions.setdefault("crm.site_urls", {})
    urls = built.get(request.script_root)
    if urls is None:
        urls = built[request.script_root] = {
            name: url_for(endpoint, **values) for name, (endpoint, values) in SITE_ENDPOINTS.items()
        }
    return urls


def init_web(app: Flask) -> None:
    """Install security headers, input guards and template filters."""
    # Imported here: crm.labels imports the models, whose packages import views that import this module.
    from crm.labels import TEMPLATE_GLOBALS

    app.wsgi_app = CloseWhenSent(app.wsgi_app)  # type: ignore[method-assign]
    app.url_value_preprocessor(_reject_out_of_range_ids)
    app.before_request(_reject_nul_characters)
    app.after_request(_security_headers)
    app.jinja_env.filters.update(
        markdown=render_markdown,
        date=format_day,
        datetime=format_datetime,
        number=format_number,
    )
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, language=language, site_urls=site_urls, **TEMPLATE_GLOBALS, **form_html.TEMPLATE_GLOBALS
    )


def commit() -> None:
    """Commit the request's transaction; mail it queued is delivered once the response has been sent."""
    from flask import after_this_request, current_app

    from crm.db import get_session
    from crm.mail.messages import PENDING_KEY
    from crm.mail.sender import deliver_outbox, smtp_configured

    session = get_session()
    pending = session.info.pop(PENDING_KEY, [])
    session.commit()
    if pending and smtp_configured(current_app.config):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        ids = [email.id for email in pending]

        @after_this_request
        def _deliver_later(response: Response) -> Response:
            response.call_on_close(lambda: deliver_outbox(app, ids))
            return response
