"""Security: headers, cookies, CSRF, safe `next` redirects, the production secret key, no 500 on garbage."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm import create_app
from crm.auth.models import LoginFailure, Membership
from tests.conftest import Auth, bind_sessions, signed_in
from tests.factories import PASSWORD

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def _app(connection: sa.Connection, database_url: str, **overrides: Any) -> Flask:
    """An app like the ``app`` fixture's, with ``overrides``."""
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "SERVER_NAME": "crm.test"} | overrides)
    return bind_sessions(app, connection)


# --- Security headers --------------------------------------------------------------------------------------------


def _assert_security_headers(response: Any, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()}
    assert directives.get("base-uri") == "base-uri 'none'", what
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", what
    assert directives.get("object-src") == "object-src 'none'", what
    assert "'unsafe-inline'" not in csp, what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("X-Frame-Options") == "DENY", what
    assert response.headers.get("Referrer-Policy") == "same-origin", what


def _argument_free_get_rules(app: Flask) -> list[str]:
    return sorted(
        str(rule) for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and not rule.arguments
    )


def test_security_headers_on_every_page(app: Flask, client: FlaskClient, auth: Auth, admin: Any, chapter: Any) -> None:
    anonymous = app.test_client()
    for url in (
        "/login",
        "/reset",
        "/setup",
        "/",
        "/settings",
        "/no-such-page",
        "/reset/bad-token",
        "/static/css/app.css",
    ):
        with anonymous.get(url) as response:  # a static file is streamed: close it
            _assert_security_headers(response, f"anonymous GET {url}")
    _assert_security_headers(anonymous.post("/login", data={}), "failed sign-in")
    _assert_security_headers(anonymous.get("/logout"), "405")

    auth.login(admin)
    urls = [*_argument_free_get_rules(app), f"/chapters/{chapter.id}", f"/chapters/{chapter.id}/edit"]
    for url in urls:
        if "<" in url:  # the static rule takes a filename
            continue
        _assert_security_headers(client.get(url), f"admin GET {url}")
    _assert_security_headers(auth.logout(), "sign-out redirect")


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers


# --- Cookies -----------------------------------------------------------------------------------------------------


def _set_cookies(response: Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_and_remember_cookies_are_httponly_and_lax(client: FlaskClient, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name], name
        assert "SameSite=Lax" in cookies[name], name
        assert "Secure" not in cookies[name], name  # BASE_URL is http here


def test_cookies_are_secure_when_the_base_url_is_https(
    connection: sa.Connection, database_url: str, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_BASE_URL", "https://crm.example.org")
    app = _app(connection, database_url)
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name], name
        assert "HttpOnly" in cookies[name], name
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# --- CSRF (on in this module's own app) ---------------------------------------------------------------------------


@pytest.fixture
def csrf_app(connection: sa.Connection, database_url: str) -> Flask:
    return _app(connection, database_url, WTF_CSRF_ENABLED=True)


def _token(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _csrf_login(client: FlaskClient, user: Any) -> None:
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(client, "/login")}
    )
    assert response.status_code == 302


def test_csrf_sign_in_without_a_token_is_refused(csrf_app: Flask, user: Any, db_session: Session) -> None:
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not signed_in(client)
    assert client.post("/login", data={"email": user.email, "password": "wrong"}).status_code == 400
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0  # never reached the view


def test_csrf_sign_in_with_the_token_works(csrf_app: Flask, user: Any) -> None:
    client = csrf_app.test_client()
    _csrf_login(client, user)
    assert signed_in(client)


def test_csrf_a_change_without_a_token_changes_nothing(csrf_app: Flask, user: Any, db_session: Session) -> None:
    client = csrf_app.test_client()
    _csrf_login(client, user)
    name = user.name

    response = client.post("/settings", data={"name": "Hijacked", "language": "", "timezone": ""})

    assert response.status_code == 400
    db_session.refresh(user)
    assert user.name == name

    token = _token(client, "/settings")
    ok = client.post("/settings", data={"name": "Chosen", "language": "", "timezone": "", "csrf_token": token})
    assert ok.status_code == 302
    db_session.refresh(user)
    assert user.name == "Chosen"


def test_csrf_a_token_from_another_session_is_refused(csrf_app: Flask, user: Any, db_session: Session) -> None:
    attacker, victim = csrf_app.test_client(), csrf_app.test_client()
    foreign_token = _token(attacker, "/login")
    _csrf_login(victim, user)
    response = victim.post(
        "/settings", data={"name": "Hijacked", "language": "", "timezone": "", "csrf_token": foreign_token}
    )
    assert response.status_code == 400
    db_session.refresh(user)
    assert user.name != "Hijacked"


def test_csrf_sign_out_without_a_token_keeps_the_session(csrf_app: Flask, user: Any) -> None:
    client = csrf_app.test_client()
    _csrf_login(client, user)
    assert client.post("/logout").status_code == 400
    assert signed_in(client)
    token = _token(client, "/settings")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not signed_in(client)


