"""One benchmark run: data, servers, sign-in, probes, the GET phases, the no-GET-writes check, creates, report."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import checks, client, endpoints, floor, generate, report, wrk
from bench.client import Http, Load, Result
from bench.server import Server, Servers, free_port

PROBES = 10


@dataclass
class Options:
    contacts: int = 100_000
    duration: float = 20.0
    concurrency: int = 4
    workers: int = 2
    tool: str = "auto"  # auto | wrk | python
    rebuild: bool = False
    sql_only: bool = False
    only: list[str] = field(default_factory=list)


@dataclass
class Measured:
    endpoint: endpoints.Endpoint
    result: Result | None
    probe_sql: float | None
    failure: str | None = None
    cpu_ms: float | None = None  # server CPU time per request (all workers)


@dataclass
class Probe:
    statuses: list[int]
    sql: list[int]

    @property
    def sql_mean(self) -> float | None:
        return sum(self.sql) / len(self.sql) if self.sql else None


def _log(message: str) -> None:
    print(message, flush=True)


def floor_database() -> Path:
    """Return the floor's cached 100,000-row database, building it on first use."""
    path = generate.CACHE / f"floor-{floor.ROWS // 1000}k-v1.sqlite3"
    if not path.exists():
        generate.CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        floor.build(path)
        _log(f"floor: built {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def _app_env(database: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}  # nothing from the caller's shell
    env.update(
        CRM_ENV="production", CRM_SECRET_KEY=secrets.token_urlsafe(48), CRM_DATABASE_URL=f"sqlite:///{database}",
        CRM_BASE_URL=f"http://127.0.0.1:{port}",
    )  # fmt: skip
    return env


def _probe(server: Server, cookies: dict[str, str], load: Load, count: int) -> Probe:
    http = Http(server.port, dict(cookies))
    probe = Probe([], [])
    try:
        for n in range(count):
            path = load.paths[(n * 97) % len(load.paths)]
            form = None if load.form is None else {k: v.replace("{n}", f"p{n}") for k, v in load.form.items()}
            reply = http.request(load.method, path, form)
            probe.statuses.append(reply.status)
            if reply.sql is not None:
                probe.sql.append(reply.sql)
    finally:
        http.close()
    return probe


class Runner:
    """Holds what one run needs and collects its figures."""

    def __init__(self, options: Options, workdir: Path) -> None:
        self.options = options
        self.workdir = workdir
        self.tool = options.tool if options.tool != "auto" else ("wrk" if wrk.available() else "python")
        if self.tool == "wrk" and not wrk.available():
            raise RuntimeError("--tool wrk given but wrk is not installed")
        self.measured: dict[str, Measured] = {}
        self.floor_runs: list[Result] = []
        self.floor_cpu: list[float] = []
        self.probes: dict[str, dict[str, Any]] = {}
        self.load_start = os.getloadavg()

    def drive(self, server: Server, cookies: dict[str, str], endpoint: endpoints.Endpoint, seconds: float) -> Result:
        """Load ``endpoint`` for ``seconds`` at the configured concurrency with wrk or the Python client."""
        if self.tool == "wrk":
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            return wrk.run(server.port, cookie, endpoint.load, concurrency=self.options.concurrency,
                           seconds=seconds, workdir=self.workdir, name=endpoint.name)  # fmt: skip
        return client.run(server.port, cookies, endpoint.load, concurrency=self.options.concurrency, seconds=seconds)

    def measure(self, server: Server, cookies: dict[str, str], endpoint: endpoints.Endpoint) -> None:
        """Probe ``endpoint`` (status, SQL count), warm it up, then load it and keep the figures."""
        probe = _probe(server, cookies, endpoint.load, 1 if endpoint.kind == "create" else PROBES)
        self.probes[endpoint.name] = {"statuses": sorted(set(probe.statuses)), "sql_min": min(probe.sql, default=None),
                                      "sql_max": max(probe.sql, default=None)}  # fmt: skip
        bad = [s for s in probe.statuses if s != endpoint.load.expect]
        if bad:
            failure = f"probe answered {bad[0]} (expected {endpoint.load.expect})"
            self.measured[endpoint.name] = Measured(endpoint, None, probe.sql_mean, failure)
            _log(f"  {endpoint.name:<20} {failure}")
            return
        if self.options.sql_only:
            self.measured[endpoint.name] = Measured(endpoint, None, probe.sql_mean)
            _log(f"  {endpoint.name:<20} SQL statements per request: {self.probes[endpoint.name]}")
            return
        self.drive(server, cookies, endpoint, min(2.0, max(1.0, self.options.duration / 10)))  # warm-up
        cpu_before = server.cpu_seconds()
        result = self.drive(server, cookies, endpoint, self.options.duration)
        cpu_after = server.cpu_seconds()
        cpu_ms = None
        if cpu_before is not None and cpu_after is not None and result.requests:
            cpu_ms = (cpu_after - cpu_before) * 1000 / result.requests
        if endpoint.kind == "floor":
            self.floor_runs.append(result)
            if cpu_ms is not None:
                self.floor_cpu.append(cpu_ms)
        if endpoint.name not in self.measured:  # the floor's second run only goes into floor_runs
            self.measured[endpoint.name] = Measured(endpoint, result, probe.sql_mean, cpu_ms=cpu_ms)
        cpu = f"  server CPU {cpu_ms:.2f} ms/req" if cpu_ms is not None else ""
        _log(f"  {endpoint.name:<20} {result.req_per_s:8.1f} req/s  p50 {result.p50_ms:6.2f} ms  "
             f"p95 {result.p95_ms:6.2f} ms  errors {result.errors}{cpu}")  # fmt: skip

    def floor_rps(self) -> float | None:
        """Return the floor's throughput: the mean of its runs (at the start and at the end)."""
        return sum(r.req_per_s for r in self.floor_runs) / len(self.floor_runs) if self.floor_runs else None

    def rows(self) -> dict[str, dict[str, Any]]:
        """Return every endpoint's figures, the throughput ratios taken against the floor's mean."""
        floor_rps = self.floor_rps()
        floor_cpu = sum(self.floor_cpu) / len(self.floor_cpu) if self.floor_cpu else None
        rows = {}
        for name, m in self.measured.items():
            result = m.result
            if m.endpoint.kind == "floor" and self.floor_runs:  # the floor's row is the mean of its runs
                runs = self.floor_runs
                result = Result(
                    requests=sum(r.requests for r in runs), seconds=sum(r.seconds for r in runs),
                    p50_ms=sum(r.p50_ms for r in runs) / len(runs), p95_ms=sum(r.p95_ms for r in runs) / len(runs),
                    errors=sum(r.errors for r in runs), sql_total=0, sql_seen=0,
                )  # fmt: skip
            cpu = floor_cpu if m.endpoint.kind == "floor" else m.cpu_ms
            rows[name] = report.figures(m.endpoint, result, floor_rps, m.probe_sql, m.failure)
            rows[name]["cpu_ms_per_request"] = None if cpu is None else round(cpu, 2)
            rows[name]["floor_ratio_cpu"] = round(floor_cpu / cpu, 3) if cpu and floor_cpu else None
        return rows


def _selected(all_endpoints: list[endpoints.Endpoint], only: list[str]) -> list[endpoints.Endpoint]:
    return [e for e in all_endpoints if not only or e.name in only or e.kind == "floor"]


def run(options: Options) -> dict[str, Any]:
    """Run the benchmark; return the JSON document written (or, with ``sql_only``, the probe figures)."""
    dataset = generate.ensure(options.contacts, rebuild=options.rebuild, log=_log)
    floor_db = floor_database()
    generate.CACHE.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=generate.CACHE))
    try:
        database = workdir / "crm.sqlite3"
        shutil.copyfile(dataset.path, database)  # creates must not pollute the cache
        runner = Runner(options, workdir)
        with Servers(workdir, workers=options.workers) as servers:
            result = _run_servers(options, runner, servers, dataset, floor_db, database)
            report.RESULTS.mkdir(parents=True, exist_ok=True)
            for server in servers.started:  # the servers' warnings and errors, for a look afterwards
                shutil.copyfile(server.log, report.RESULTS / f"{server.name}.log")
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_servers(options: Options, runner: Runner, servers: Servers, dataset: generate.Dataset, floor_db: Path,
                 database: Path) -> dict[str, Any]:  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")} | {"BENCH_FLOOR_DB": str(floor_db)}
    floor_server = servers.start("floor", "bench.floor:create_app()", env)
    port = free_port()
    app = servers.start("crm", "bench.wsgi:create_app()", _app_env(database, port), port=port)
    floor_server.wait_ready("/")
    app.wait_ready("/login")
    _log(f"servers: floor on :{floor_server.port}, app on :{app.port} ({options.workers} sync workers each); "
         f"driver: {runner.tool}, concurrency {options.concurrency}, {options.duration:g} s per endpoint")  # fmt: skip
    user = Http(app.port)
    client.sign_in(user, dataset.meta["volunteer"]["email"], dataset.meta["volunteer"]["password"])
    form, form_failure = None, None
    try:
        form, _names = endpoints.create_form(user)
    except RuntimeError as error:
        form_failure = str(error)
    cookies = dict(user.cookies)
    user.close()
    selected = _selected(endpoints.build(dataset.meta, form), options.only)
    before = checks.snapshot(database)
    for endpoint in selected:
        if endpoint.kind != "create":
            runner.measure(floor_server if endpoint.kind == "floor" else app, cookies, endpoint)
    changed = checks.differences(before, checks.snapshot(database))
    _log("no GET writes: " + ("ok, the database is unchanged" if not changed else "FAILED: " + "; ".join(changed)))
    for endpoint in selected:
        if endpoint.kind == "create":
            runner.measure(app, cookies, endpoint)
    if not options.sql_only:  # again at the end: on a shared machine the floor moves with the background load
        runner.measure(floor_server, cookies, selected[0])
    if form is None and (not options.only or "contact_create" in options.only):
        create = endpoints.Endpoint("contact_create", "create contact (POST form)", Load([], "POST"), "create")
        runner.measured["contact_create"] = Measured(create, None, None, form_failure)
    return _document(options, runner, dataset, changed)


