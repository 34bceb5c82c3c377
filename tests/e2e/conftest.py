"""A live server on its own database, a real SMTP server (``smtp_server``) and Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import BaseWSGIServer, make_server

from crm import create_app
from crm.db import database
from crm.migrate import upgrade
from tests.conftest import SmtpSink, free_port, new_database

CHROMIUM = os.environ.get("CRM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class LiveServer:
    """The running app: its URL, the app object, the SMTP sink and any exception a request raised."""

    url: str
    app: Flask
    smtp: SmtpSink
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; skipped when missing locally, a failure in CI (CI=true)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(db_kind: str, tmp_path: Path, smtp_server: Any) -> Iterator[LiveServer]:
    """Serve a fresh app on 127.0.0.1 and a free port, on a database migrated for this test alone."""
    url, drop = new_database(db_kind, tmp_path)
    upgrade(url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "WTF_CSRF_ENABLED": True,
            "DATABASE_URL": url,
            "BASE_URL": base_url,
            "SMTP_HOST": smtp_server.hostname,
            "SMTP_PORT": smtp_server.port,
            "MAIL_FROM": "Lobby CRM <crm@example.org>",
        }
    )
    live = LiveServer(url=base_url, app=app, smtp=smtp_server.handler)

    def record(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(record, app)
    database(app).engine.dispose()
    drop()
