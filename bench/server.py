"""Start and stop gunicorn servers bound to 127.0.0.1 on a free port.

Each server runs in its own session (process group), so stopping it ends the arbiter and its workers and
nothing else; ``Servers`` stops every server it started on exit, also after an error or Ctrl-C.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children(pid: int) -> list[int]:
    """Return the ids of the direct children of ``pid`` (Linux /proc), or [] when unknown."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One gunicorn arbiter with its workers."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's error log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        """Wait until the server answers ``path`` with any HTTP response; raise if it dies or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.process.returncode}:\n{self.log_tail()}")
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                conn.request("GET", path)
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
            finally:
                conn.close()
        raise RuntimeError(f"{self.name} server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float | None:
        """Return the CPU time (user + system) used so far by the arbiter and its workers, or None without /proc.

        Throughput moves with whatever else runs on the machine; CPU time per request much less so.
        """
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                if pid == self.process.pid:
                    return None
                continue  # a worker that just exited
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime
        return total

    def stop(self) -> None:
        """Stop the arbiter and its workers (gracefully, then by force)."""
        if self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)  # the group this server was started in, nothing else
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class Servers:
    """The servers of one run; a context manager that stops all of them on the way out."""

    log_dir: Path
    workers: int = 2
    started: list[Server] = field(default_factory=list)

    def start(self, name: str, app: str, env: dict[str, str], port: int | None = None) -> Server:
        """Start gunicorn with ``workers`` sync workers serving ``app`` (``module:factory()``)."""
        port = port or free_port()
        log = self.log_dir / f"{name}.log"
        cmd = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers), "--worker-class", "sync",
            "--bind", f"{HOST}:{port}", "--backlog", "64", "--timeout", "30",
            "--error-logfile", str(log), "--log-level", "warning",
            app,
        ]  # fmt: skip
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        server = Server(name=name, port=port, process=process, log=log)
        self.started.append(server)
        return server

    def stop_all(self) -> None:
        """Stop every server started here."""
        while self.started:
            self.started.pop().stop()

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop_all()