def test_csrf_a_signed_token_is_reused_for_five_minutes_and_stays_valid(
    csrf_app: Flask, user: Any, coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from crm import csrf

    now, signed = [1000.0], []
    monkeypatch.setattr(csrf.time, "monotonic", lambda: now[0])
    sign = URLSafeTimedSerializer.dumps
    monkeypatch.setattr(  # count CSRF signatures, not the session cookie's
        URLSafeTimedSerializer,
        "dumps",
        lambda self, *a, **k: (self.salt == b"wtf-csrf-token" and signed.append(1)) or sign(self, *a, **k),
    )
    client, other = csrf_app.test_client(), csrf_app.test_client()
    _csrf_login(client, user)
    _csrf_login(other, coordinator)
    first = _token(client, "/settings")
    count = len(signed)
    assert _token(client, "/contacts/new") == first
    assert len(signed) == count  # not signed again
    assert _token(other, "/settings") != first  # another session has its own

    now[0] += csrf.REUSE_SECONDS - 1
    assert _token(client, "/settings") == first
    ok = client.post("/settings", data={"name": "Kept", "language": "", "timezone": "", "csrf_token": first})
    assert ok.status_code == 302

    count = len(signed)
    now[0] += 2  # past the reuse window: signed anew (a new time stamp), and the page's token is accepted
    again = _token(client, "/settings")
    assert len(signed) == count + 1
    response = client.post("/settings", data={"name": "Again", "language": "", "timezone": "", "csrf_token": again})
    assert response.status_code == 302


def test_csrf_removing_a_member_without_a_token_changes_nothing(
    csrf_app: Flask, coordinator: Any, user: Any, chapter: Any, db_session: Session
) -> None:
    client = csrf_app.test_client()
    _csrf_login(client, coordinator)
    membership_id = db_session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id))
    assert client.post(f"/chapters/members/{membership_id}/remove").status_code == 400
    assert client.post(f"/chapters/{chapter.id}/invite", data={"email": "x@example.org"}).status_code == 400
    assert db_session.get(Membership, membership_id) is not None


def test_csrf_every_form_on_the_pages_carries_a_token(
    csrf_app: Flask, coordinator: Any, user: Any, chapter: Any
) -> None:
    client = csrf_app.test_client()
    pages = ["/login", "/reset"]
    forms = {url: client.get(url).get_data(as_text=True) for url in pages}
    _csrf_login(client, coordinator)
    for url in ("/settings", f"/chapters/{chapter.id}", f"/chapters/{chapter.id}/edit", "/"):
        forms[url] = client.get(url).get_data(as_text=True)
    for url, page in forms.items():
        posts = len(re.findall(r'<form[^>]*method="post"', page))
        tokens = page.count('name="csrf_token"')
        assert posts > 0 or url == "/", url
        assert tokens >= posts, f"{url}: {posts} POST forms, {tokens} CSRF tokens"


# --- `next` only redirects within the site ----------------------------------------------------------------------

BYPASSES = [
    "//evil.com",
    "\\\\evil.com",
    "/\\evil.com",
    "http://evil.com",
    "https://evil.com/contacts/",
    "https:evil.com",
    "%2F%2Fevil.com",
    "/%2F/evil.com",
    "/%5Cevil.com",
    "%5C%5Cevil.com",
    "\t//evil.com",
    "/\t/evil.com",
    "%09//evil.com",
    " //evil.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "///evil.com",
    "/%252F%252Fevil.com",
    "evil.com",
]


def _within_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        (parts.scheme, parts.netloc) in {("", ""), ("http", "crm.test")}
        and location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
    )


@pytest.mark.parametrize("target", BYPASSES)
def test_next_cannot_leave_the_site_after_sign_in(client: FlaskClient, user: Any, target: str) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _within_site(response.headers["Location"])