def _document(options: Options, runner: Runner, dataset: generate.Dataset, changed: list[str]) -> dict[str, Any]:
    counts = dataset.meta["counts"]
    extra = {
        "data": {
            "contacts": counts["contacts"], "organisations": counts["organisations"],
            "positions": counts["positions"], "chapters": counts["chapters"], "tables": counts,
            "largest_chapter": dataset.meta["largest_chapter"], "search_query": dataset.meta["search_query"],
            "file": dataset.path.name, "build_seconds": round(dataset.meta["build_seconds"], 1),
        },
        "duration_s": options.duration, "concurrency": options.concurrency, "workers": options.workers,
        "tool": runner.tool, "sql_only": options.sql_only,
        "no_get_writes": {"ok": not changed, "differences": changed},
        "probes": runner.probes,
        "floor_runs_req_per_s": [round(r.req_per_s, 1) for r in runner.floor_runs],
        "load_average": {"start": runner.load_start, "end": os.getloadavg()},
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    print()
    rows = runner.rows()
    print(report.table(rows))
    print()
    runs = [r.req_per_s for r in runner.floor_runs]
    if len(runs) > 1 and (max(runs) - min(runs)) / max(runs) > 0.15:
        print(f"note: the floor moved between its runs ({' vs '.join(f'{r:.0f}' for r in runs)} req/s): "
              f"something else uses the CPU (load average {os.getloadavg()[0]:.1f}); figures are noisy")  # fmt: skip
    # latest.json only ever holds a full run; probes and partial runs go beside it.
    name = f"sql-{options.contacts}.json" if options.sql_only else "partial.json" if options.only else "latest.json"
    path = report.write(rows, extra, report.RESULTS / name)
    print(f"no GET writes: {'ok' if not changed else 'FAILED'}; figures written to {path}")
    return {"endpoints": rows, **extra}
