"""Declarative base, shared column types and the per-app-context session.

One ``Session`` per app context (request, CLI command, job), created lazily and closed on teardown.
The outermost caller owns the transaction: views commit once, jobs and CLI use ``session.begin()``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Base of every mapped class; constraint names follow ``NAMING_CONVENTION``."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        str: sa.String(),
    }


pk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[dt.datetime, mapped_column(default=utcnow, server_default=sa.func.now())]
updated_at = Annotated[dt.datetime, mapped_column(default=utcnow, onupdate=utcnow, server_default=sa.func.now())]
flag_false = Annotated[bool, mapped_column(default=False, server_default=sa.false())]
text = Annotated[str, mapped_column(sa.Text, default="", server_default="")]


def code_point_ordered(length: int) -> sa.types.TypeEngine[str]:
    """Return a string type that sorts and compares by code point on every database, for keys the app makes
    (sort names, search terms): PostgreSQL's "C" collation; SQLite compares that way already.

    Prefix ranges and name buckets (``crm.contacts.buckets``) rely on it, and so do pages: in a language's
    collation (en_US) spaces count for nothing, and "bergen ada" sorted before "berg jan".
    """
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class _JsonArrayElements(sa.sql.functions.FunctionElement[Any]):
    """The elements of a JSON array, as a table of one column ``value`` (see ``json_integers``)."""

    name = "json_array_elements"
    inherit_cache = True


@compiles(_JsonArrayElements, "sqlite")
def _json_each(element: _JsonArrayElements, compiler: Any, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(_JsonArrayElements, "postgresql")
def _json_array_elements_text(element: _JsonArrayElements, compiler: Any, **kw: Any) -> str:
    return f"json_array_elements_text(CAST({compiler.process(element.clauses, **kw)} AS JSON))"


def json_integers(name: str) -> sa.Select[tuple[int]]:
    """Select the integers of the JSON array given as parameter ``name`` (``json.dumps(ids)``).

    One bound value for any number of ids: an expanding ``IN`` writes a placeholder per id into the statement
    every time it runs, which cost a list page more than the query itself.
    """
    elements = _JsonArrayElements(sa.bindparam(name, type_=sa.String)).table_valued("value")
    return sa.select(sa.cast(elements.c.value, sa.Integer)).select_from(elements)


class _Unindexed(sa.sql.functions.FunctionElement[str]):
    """A text column that no index serves (see ``unindexed``)."""

    name = "unindexed"
    type = sa.String()
    inherit_cache = True


@compiles(_Unindexed)
def _concatenated(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} || '')"


@compiles(_Unindexed, "sqlite")
def _as_is(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


def unindexed(column: Any) -> Any:
    """Return the text ``column`` for a condition that should be checked on rows found by another index.

    PostgreSQL sees ``column || ''``, which no index holds, so its planner cannot prefer an index of the column
    on a wrong estimate; SQLite sees the column itself (it picks the index by its constraints, and the
    concatenation would cost a string per row).
    """
    return _Unindexed(column)


@dataclass
class Database:
    """The engine and session factories of one app."""

    engine: sa.Engine
    sessionmaker: sessionmaker[Session]
    # Sessions of GET requests: flushing a change raises (registered once here, not per session: cheaper).
    read_sessionmaker: sessionmaker[Session]
    # Write sessions take SQLite's write lock up front (BEGIN IMMEDIATE) so concurrent writers queue on the
    # busy timeout instead of failing with "database is locked" when a read lock is upgraded.
    write_sessionmaker: sessionmaker[Session]


def _sqlite_setup(engine: sa.Engine) -> None:
    """Apply SQLAlchemy's documented pysqlite transaction fix, WAL and a busy timeout."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN (needed for SAVEPOINT)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("crm_write") else "DEFERRED"
        # On the driver's connection: every request begins a transaction, and sending this one statement
        # through SQLAlchemy's execution machinery cost more than the request's first query.
        conn.connection.driver_connection.execute(f"BEGIN {mode}")  # type: ignore[union-attr]


def make_engine(url: str) -> sa.Engine:
    """Create the engine for ``url`` with the settings this app relies on."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _sqlite_setup(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _forbid_writes(session: Session, _flush_context: Any, _instances: Any) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a GET request tried to write to the database")


def read_only_sessionmaker(**options: Any) -> sessionmaker[Session]:
    """Return a session factory whose sessions raise when they would flush a change (GET requests use it)."""
    maker = sessionmaker(info={"read_only": True}, **options)
    event.listen(maker, "before_flush", _forbid_writes)
    return maker


def init_app(app: Flask) -> None:
    """Create the engine and session factories and close the session at the end of each app context."""
    engine = make_engine(app.config["DATABASE_URL"])
    read_sessions = read_only_sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["crm.db"] = Database(
        engine=engine,
        sessionmaker=sessionmaker(bind=engine, expire_on_commit=False),
        read_sessionmaker=read_sessions,
        write_sessionmaker=sessionmaker(bind=engine.execution_options(crm_write=True), expire_on_commit=False),
    )
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    """Return the app's ``Database``."""
    return (app or current_app).extensions["crm.db"]  # type: ignore[no-any-return]


