"""The factory and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig
from crm import create_app


def test_testing_config(app) -> None:
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_environment_overrides_defaults() -> None:
    settings = Config.load(
        {"CRM_SMTP_HOST": "mail.example.org", "CRM_SMTP_PORT": "2525", "CRM_BASE_URL": "https://crm.example.org"}
    )
    assert settings["SMTP_HOST"] == "mail.example.org"
    assert settings["SMTP_PORT"] == 2525
    assert settings["BASE_URL"] == "https://crm.example.org"


def test_https_base_url_makes_cookies_secure(database_url: str) -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "BASE_URL": "https://crm.example.org"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_proxy_fix_is_installed_only_when_asked(database_url: str) -> None:
    plain = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url})
    proxied = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "PROXY_FIX": True})
    assert not isinstance(plain.wsgi_app, ProxyFix)
    assert isinstance(proxied.wsgi_app, ProxyFix)


def test_production_without_secret_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="CRM_SECRET_KEY"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": None})
    assert ProductionConfig.load({})["SECRET_KEY"] is None


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    first = create_app({"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    second = create_app({"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert first.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    app = create_app({"ENV_NAME": "testing"})
    assert app.config["DATABASE_URL"] == f"sqlite:///{Path(app.instance_path) / 'crm.sqlite3'}"


def test_wsgi_module_serves_the_app_from_the_environment(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``crm.wsgi:app`` is what a production server runs: configured by CRM_* variables, start-up objects frozen."""
    import gc
    import importlib
    import sys

    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setenv("CRM_SECRET_KEY", "a-test-secret-that-is-long-enough-for-production")
    monkeypatch.setenv("CRM_DATABASE_URL", database_url)
    monkeypatch.delitem(sys.modules, "crm.wsgi", raising=False)
    try:
        wsgi = importlib.import_module("crm.wsgi")
        assert wsgi.app.config["ENV_NAME"] == "production"
        assert wsgi.app.config["DATABASE_URL"] == database_url
        assert gc.get_freeze_count() > 0
        response = wsgi.app.test_client().get("/static/css/app.css")
        response.close()
        assert response.status_code == 200
    finally:
        gc.unfreeze()
        sys.modules.pop("crm.wsgi", None)


FIRST_REQUEST_SCRIPT = """
import sys
import sqlalchemy as sa
from crm import create_app
from crm.auth.models import User
from crm.db import make_engine
from crm.migrate import upgrade

url = sys.argv[1]
upgrade(url)
engine = make_engine(url)
with engine.begin() as conn:  # Core only: nothing here configures the ORM's mappers
    conn.execute(sa.insert(User.__table__).values(email="v@example.org", name="V", session_token="t" * 32))
engine.dispose()
app = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 48, "DATABASE_URL": url})
client = app.test_client()
client.set_cookie("session", app.session_interface.get_signing_serializer(app).dumps({"_user_id": "t" * 32}))
response = client.get("/contacts/")
print(response.status_code)
"""


def test_a_new_process_serves_a_signed_in_page_as_its_first_request(db_kind: str, tmp_path: Path) -> None:
    """A web worker whose first request is a signed-in page: the user is built without the ORM's constructor or
    a query, so the app must have configured the mappers itself (it failed with 500s under gunicorn once)."""
    import subprocess
    import sys

    from tests.conftest import new_database

    url, drop = new_database(db_kind, tmp_path)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", FIRST_REQUEST_SCRIPT, url], capture_output=True, text=True, timeout=120, check=False
        )
    finally:
        drop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200", done.stderr
