"""The benchmark's output: one table on the terminal and ``bench/results/latest.json``."""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bench.client import Result
from bench.endpoints import CREATE_TARGET_PER_S, READ_TARGET_P95_MS, READ_TARGET_RATIO, Endpoint

RESULTS = Path(__file__).resolve().parent / "results"
FIELDS = ("req_per_s", "p50_ms", "p95_ms", "errors", "sql_per_request", "floor_ratio", "cpu_ms_per_request",
          "floor_ratio_cpu", "requests", "label", "target", "meets_target", "failure")  # fmt: skip


def versions() -> dict[str, str]:
    """Return the versions of Python and the packages the figures depend on."""
    found = {"python": platform.python_version(), "sqlite": __import__("sqlite3").sqlite_version}
    for package in ("sqlalchemy", "flask", "gunicorn", "jinja2", "werkzeug"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "missing"
    return found


def figures(endpoint: Endpoint, result: Result | None, floor_rps: float | None, probe_sql: float | None,
            failure: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Return one endpoint's figures with its target and verdict."""
    row: dict[str, Any] = {"label": endpoint.label, "kind": endpoint.kind}
    if result is not None:
        sql = result.sql_per_request if result.sql_per_request is not None else probe_sql
        row.update(
            req_per_s=round(result.req_per_s, 1), p50_ms=round(result.p50_ms, 2), p95_ms=round(result.p95_ms, 2),
            errors=result.errors, requests=result.requests, sql_per_request=None if sql is None else round(sql, 2),
            floor_ratio=round(result.req_per_s / floor_rps, 3) if floor_rps else None,
        )  # fmt: skip
    else:
        row.update(req_per_s=None, p50_ms=None, p95_ms=None, errors=None, requests=0,
                   sql_per_request=probe_sql, floor_ratio=None)  # fmt: skip
    if failure:
        row["failure"] = failure
    if result is None and not failure:  # probed only (--sql-only): no verdict
        return row
    if endpoint.kind == "read":
        row["target"] = f">= {READ_TARGET_RATIO:.0%} of floor, p95 <= {READ_TARGET_P95_MS:g} ms"
        row["meets_target"] = (result is not None and not failure and row["floor_ratio"] is not None
                               and row["floor_ratio"] >= READ_TARGET_RATIO and row["p95_ms"] <= READ_TARGET_P95_MS
                               and row["errors"] == 0)  # fmt: skip
    elif endpoint.kind == "create":
        row["target"] = f">= {CREATE_TARGET_PER_S:g}/s, 0 errors"
        row["meets_target"] = (result is not None and not failure and row["errors"] == 0
                               and row["req_per_s"] >= CREATE_TARGET_PER_S)  # fmt: skip
    return row


def _cell(value: Any, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def table(rows: dict[str, dict[str, Any]]) -> str:
    """Return the results as a text table."""
    header = ("endpoint", "req/s", "p50 ms", "p95 ms", "errors", "SQL/req", "x floor", "CPU ms/req", "x floor CPU",
              "target", "")  # fmt: skip
    lines = [header]
    for name, row in rows.items():
        verdict = "" if "meets_target" not in row else ("ok" if row["meets_target"] else "MISS")
        if row.get("failure"):
            verdict = f"FAILED: {row['failure'][:60]}"
        lines.append((
            name, _cell(row["req_per_s"], ".1f"), _cell(row["p50_ms"], ".2f"), _cell(row["p95_ms"], ".2f"),
            _cell(row["errors"], "d"), _cell(row["sql_per_request"], ".1f"),
            _cell(row["floor_ratio"], ".1%"), _cell(row.get("cpu_ms_per_request"), ".2f"),
            _cell(row.get("floor_ratio_cpu"), ".1%"), row.get("target", ""), verdict,
        ))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    right = {1, 2, 3, 4, 5, 6, 7, 8}
    out = []
    for n, line in enumerate(lines):
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write(rows: dict[str, dict[str, Any]], extra: dict[str, Any], path: Path | None = None) -> Path:
    """Write the figures and the run's context to ``bench/results/latest.json`` (or ``path``)."""
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "endpoints": {name: {k: row[k] for k in FIELDS if k in row} for name, row in rows.items()},
        **extra,
        "versions": versions(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "executable": sys.executable},
    }  # fmt: skip
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
