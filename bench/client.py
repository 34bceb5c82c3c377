"""HTTP for the driver: a keep-alive client with a cookie jar, sign-in through the real form, and the
Python load generator used when wrk is not installed (threads, one keep-alive connection each).
"""

from __future__ import annotations

import http.client
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.server import HOST

USER_AGENT = "lobby-crm-bench/1"
SQL_HEADER = "X-SQL-Statements"
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def sql(self) -> int | None:
        value = self.headers.get(SQL_HEADER)
        return int(value) if value is not None else None


@dataclass
class Http:
    """A keep-alive connection to one server that keeps its cookies, like a browser tab."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        self._conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
        except (OSError, http.client.HTTPException):
            self._conn.close()  # one retry on a fresh connection (the server may have closed an idle one)
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)

    def close(self) -> None:
        self._conn.close()


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in ``html``."""
    tag = _CSRF.search(html)
    value = _VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise RuntimeError("no csrf_token field in the page")
    return value.group(1)


def sign_in(client: Http, email: str, password: str) -> None:
    """Sign in through the real form: GET /login for the token and session cookie, then POST /login."""
    page = client.get("/login")
    if page.status != 200:
        raise RuntimeError(f"GET /login answered {page.status}")
    reply = client.post("/login", {"csrf_token": csrf_token(page.text), "email": email, "password": password,
                                   "next": ""})  # fmt: skip
    if reply.status != 302:
        raise RuntimeError(f"sign-in failed: POST /login answered {reply.status}: {reply.text[:500]}")


@dataclass
class Load:
    """What to send: rotate over ``paths``; with ``form``, POST it (``{n}`` in values becomes a counter)."""

    paths: list[str]
    method: str = "GET"
    form: dict[str, str] | None = None
    expect: int = 200


@dataclass
class Result:
    """The figures of one load run."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    sql_total: int
    sql_seen: int

    @property
    def req_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def sql_per_request(self) -> float | None:
        return self.sql_total / self.sql_seen if self.sql_seen else None


def percentile(values: list[float], p: float) -> float:
    """Return the nearest-rank ``p``th percentile of ``values`` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


@dataclass
class _Tally:
    latencies_ms: list[float]
    errors: int
    sql_total: int
    sql_seen: int


def _form(load: Load, n: int) -> dict[str, str] | None:
    if load.form is None:
        return None
    return {k: v.replace("{n}", str(n)) for k, v in load.form.items()}


def _worker(port: int, cookies: dict[str, str], load: Load, start: int, stride: int, deadline: float,
            out: list[_Tally], lock: threading.Lock) -> None:  # fmt: skip
    client = Http(port, dict(cookies), timeout=10.0)
    latencies: list[float] = []
    errors = sql_total = sql_seen = 0
    i = start
    try:
        while time.perf_counter() < deadline:
            path = load.paths[i % len(load.paths)]
            began = time.perf_counter()
            try:
                reply = client.request(load.method, path, _form(load, i))
            except (OSError, http.client.HTTPException):
                errors += 1
                client.close()
                continue
            finally:
                i += stride
            latencies.append((time.perf_counter() - began) * 1000)
            errors += reply.status != load.expect
            if reply.sql is not None:
                sql_total, sql_seen = sql_total + reply.sql, sql_seen + 1
    finally:
        client.close()
        with lock:
            out.append(_Tally(latencies, errors, sql_total, sql_seen))


def run(port: int, cookies: dict[str, str], load: Load, *, concurrency: int, seconds: float) -> Result:
    """Drive ``load`` with ``concurrency`` keep-alive connections for ``seconds``; every loop ends at the deadline."""
    started = time.perf_counter()
    deadline = started + seconds
    out: list[_Tally] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_worker, args=(port, cookies, load, n * 7919, concurrency, deadline, out, lock),
                         daemon=True)
        for n in range(concurrency)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)  # a request in flight at the deadline has its socket timeout to end
    elapsed = time.perf_counter() - started
    latencies = [x for r in out for x in r.latencies_ms]
    return Result(
        requests=len(latencies), seconds=elapsed, p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95), errors=sum(r.errors for r in out),
        sql_total=sum(r.sql_total for r in out), sql_seen=sum(r.sql_seen for r in out),
    )  # fmt: skip
