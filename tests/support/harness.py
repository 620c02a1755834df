"""Machinery the benchmarks and the multi-process tests share: fresh instances, gunicorn, fakes,
load generation.

* `fresh_instance()`: a throw-away instance directory with its SQLite database migrated.
* `Gunicorn`: starts `gunicorn <module>:app` on a free 127.0.0.1 port with given settings,
  waits until every worker has booted and a ready URL answers 200, stops it by its pid.
* `upstream_fakes()`: the test suite's fake Open-Meteo and MET Norway servers, in this process,
  so the benchmark can count upstream calls (`fake.count()`). Nothing leaves the machine.
* `load()`: a fixed-duration HTTP load on one URL with wrk (installed with apt-get when
  missing and we are root), or, when wrk can't be had, a Python load generator (several
  processes of keep-alive `http.client` threads). Both report req/s and p50/p99 latency;
  the Python one is much slower per request, so its absolute numbers are only comparable
  with each other (the ratio is what counts). `BENCH_LOADGEN=python` forces it.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.processes import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable  # the venv's python under `make bench`


def log(message: str) -> None:
    """Progress goes to stderr, so stdout stays the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores{', ' + cpu if cpu else ''}, Python {sys.version.split()[0]}"


def http_get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_json(url: str, timeout: float = 10.0) -> tuple[int, dict]:
    status, body = http_get(url, timeout)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"_raw": body[:200].decode(errors="replace")}


# --- the app's environment ---------------------------------------------------------------
@dataclass
class Instance:
    """A fresh BACKRUN_INSTANCE_PATH with a migrated SQLite database, removed on exit."""

    path: Path
    env: dict[str, str]

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def fresh_instance(open_meteo_url: str, met_no_url: str, **extra_env: str) -> Instance:
    path = Path(tempfile.mkdtemp(prefix="backrun-bench-"))
    env = {
        **os.environ,
        "BACKRUN_INSTANCE_PATH": str(path),
        "DATABASE_URL": f"sqlite:///{path / 'backrun.sqlite3'}",
        "SECRET_KEY": "benchmark-only-secret",
        "BACKRUN_OPEN_METEO_URL": open_meteo_url,
        "BACKRUN_MET_NO_URL": met_no_url,
        # Never a real service, even by mistake: Nominatim points at a closed port.
        "BACKRUN_NOMINATIM_URL": f"http://127.0.0.1:{free_port()}",
        "BACKRUN_CACHE_URL": "",
        "BACKRUN_AIR_QUALITY_URL": "",  # never the real service; the weather path is what is measured
        "BACKRUN_RATELIMIT_DEFAULT": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra_env,
    }
    result = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        raise RuntimeError(f"migrating the benchmark database failed:\n{result.stdout}\n{result.stderr}")
    return Instance(path, env)