@pytest.mark.parametrize("target", BYPASSES)
def test_next_cannot_leave_the_site_when_already_signed_in(
    client: FlaskClient, auth: Auth, user: Any, target: str
) -> None:
    auth.login(user)
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_legitimate_next_is_honoured(client: FlaskClient, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/contacts/?q=x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts/?q=x"


def test_next_survives_the_sign_in_form(client: FlaskClient, user: Any) -> None:
    bounced = client.get("/settings")
    assert bounced.status_code == 302
    form = client.get(bounced.headers["Location"]).get_data(as_text=True)
    match = re.search(r'name="next" type="hidden" value="([^"]*)"', form)
    assert match
    assert match.group(1) == "/settings"
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": match.group(1)})
    assert response.headers["Location"] == "/settings"


def test_next_is_escaped_in_the_form(client: FlaskClient, user: Any) -> None:
    page = client.get("/login", query_string={"next": '"><script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


# --- Configuration ------------------------------------------------------------------------------------------------


def test_production_without_a_secret_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="CRM_SECRET_KEY must be set"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": "sqlite://"})


def test_production_takes_the_secret_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SECRET_KEY", "k" * 48)
    app = create_app({"ENV_NAME": "production", "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "k" * 48
    assert not app.config["TESTING"]
    assert app.config["WTF_CSRF_ENABLED"] is not False


# --- Garbage input never ends in a 500 ---------------------------------------------------------------------------

HUGE = "x" * 100_000
GARBAGE_QUERY = {
    "page": "-3",
    "q": "%' OR 1=1 --" + "é" * 300,
    "sort": "nonsense",
    "kind": "nonsense",
    "stance": "nonsense",
    "country": "nonsense",
    "chapter": "abc",
    "tag": "<b>",
    "parent": "1e9",
}


def _assert_handled(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def test_garbage_in_urls_gives_404_not_500(client: FlaskClient, auth: Auth, admin: Any) -> None:
    auth.login(admin)
    for url in (
        "/chapters/abc",
        "/chapters/-1",
        "/chapters/1.5",
        "/chapters/99999999999999999999999",
        "/chapters/2147483648",
        "/outbox/abc",
        "/outbox/9223372036854775808",
        "/chapters/members/x/role",
        "/reset/%00",
        "/invitation/..%2F..%2Fetc",
        "/reset/" + "a" * 5000,
    ):
        response = client.get(url)
        _assert_handled(response, url)
        assert response.status_code in (400, 404, 405), url  # 400: a NUL character is refused outright
        _assert_handled(client.post(url), f"POST {url}")


def test_garbage_in_forms_is_refused_without_changes(
    client: FlaskClient, auth: Auth, admin: Any, chapter: Any, user: Any, db_session: Session
) -> None:
    membership_id = db_session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id))
    anonymous = client.application.test_client()
    for data in (
        {},
        {"email": HUGE, "password": HUGE},
        {"email": "a\x00@b.org", "password": "x"},
        {"email": ["a@b.org", "c@d.org"], "password": "x"},
        {"remember": "maybe"},
    ):
        _assert_handled(anonymous.post("/login", data=data), f"login {data!r:.60}")
    for data in ({}, {"email": HUGE}, {"email": "\x00"}):
        _assert_handled(anonymous.post("/reset", data=data), "reset")
    _assert_handled(anonymous.post("/login", data="not a form", content_type="application/json"), "json login")
    too_big = anonymous.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert too_big.status_code == 413

    auth.login(admin)
    posts = {
        "/settings": [{}, {"name": HUGE}, {"name": "A\x00B"}, {"name": "A", "language": "xx", "timezone": HUGE}],
        "/settings/password": [{}, {"current_password": HUGE, "new_password": HUGE, "confirm": HUGE}],
        "/chapters/new": [
            {},
            {
                "name": "X",
                "kind": "?",
                "country": "??",
                "parent_id": "abc",
                "default_cadence_days": "99999999999999999999",
            },
            {
                "name": HUGE,
                "kind": "national",
                "country": "NL",
                "parent_id": "2147483648",
                "default_cadence_days": "-1",
            },
        ],
        f"/chapters/{chapter.id}/edit": [{}, {"name": "\x00", "parent_id": "None"}],
        f"/chapters/{chapter.id}/invite": [{}, {"email": HUGE}, {"email": "a@b.org", "role": "emperor"}],
        f"/chapters/members/{membership_id}/role": [{}, {"role": "emperor"}, {"role": HUGE}],
        "/setup": [{}, {"name": "x", "email": "y@z.org", "password": "p" * 20, "confirm": "p" * 20}],
    }
    name = chapter.name
    for url, variants in posts.items():
        for data in variants:
            _assert_handled(client.post(url, data=data), f"POST {url} {data!r:.80}")
    db_session.refresh(chapter)
    assert chapter.name == name
    assert signed_in(client)


def test_garbage_query_strings_on_every_page(
    app: Flask, client: FlaskClient, auth: Auth, admin: Any, chapter: Any
) -> None:
    auth.login(admin)
    for url in _argument_free_get_rules(app):
        if "<" in url:
            continue
        _assert_handled(client.get(url, query_string=GARBAGE_QUERY), f"GET {url}")
        _assert_handled(client.get(url, query_string={"page": "99999999999999999999", "q": "\x00"}), f"GET {url}")


def test_empty_posts_to_every_form(app: Flask, client: FlaskClient, auth: Auth, admin: Any) -> None:
    auth.login(admin)
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "auth.logout":
            _assert_handled(client.post(str(rule), data={}), f"POST {rule}")
    assert signed_in(client)


@pytest.fixture
def no_propagation(app: Flask) -> Flask:
    """Let errors become pages, as in production (testing mode re-raises them)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    return app


def test_an_unexpected_error_shows_the_error_page(no_propagation: Flask) -> None:
    app = no_propagation

    @app.get("/boom")
    def boom() -> str:
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "ZeroDivisionError" not in page
    _assert_security_headers(response, "500 page")


def test_security_headers_keep_what_a_response_sets_itself(app: Flask) -> None:
    from werkzeug.wrappers import Response

    from crm.web import CONTENT_SECURITY_POLICY, _security_headers

    with app.test_request_context("/"):
        own = _security_headers(Response("x", headers={"content-security-policy": "default-src 'none'"}))
        plain = _security_headers(Response("x"))
    assert own.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert plain.headers.getlist("Content-Security-Policy") == [CONTENT_SECURITY_POLICY]
    assert own.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in plain.headers
