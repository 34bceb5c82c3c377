"""The app under test: the production entry point ``crm.wsgi:app`` (configured by the environment), plus an SQL
statement counter.

Run under gunicorn as ``bench.wsgi:create_app()``. The harness sets ``CRM_ENV=production``, ``CRM_SECRET_KEY``,
``CRM_DATABASE_URL`` (a copy of the cached database) and ``CRM_BASE_URL``; CSRF stays on. For measurement only, an
engine listener counts the statements each request sends, reported in the ``X-SQL-Statements`` header.
Transaction control (BEGIN, SAVEPOINT, RELEASE) is not counted, as in the test suite's query counter.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from flask import Flask

from crm.db import database

HEADER = "X-SQL-Statements"
_NOT_COUNTED = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK TO", "COMMIT", "ROLLBACK")


def create_app() -> Flask:
    """Return the production app (``crm.wsgi``), counting SQL statements per request."""
    from crm.wsgi import app  # creates the app from the environment the harness set

    counter = threading.local()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_NOT_COUNTED):
            counter.n = getattr(counter, "n", 0) + 1

    sa.event.listen(database(app).engine, "before_cursor_execute", count)

    inner = app.wsgi_app

    def counting_wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        counter.n = 0

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append((HEADER, str(counter.n)))  # the view and its template have run by now
            return start_response(status, headers, exc_info)

        return inner(environ, start)

    app.wsgi_app = counting_wsgi_app  # type: ignore[method-assign]
    return app