@contextmanager
def upstream_fakes() -> Iterator[tuple[object, object]]:
    """(OpenMeteoFake, MetNoFake), started in this process on 127.0.0.1."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tests.support.fakes.met_no import MetNoFake
    from tests.support.fakes.open_meteo import OpenMeteoFake

    open_meteo, met_no = OpenMeteoFake().start(), MetNoFake().start()
    try:
        yield open_meteo, met_no
    finally:
        open_meteo.stop()
        met_no.stop()


# --- gunicorn ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GunicornSettings:
    workers: int = 2
    worker_class: str = "sync"
    threads: int = 1

    def args(self) -> list[str]:
        # --threads always: gunicorn.conf.py (read from the project root) sets 8, and gunicorn turns
        # sync workers with more than one thread into gthread ones.
        return [
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
        ]

    def describe(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {' '.join(self.args())} ({self.workers} {self.worker_class} workers{threads})"


class Gunicorn:
    """`gunicorn <app_spec>` on a free port; a context manager that starts and stops it."""

    def __init__(
        self,
        app_spec: str,
        settings: GunicornSettings,
        env: dict[str, str],
        *,
        ready_path: str = "/",
        log_dir: Path | None = None,
        access_log: bool = False,
        name: str | None = None,
    ) -> None:
        self.app_spec = app_spec
        self.settings = settings
        self.env = env
        self.ready_path = ready_path
        self.port = free_port()
        self.name = name or app_spec.replace(":", "_").replace(".", "_")
        # A log directory of our own is removed by stop(); pass log_dir to keep the logs.
        self._own_log_dir = log_dir is None
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="backrun-bench-logs-"))
        self.log_path = self.log_dir / f"{self.name}.log"
        self.access_log_path = self.log_dir / f"{self.name}.access.log" if access_log else None
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self, ready_timeout_s: float = 60.0) -> Gunicorn:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            *self.settings.args(),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
        ]
        if self.access_log_path:
            # %(p)s: the worker's pid, so a benchmark can show which processes answered.
            command += [
                "--access-logfile",
                str(self.access_log_path),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
            ]
        command.append(self.app_spec)
        self._log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        # Its own session: Ctrl-C on the benchmark doesn't hit gunicorn mid-measurement,
        # and stop() can clean up its workers by this process group id.
        self.proc = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready(ready_timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn {self.app_spec} exited ({self.proc.returncode}):\n{self.log_tail()}"
                )
            booted = self.log_path.read_text(errors="replace").count("Booting worker")
            if booted >= self.settings.workers:
                try:
                    status, _ = http_get(self.url(self.ready_path), timeout=2)
                    if status == 200:
                        return
                    last = f"HTTP {status}"
                except OSError as exc:
                    last = str(exc)
            time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn {self.app_spec} not ready after {timeout_s:g} s ({last}):\n{self.log_tail()}"
        )

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its current workers so far (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.proc.pid, *self.worker_pids()] if self.proc else []:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / ticks

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group we created in start()
                self.proc.wait(timeout=5)
        if getattr(self, "_log_file", None):
            self._log_file.close()
            self._log_file = None
        if self._own_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- load generation ---------------------------------------------------------------------
@dataclass
class LoadResult:
    tool: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: int = 0
    duration_s: float = 0.0
    raw: str = field(default="", repr=False)

    @property
    def clean(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == 0 and self.requests > 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("raw")
        return data


_wrk_path: str | None | bool = False  # False: not looked for yet


def find_wrk(install: bool = True) -> str | None:
    """wrk's path; installs Debian's wrk with apt-get (as root) when it is missing."""
    global _wrk_path
    if _wrk_path is not False:
        return _wrk_path
    path = shutil.which("wrk")
    if path is None and install and os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk not found: installing it with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                log(f"{' '.join(step)} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
                break
        path = shutil.which("wrk")
    if path is None:
        log("wrk unavailable: falling back to the Python load generator (see tests/support/harness.py)")
    _wrk_path = path
    return path


def load_tool() -> str:
    if os.environ.get("BENCH_LOADGEN", "").lower() == "python":
        return "python"
    return "wrk" if find_wrk() else "python"


def load(url: str, *, duration_s: float, connections: int, threads: int = 2) -> LoadResult:
    if load_tool() == "wrk":
        return run_wrk(url, duration_s=duration_s, connections=connections, threads=threads)
    return run_python_load(url, duration_s=duration_s, connections=connections, processes=threads)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"unknown wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    def need(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output without {pattern!r}:\n{output}")
        return match

    rps = float(need(r"^Requests/sec:\s+([\d.]+)").group(1))
    p50 = _ms(need(r"^\s+50%\s+(\S+)").group(1))
    p99 = _ms(need(r"^\s+99%\s+(\S+)").group(1))
    total = need(r"^\s+(\d+) requests in ([\d.]+\w+)")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return LoadResult(
        tool="wrk",
        requests_per_s=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        duration_s=_ms(total.group(2)) / 1000,
        raw=output,
    )


def run_wrk(url: str, *, duration_s: float, connections: int, threads: int = 2) -> LoadResult:
    wrk = find_wrk()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    command = [
        wrk,
        "--latency",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration_s:g}s",
        "--timeout",
        "10s",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return parse_wrk(done.stdout)


def _python_load_worker(url: str, connections: int, duration_s: float, start_at: float, out) -> None:
    """One load process: `connections` threads, each looping GETs on a keep-alive connection."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    stop_at = start_at + duration_s
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"non_2xx": 0, "errors": 0}

    def client() -> None:
        mine: list[float] = []
        non_2xx = errors = 0
        conn: http.client.HTTPConnection | None = None
        while time.time() < start_at:
            time.sleep(0.001)
        while time.time() < stop_at:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            began = time.perf_counter()
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - began)
                if not 200 <= response.status < 400:
                    non_2xx += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                errors += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            counts["non_2xx"] += non_2xx
            counts["errors"] += errors

    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, counts["non_2xx"], counts["errors"]))


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_python_load(url: str, *, duration_s: float, connections: int, processes: int = 2) -> LoadResult:
    """The fallback load generator: `processes` processes sharing `connections` client threads."""
    ctx = multiprocessing.get_context("spawn")  # this process has threads (the fakes): no fork
    out = ctx.Queue()
    start_at = time.time() + 1.5  # time for the spawned processes to import
    per_process = [
        connections // processes + (1 if i < connections % processes else 0) for i in range(processes)
    ]
    procs = [
        ctx.Process(target=_python_load_worker, args=(url, n, duration_s, start_at, out))
        for n in per_process
        if n
    ]
    for proc in procs:
        proc.start()
    latencies: list[float] = []
    non_2xx = errors = 0
    for _ in procs:
        got, bad, failed = out.get(timeout=duration_s + 60)
        latencies.extend(got)
        non_2xx += bad
        errors += failed
    for proc in procs:
        proc.join(timeout=10)
    return LoadResult(
        tool="python",
        requests_per_s=len(latencies) / duration_s,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        requests=len(latencies),
        non_2xx=non_2xx,
        socket_errors=errors,
        duration_s=duration_s,
    )


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass(frozen=True)
class ServeSettings(GunicornSettings):
    """gunicorn.conf.py (the workers, worker class and threads `make serve` uses), and `extra` arguments."""

    extra: tuple[str, ...] = ()

    def args(self) -> list[str]:
        return ["--config", "gunicorn.conf.py", *self.extra]


def answering_workers(server: Gunicorn, path_prefix: str) -> set[str]:
    """The worker pids that answered requests under `path_prefix` (from the access log: "pid status path")."""
    pids = set()
    for line in server.access_log_path.read_text().splitlines():
        pid, _status, path = (line.split(" ", 2) + ["", ""])[:3]
        if path.startswith(path_prefix):
            pids.add(pid)
    return pids
