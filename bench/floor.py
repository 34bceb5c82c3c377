"""The floor: bare Flask rendering 50 rows of an indexed 100,000-row SQLite table through Jinja.

It shares no code with the project (only Flask and the standard library), so its throughput is what this
machine, Python, Flask, Jinja, SQLite and gunicorn can do at best; every endpoint is reported as a share of it.
Run under gunicorn as ``bench.floor:create_app()`` with ``BENCH_FLOOR_DB`` naming the database file.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

from flask import Flask, render_template, request
from jinja2 import DictLoader

ROWS = 100_000
PER_PAGE = 50
PAGES = 10  # the driver rotates over these pages (offsets 0 to 450)
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>People — page {{ page }}</title></head>
<body><main><h1>People</h1>
<table><thead><tr><th>Name</th><th>Organisation</th><th>Email</th><th>Country</th></tr></thead>
<tbody>{% for row in rows %}
<tr><td><a href="/people/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.organisation }}</td>
<td>{{ row.email }}</td><td>{{ row.country }}</td></tr>{% endfor %}
</tbody></table>
<nav><a href="?page={{ page + 1 }}">Next</a></nav></main></body></html>
"""
_SYLLABLES = ["an", "de", "ja", "ko", "li", "ma", "ne", "ri", "sa", "te", "vo", "zu", "ber", "dam", "gen", "hof"]


def build(path: Path, rows: int = ROWS) -> None:
    """Create the floor's table with ``rows`` rows and an index on the sorted column."""
    rng = random.Random(1)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.execute(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, organisation TEXT NOT NULL, "
        "email TEXT NOT NULL, country TEXT NOT NULL)"
    )

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    data = []
    for i in range(1, rows + 1):
        given, family = word(), word()
        data.append(
            (
                i,
                f"{family} {given}",
                f"{word()} Institute",
                f"{given.lower()}.{family.lower()}@x.example",
                rng.choice(["NL", "US", "GB", "DE"]),
            )
        )
    conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)", data)
    conn.execute("CREATE INDEX ix_people_name ON people (name)")
    conn.commit()
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    tmp.rename(path)


def _db(app: Flask) -> sqlite3.Connection:
    # One connection per worker process, opened on first use (after the fork), as a connection pool would.
    conn: sqlite3.Connection | None = app.extensions.get("floor_db")
    if conn is None:
        conn = app.extensions["floor_db"] = sqlite3.connect(os.environ["BENCH_FLOOR_DB"], check_same_thread=False)
        conn.row_factory = sqlite3.Row
    return conn


def create_app() -> Flask:
    """Create the floor app."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"people.html": TEMPLATE})  # compiled once and cached, as files would be

    @app.get("/")
    def people() -> str:
        try:
            page = max(1, int(request.args.get("page", "1")))
        except ValueError:
            page = 1
        rows = (
            _db(app)
            .execute(
                "SELECT id, name, organisation, email, country FROM people ORDER BY name LIMIT ? OFFSET ?",
                (PER_PAGE, (page - 1) * PER_PAGE),
            )
            .fetchall()
        )
        return render_template("people.html", rows=rows, page=page)

    return app