def in_read_only_request() -> bool:
    """Tell whether the current request has a safe method (GET, HEAD, OPTIONS): its session may not write."""
    return has_request_context() and request.method in SAFE_METHODS


def get_session() -> Session:
    """Return the session of the current app context, creating it on first use.

    Requests with a safe method get a read-only session: a flush with changes raises, so a GET never writes.
    """
    session: Session | None = g.get("_crm_session")
    if session is None:
        db = database()
        session = db.read_sessionmaker() if in_read_only_request() else db.write_sessionmaker()
        g._crm_session = session
    return session


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for one dialect, ready to run on the driver's connection (see ``read``)."""

    sql: str
    compiled: Any
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]  # in the SQL's order when positional
    positional: bool
    row: Any  # a named tuple class with the statement's column keys
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, conversion) where the type has one


# Statements read on every page are built once (kept by the query modules), so their compiled form is kept too,
# per dialect, for as long as the statement lives.
_prepared: weakref.WeakKeyDictionary[Any, dict[str, _Prepared | None]] = weakref.WeakKeyDictionary()


def _prepare(statement: Any, dialect: sa.Dialect) -> _Prepared | None:
    """Compile ``statement`` for ``dialect`` with its parameter and result conversions; None when it cannot run
    as one fixed SQL text (an expanding ``IN`` is rewritten on every run) or names no columns (a text)."""
    if not isinstance(statement, sa.Select | sa.CompoundSelect):
        return None
    compiled = statement.compile(dialect=dialect)
    if any(bind.expanding or bind.literal_execute for bind in compiled.binds.values()):
        return None
    # Parameters by the names the SQL text uses (``construct_params`` gives them under those names too).
    escaped = compiled.escaped_bind_names
    by_name = {escaped.get(name, name): bind for bind, name in compiled.bind_names.items()}
    names = compiled.positiontup if compiled.positional else list(by_name)
    binds = tuple((name, by_name[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names)
    converters = (
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
    )
    results = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    row = namedtuple("Row", list(statement.selected_columns.keys()), rename=True)  # type: ignore[misc]
    return _Prepared(str(compiled), compiled, binds, compiled.positional, row, tuple(results))


def read(statement: sa.Executable, parameters: dict[str, Any] | None = None) -> list[Any]:
    """Run a statement that selects columns, not mapped objects, on the session's connection; return its rows
    as named tuples.

    The statement is compiled once per dialect and sent to the driver's cursor, with SQLAlchemy's own type
    conversions and its ``before_cursor_execute`` and ``after_cursor_execute`` listeners: its execution
    machinery (result metadata, row objects, execution context) cost a page a sixth of its time. A statement
    with an expanding ``IN`` goes the usual way. Pending changes are flushed first, as ``Session.execute`` would.
    Give it statements built once, as the query modules keep them: the compiled form is kept per statement
    object, so a statement built for every call is compiled for every call (SQLAlchemy's own cache would find
    it by its structure).
    """
    session = get_session()
    session.flush()
    connection = session.connection()
    dialect = connection.dialect
    kept = _prepared.setdefault(statement, {})
    if dialect.name not in kept:
        kept[dialect.name] = _prepare(statement, dialect)
    prepared = kept[dialect.name]
    if prepared is None:
        return connection.execute(statement, parameters).all()
    values = prepared.compiled.construct_params(parameters)
    converted = [(name, values[name] if convert is None else convert(values[name])) for name, convert in prepared.binds]
    arguments: Any = tuple(value for _name, value in converted) if prepared.positional else dict(converted)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    connection.dispatch.before_cursor_execute(connection, cursor, prepared.sql, arguments, None, False)
    cursor.execute(prepared.sql, arguments)
    connection.dispatch.after_cursor_execute(connection, cursor, prepared.sql, arguments, None, False)
    rows = cursor.fetchall()
    cursor.close()
    make = prepared.row._make
    if not prepared.results:
        return list(map(make, rows))
    result = []
    for row in rows:
        fields = list(row)
        for index, convert in prepared.results:
            fields[index] = convert(fields[index])
        result.append(make(fields))
    return result


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("_crm_session", None)
    if session is not None:
        session.close()
