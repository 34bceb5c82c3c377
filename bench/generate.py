"""Build the benchmark database once and cache it, keyed by the generator version and the schema head.

The schema comes from ``alembic upgrade head`` (crm.migrate.upgrade); the rows are bulk-inserted with SQLAlchemy
Core in large batches inside one transaction; the search index rows are the ones crm.contacts.search computes.
A JSON file next to the database records what the driver needs (users, sample ids, the search word, counts).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from bench import names, rows

GENERATOR_VERSION = 4
CACHE = Path(__file__).resolve().parent / ".cache"
ORGANISATIONS = 5_000
POSITIONS_PER_CONTACT = 1.5
SEED = 20261125
BATCH = 50_000
SAMPLE_CONTACTS = 1_000
SAMPLE_ORGANISATIONS = 500
_COMMON = [
    "Jansen",
    "Vries",
    "Jong",
    "Visser",
    "Mulder",
    "Dijk",
    "Vos",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Miller",
    "Davis",
    "Garcia",
    "Wilson",
    "Moore",
]


@dataclass
class Dataset:
    """A cached database file and what is known about its contents."""

    path: Path
    meta: dict[str, Any]


def schema_head() -> str:
    """Return the migrations' head revision(s), so a schema change rebuilds the cache."""
    from crm.migrate import alembic_config

    return "+".join(sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()))


def _label(contacts: int) -> str:
    return f"{contacts // 1000}k" if contacts % 1000 == 0 else str(contacts)


def ensure(contacts: int, *, rebuild: bool = False, log: Callable[[str], None] = print) -> Dataset:
    """Return the cached data set of ``contacts`` contacts, building it when missing or out of date."""
    head = schema_head()
    stem = f"bench-{_label(contacts)}"
    path = CACHE / f"{stem}-v{GENERATOR_VERSION}-{head[:12]}.sqlite3"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text())
        log(f"data: cached {path.name} (built in {meta['build_seconds']:.1f} s)")
        return Dataset(path, meta)
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{stem}-v*"):  # earlier versions of this size
        old.unlink()
    log(f"data: building {path.name} ({contacts:,} contacts) ...")
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    for leftover in CACHE.glob(f"{tmp.name}*"):
        leftover.unlink()
    meta = build(tmp, contacts)
    meta.update(build_seconds=time.perf_counter() - started, generator_version=GENERATOR_VERSION, schema_head=head)
    tmp.rename(path)
    meta_path.write_text(json.dumps(meta, indent=2))
    log(
        f"data: built in {meta['build_seconds']:.1f} s: "
        + ", ".join(f"{n:,} {t}" for t, n in meta["counts"].items() if n)
    )
    return Dataset(path, meta)


def _make_rows(contacts: int) -> rows.Rows:
    from crm.auth.passwords import hash_password

    rng = random.Random(SEED)
    pool = names.load()
    for country, family in pool.family.items():
        # Rank by frequency: the country's most common real surnames first, the rest shuffled (not all "A...").
        shuffled = rng.sample(family, len(family))
        pool.family[country] = sorted(shuffled, key=lambda f: _COMMON.index(f[1]) if f[1] in _COMMON else 99)
    result = rows.Rows()
    rows.chapters_and_users(result, hash_password(rows.PASSWORD))
    org_ids = rows.organisations(result, rng, pool, ORGANISATIONS if contacts >= 10_000 else max(50, contacts // 20))
    org_names = {r["id"]: (r["name"], r["kind"]) for r in result.tables["organisations"]}
    # A few organisations have many people, most have a handful (a parliament versus a think tank).
    org_weights = {cid: rows.zipf_cumulative(len(ids), 0.6) for cid, ids in org_ids.items()}
    tag_ids = rows.tags(result)
    ctx = rows.Context(
        rng=rng,
        pool=pool,
        org_ids=org_ids,
        org_weights=org_weights,
        org_names=org_names,
        tag_ids=tag_ids,
        extra_positions=round(contacts * (POSITIONS_PER_CONTACT - 1)),
        contacts_left=contacts,
    )
    ctx.ids["changes"] = len(result.tables.get("changes", []))  # the organisations' records come first
    rows.contacts(result, ctx, contacts)
    return result


def _insert(engine: sa.Engine, data: rows.Rows) -> None:
    from crm.contacts import buckets
    from crm.models import metadata

    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            table_rows = data.tables.get(table.name, [])
            for start in range(0, len(table_rows), BATCH):
                conn.execute(table.insert(), table_rows[start : start + BATCH])
        buckets.rebuild(conn)  # the name buckets' counts, which the contacts service keeps for its own writes


def _build_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        # Nothing to protect while building a throw-away file: no journal, no fsync.
        dbapi_connection.execute("PRAGMA journal_mode=OFF")
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA cache_size=-200000")

    return engine


def build(path: Path, contacts: int) -> dict[str, Any]:
    """Create ``path`` at the schema head and fill it; return the metadata the driver needs."""
    from crm.migrate import upgrade

    url = f"sqlite:///{path}"
    upgrade(url)
    data = _make_rows(contacts)
    engine = _build_engine(path)
    _insert(engine, data)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # what the app switches to anyway
        counts = {
            t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()  # noqa: S608 - own names
            for t in sa.inspect(conn).get_table_names()
            if t != "alembic_version"
        }
    engine.dispose()
    return _meta(data, counts)


def _meta(data: rows.Rows, counts: dict[str, int]) -> dict[str, Any]:
    rng = random.Random(SEED + 1)
    live_contacts = [r["id"] for r in data.tables["contacts"] if r["chapter_id"] == 1 and r["deleted_at"] is None]
    live_orgs = [r["id"] for r in data.tables["organisations"] if r["chapter_id"] == 1 and r["deleted_at"] is None]
    representatives = sum(
        1
        for r in data.tables["contacts"]
        if r["chapter_id"] == 1 and r["deleted_at"] is None and r["kind"] == "representative"
    )
    return {
        "contacts": len(data.tables["contacts"]),
        "counts": counts,
        "chapters": [{"id": r["id"], "name": r["name"]} for r in data.tables["chapters"]],
        "largest_chapter": {
            "id": 1,
            "name": rows.CHAPTERS[0][0],
            "live_contacts": len(live_contacts),
            "live_representatives": representatives,
        },
        "volunteer": {"email": "volunteer1@bench.example", "password": rows.PASSWORD},
        "search_word": data.common_family,
        "search_query": data.common_family[:4],
        "sample_contact_ids": sorted(rng.sample(live_contacts, min(SAMPLE_CONTACTS, len(live_contacts)))),
        "sample_organisation_ids": sorted(rng.sample(live_orgs, min(SAMPLE_ORGANISATIONS, len(live_orgs)))),
    }
