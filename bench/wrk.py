"""Drive a load with wrk: a generated Lua script rotates the paths, sends the session cookie, counts answers
other than the expected status and sums the SQL statement header; ``done`` prints one JSON line with p50/p95.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bench.client import SQL_HEADER, USER_AGENT, Load, Result
from bench.server import HOST

SCRIPT = r"""
local paths = {%(paths)s}
local method = "%(method)s"
local form = %(form)s
local expected = %(expected)d
local base_headers = {["Cookie"] = "%(cookie)s", ["User-Agent"] = "%(agent)s"}
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = tid * 7919
  bad, sql, seen = 0, 0, 0
end

function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local headers = {}
  for k, v in pairs(base_headers) do headers[k] = v end
  if form then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format(method, path, headers, (string.gsub(form, "{n}", tostring(counter))))
  end
  return wrk.format(method, path, headers)
end

function response(status, headers, body)
  if status ~= expected then bad = bad + 1 end
  local n = headers["%(sql)s"] or headers[string.lower("%(sql)s")]
  if n then sql = sql + tonumber(n); seen = seen + 1 end
end

function done(summary, latency, requests)
  local b, s, n = 0, 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); s = s + t:get("sql"); n = n + t:get("seen") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "bad": %%d, "sql": %%d, ' ..
    '"seen": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), b, s, n,
    e.connect, e.read, e.write, e.timeout))
end
"""


def available() -> str | None:
    """Return the path of wrk, or None when it is not installed."""
    return shutil.which("wrk")


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def script(load: Load, cookie: str) -> str:
    """Return the Lua script that drives ``load`` with the session ``cookie``."""
    form = None
    if load.form is not None:
        # Keep the {n} placeholder literal through url-encoding so Lua can substitute the counter.
        from urllib.parse import urlencode

        form = urlencode(load.form).replace("%7Bn%7D", "{n}")
    return SCRIPT % {
        "paths": ", ".join(_lua_string(p) for p in load.paths),
        "method": load.method,
        "form": _lua_string(form) if form is not None else "nil",
        "expected": load.expect,
        "cookie": cookie.replace('"', ""),
        "agent": USER_AGENT,
        "sql": SQL_HEADER,
    }


def run(port: int, cookie: str, load: Load, *, concurrency: int, seconds: float, workdir: Path,
        name: str) -> Result:  # fmt: skip
    """Run wrk with one thread and ``concurrency`` connections for ``seconds``; return its figures."""
    lua = workdir / f"{name}.lua"
    lua.write_text(script(load, cookie))
    cmd = [
        available() or "wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
        "--latency", "-s", str(lua), f"http://{HOST}:{port}/",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    data = json.loads(line[len("BENCH ") :])
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        requests=data["requests"], seconds=data["duration_us"] / 1e6, p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000, errors=data["bad"] + socket_errors, sql_total=data["sql"], sql_seen=data["seen"],
    )  # fmt: skip
