"""``python -m bench.instructions``: machine instructions per request, counted by valgrind's callgrind.

Throughput and CPU time per request move by ±10% from run to run on a shared machine, more for the app than
for the floor, so they cannot tell a 3% change from noise. The number of instructions a request executes
hardly moves at all: this counts it for the floor and each read endpoint, on the same cached data set as
``python -m bench``, and prints the floor's count as a share of each endpoint's (the steady counterpart of the
throughput ratio; it leaves out the server and the network, which the throughput run includes).

Each endpoint runs in a fresh Python process under ``valgrind --tool=callgrind``: the app (``crm.wsgi:app``,
production settings) or the floor, a sign-in through the real form, ``WARM_UP`` requests, then ``--requests``
more through Flask's test client. A second process stops after the warm-up; the difference between the two
totals, divided by ``--requests``, is the figure. Two endpoints run at a time; a full run takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import endpoints, generate, report
from bench.client import csrf_token
from bench.run import floor_database

WARM_UP = 20
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _child(kind: str, paths: list[str], count: int, email: str, password: str) -> None:
    """Serve ``count`` requests after the warm-up, in this process (run under valgrind by the parent)."""
    if kind == "floor":
        from bench.floor import create_app

        client = create_app().test_client()
    else:
        from crm.wsgi import app  # the production entry point, configured by the CRM_* variables the parent set

        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        signed_in = client.post(
            "/login", data={"csrf_token": csrf_token(page), "email": email, "password": password, "next": ""}
        )
        if signed_in.status_code != 302:
            raise SystemExit(f"sign-in answered {signed_in.status_code}")
    for n in range(WARM_UP + count):
        response = client.get(paths[(n * 97) % len(paths)])
        if response.status_code != 200:
            raise SystemExit(f"{paths[(n * 97) % len(paths)]} answered {response.status_code}")


def _instructions(args: list[str], env: dict[str, str]) -> int:
    """Return the instructions callgrind counted for ``python -m bench.instructions --child …``."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               "-m", "bench.instructions", "--child", *args]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{' '.join(args[:1])}: valgrind failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def measure(endpoint: endpoints.Endpoint, count: int, env: dict[str, str], user: dict[str, str]) -> float:
    """Return the instructions per request of ``endpoint`` (the difference of two runs, per request)."""
    args = [endpoint.kind, json.dumps(endpoint.load.paths), user["email"], user["password"]]
    warm_only = _instructions([*args, "0"], env)
    with_requests = _instructions([*args, str(count)], env)
    return (with_requests - warm_only) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests counted per endpoint (default 50)")
    parser.add_argument("--contacts", type=int, default=100_000, help="size of the data set (default 100000)")
    parser.add_argument("--only", action="append", default=[], help="measure only this endpoint (and the floor)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        kind, paths, email, password, count = options.child
        _child(kind, json.loads(paths), int(count), email, password)
        return 0
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    dataset = generate.ensure(options.contacts)
    every = endpoints.build(dataset.meta, None)
    unknown = set(options.only) - {e.name for e in every}
    if unknown:
        names = ", ".join(e.name for e in every)
        parser.error(f"unknown endpoint(s) {', '.join(sorted(unknown))}; choose from {names}")
    selected = [e for e in every if e.kind == "floor" or not options.only or e.name in options.only]
    with tempfile.TemporaryDirectory(prefix="instructions-", dir=generate.CACHE) as workdir:
        database = Path(workdir) / "crm.sqlite3"
        shutil.copyfile(dataset.path, database)  # GETs do not write, but the cache stays untouched regardless
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
        env.update(CRM_ENV="production", CRM_SECRET_KEY=secrets.token_urlsafe(48),
                   CRM_DATABASE_URL=f"sqlite:///{database}", CRM_BASE_URL="http://127.0.0.1:5000",
                   BENCH_FLOOR_DB=str(floor_database()), PYTHONHASHSEED="0")  # fmt: skip
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = dict(zip(
                (e.name for e in selected),
                pool.map(lambda e: measure(e, options.requests, env, dataset.meta["volunteer"]), selected),
                strict=True,
            ))  # fmt: skip
    floor = counts["floor"]
    print(f"\n{'endpoint':<20}{'M instructions/request':>24}{'floor / endpoint':>18}")
    for name, value in counts.items():
        print(f"{name:<20}{value / 1e6:>24.2f}{floor / value:>17.1%}")
    document: dict[str, Any] = {
        "requests_per_endpoint": options.requests,
        "contacts": options.contacts,
        "endpoints": {name: {"instructions_per_request": round(value), "floor_ratio": round(floor / value, 3)}
                      for name, value in counts.items()},
    }  # fmt: skip
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    (report.RESULTS / "instructions.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nfigures written to {report.RESULTS / 'instructions.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
