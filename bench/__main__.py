"""``python -m bench``: build or reuse the data set, serve the app and the floor, drive them, print the table."""

from __future__ import annotations

import argparse
import signal
import sys

from bench.endpoints import DEEP_PAGE
from bench.run import Options, run

ENDPOINTS = ["contacts_list", "contacts_search", "contacts_deep_page", "contact_page", "organisation_page",
             "contact_create"]  # fmt: skip


def parse(argv: list[str] | None = None) -> Options:
    """Parse the command line into ``Options``."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--contacts",
        type=int,
        default=100_000,
        help="size of the data set (default 100000; 1000 to compare SQL counts)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per endpoint (default 20)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections per endpoint (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (default 2)")
    parser.add_argument(
        "--tool",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk when installed (auto), or the Python client",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached data set")
    parser.add_argument(
        "--sql-only", action="store_true", help="only probe each endpoint (status, SQL statements per request); no load"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=ENDPOINTS,
        default=[],
        help=f"drive only this endpoint (repeatable; the floor always runs); deep page = {DEEP_PAGE}",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.duration <= 0 or args.concurrency < 1 or args.workers < 1 or args.contacts < 100:
        parser.error("--duration must be > 0, --concurrency and --workers >= 1, --contacts >= 100")
    return Options(contacts=args.contacts, duration=args.duration, concurrency=args.concurrency,
                   workers=args.workers, tool=args.tool, rebuild=args.rebuild, sql_only=args.sql_only,
                   only=args.only)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; servers are stopped on the way out, also on Ctrl-C or SIGTERM."""
    options = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind through the finally blocks
    try:
        run(options)
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
