"""What every tiaodu benchmark shares: a throwaway database, gunicorn started as `tiaodu serve` runs
it, a keep-alive HTTP client, parallel clients and percentile statistics."""

import http.client
import json
import math
import multiprocessing
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"

WORKERS = 2  # as `tiaodu serve` defaults (TIAODU_WORKERS / TIAODU_THREADS)
THREADS = 4

# Targets from the acceptance text (2-core machine).
TARGET_CREATE_P50_MS = 5.0
TARGET_LIST_200_P50_MS = 15.0


class BenchmarkError(Exception):
    """The server or the benchmark failed (as opposed to a missed target)."""


# --------------------------------------------------------------------------------------------------
# Statistics


def percentile(values, pct):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(latencies_ms, wall_seconds):
    return {
        "n": len(latencies_ms),
        "p50_ms": percentile(latencies_ms, 50),
        "p95_ms": percentile(latencies_ms, 95),
        "mean_ms": sum(latencies_ms) / len(latencies_ms),
        "max_ms": max(latencies_ms),
        "rps": len(latencies_ms) / wall_seconds if wall_seconds > 0 else 0.0,
    }


# --------------------------------------------------------------------------------------------------
# HTTP client


class Client:
    """One keep-alive connection; counts the connections it had to open."""

    def __init__(self, port, token=None):
        self.port = port
        self.headers = {"Accept": "application/json", "Host": f"{HOST}:{port}"}
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self.connection = None
        self.connections_opened = 0

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method, path, body=None, parse=True):
        """(status, parsed JSON or None, milliseconds). Only a GET is retried, once, on a dropped
        connection (gunicorn closes idle keep-alive connections after 2 s)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
                self.connections_opened += 1
            start = time.perf_counter()
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
                continue
            elapsed_ms = (time.perf_counter() - start) * 1000
            if response.will_close:
                self.close()
            parsed = None
            if parse and payload and response.getheader("Content-Type", "").startswith("application/json"):
                parsed = json.loads(payload)
            return response.status, parsed, elapsed_ms
        raise AssertionError("unreachable")

    def expect(self, method, path, status, body=None):
        got, parsed, elapsed_ms = self.request(method, path, body)
        if got != status:
            raise BenchmarkError(f"{method} {path}: expected HTTP {status}, got {got}: {parsed!r}"[:600])
        return parsed, elapsed_ms


def query(**params):
    """A percent-encoded query string (gunicorn answers 400 to raw UTF-8 in the request line)."""
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def _parallel_client(port, token, path, duration, barrier, results, index):
    """One of the parallel clients: list `path` in a loop for `duration` seconds after the barrier."""
    client = Client(port, token)
    errors = 0
    latencies = []
    try:
        client.expect("GET", path, 200)  # connect and warm before the clock starts
        barrier.wait(timeout=60)
        start = time.perf_counter()
        deadline = start + duration
        while time.perf_counter() < deadline:
            status, _, elapsed_ms = client.request("GET", path, parse=False)  # spare the client's CPU
            if status == 200:
                latencies.append(elapsed_ms)
            else:
                errors += 1
        elapsed = time.perf_counter() - start
    except Exception as error:  # reported to the parent, which fails the run
        results.put({"index": index, "error": repr(error)})
        return
    finally:
        client.close()
    results.put(
        {
            "index": index,
            "latencies": latencies,
            "elapsed": elapsed,
            "errors": errors,
            "connections": client.connections_opened,
        }
    )


def run_parallel(port, token, path, clients, duration, mode):
    """`clients` clients (processes or threads) listing `path` for `duration` s; aggregate throughput."""
    if mode == "process":
        context = multiprocessing.get_context("spawn")
        barrier, results = context.Barrier(clients), context.Queue()
        workers = [
            context.Process(
                target=_parallel_client, args=(port, token, path, duration, barrier, results, index)
            )
            for index in range(clients)
        ]
    else:
        barrier, results = threading.Barrier(clients), queue.Queue()
        workers = [
            threading.Thread(
                target=_parallel_client, args=(port, token, path, duration, barrier, results, index)
            )
            for index in range(clients)
        ]
    for worker in workers:
        worker.start()
    collected = []
    try:
        for _ in workers:
            collected.append(results.get(timeout=duration + 120))
    except queue.Empty as error:
        raise BenchmarkError("a parallel client neither reported nor failed") from error
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if mode == "process" and worker.is_alive():
                worker.kill()
    failures = [item["error"] for item in collected if "error" in item]
    if failures:
        raise BenchmarkError(f"parallel client failed: {failures[0]}")
    latencies = [value for item in collected for value in item["latencies"]]
    errors = sum(item["errors"] for item in collected)
    if errors or not latencies:
        raise BenchmarkError(f"parallel clients: {errors} failed requests, {len(latencies)} succeeded")
    wall = max(item["elapsed"] for item in collected)
    summary = summarise(latencies, wall)
    summary["per_client"] = [len(item["latencies"]) for item in sorted(collected, key=lambda i: i["index"])]
    summary["connections"] = sum(item["connections"] for item in collected)
    summary["mode"] = mode
    return summary


# --------------------------------------------------------------------------------------------------
# Server side: database, org set-up, gunicorn


def venv_python():
    candidate = VENV_BIN / "python"
    return str(candidate) if candidate.exists() else sys.executable


def venv_tool(name):
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    return str(Path(sys.executable).parent / name)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(data_dir, database_url, settings_module=None):
    environment = dict(os.environ)
    for name in list(environment):
        if name.startswith("TIAODU_") or name == "DJANGO_SETTINGS_MODULE":
            del environment[name]
    if settings_module:  # to measure a proposed settings change (importable via PYTHONPATH)
        environment["DJANGO_SETTINGS_MODULE"] = settings_module
    environment.update(
        {
            "TIAODU_ENV": "production",
            "TIAODU_DATA_DIR": str(data_dir),
            "TIAODU_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
            "TIAODU_ALLOWED_HOSTS": HOST,
            "TIAODU_SSL_REDIRECT": "0",
            "TIAODU_LOGIN_THROTTLING": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if database_url:
        environment["TIAODU_DATABASE_URL"] = database_url
    return environment


def run_checked(command, environment, what, log):
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900, check=False
    )
    log.write(f"$ {' '.join(command)}\n{completed.stdout}{completed.stderr}\n")
    log.flush()
    if completed.returncode != 0:
        raise BenchmarkError(f"{what} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    return completed.stdout, time.perf_counter() - started


class PostgresDatabase:
    """A throwaway database tiaodu_bench_<pid> next to the one the given URL names."""

    def __init__(self, url):
        self.admin_url = url
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise SystemExit(f"--database: expected postgres://..., got {url!r}")
        local_socket = (parts.hostname or "").startswith(
            "%2f"
        )  # postgres://user@%2Fvar%2Frun%2Fpostgresql/db
        if parts.hostname not in ("127.0.0.1", "localhost", "::1") and not local_socket:
            raise SystemExit("--database: the benchmark runs on loopback (or a local socket) only")
        self.name = f"tiaodu_bench_{os.getpid()}"
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        self.created = False

    def _psql(self, sql):
        completed = subprocess.run(
            ["psql", self.admin_url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if completed.returncode != 0:
            raise BenchmarkError(f"psql {sql!r}: {completed.stderr.strip()}")

    def create(self):
        self._psql(f"DROP DATABASE IF EXISTS {self.name}")
        self._psql(f"CREATE DATABASE {self.name}")
        self.created = True

    def drop(self):
        if self.created:
            self._psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            self.created = False


def set_up_django():
    """In a `--fill` child process (run with the environment of server_environment): Django set up on
    the throwaway database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def create_units_and_projects(units, projects_per_unit):
    """`units` responsible units in 南康区 (B-000, B-001, …) and `projects_per_unit` projects under
    construction for each, assigned to the units in turn. Returns (county, the units, the projects);
    call it inside the fill's history_context, after set_up_django()."""
    from decimal import Decimal

    from org.models import Region, Unit
    from projects.models import Project

    county = Region.objects.get(code="360703")
    made = [
        Unit.objects.create(
            code=f"B-{index:03d}", name=f"基准单位{index:03d}", kind="department", region=county
        )
        for index in range(units)
    ]
    projects = Project.objects.bulk_create(
        Project(
            code=f"360703-2024-{index:05d}",
            name=f"基准测试项目{index:05d}",
            region=county,
            introducing_unit=made[index % units],
            responsible_unit=made[index % units],
            stage="under_construction",
            total_investment=Decimal(50000),
        )
        for index in range(units * projects_per_unit)
    )
    return county, made, projects


def login_session(user):
    """The key of a new database session logged in as `user` (for a `sessionid` cookie)."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def analyze_if_postgres():
    """Fresh planner statistics after a bulk fill (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Server:
    """`tiaodu serve --bind 127.0.0.1:<port> --workers 2 --threads 4` (collectstatic, then gunicorn)."""

    def __init__(self, environment, log_path):
        self.environment = environment
        self.log_path = log_path
        self.port = free_port()
        self.process = None
        self.log = None

    def start(self, timeout=120):
        self.log = open(self.log_path, "w")  # closed in stop()
        command = [
            venv_tool("tiaodu"),
            "serve",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches the workers too
        )
        started = time.perf_counter()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/health/", headers={"Host": f"{HOST}:{self.port}"})
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchmarkError(f"the server did not answer /health/ within {timeout} s:\n{self.log_tail()}")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def worker_rss_mib(self):
        """Resident memory of the gunicorn master and each worker, MiB (Linux /proc only)."""
        if not self.alive():
            return {}
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return {}

        def rss(process_id):
            try:
                for line in Path(f"/proc/{process_id}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return round(int(line.split()[1]) / 1024, 1)
            except OSError:
                return None
            return None

        return {"master": rss(pid), "workers": [rss(child) for child in children]}

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of master and workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
                self.process.wait(timeout=10)
        if self.log is not None:
            self.log.close()
            self.log = None

    def log_tail(self, lines=40):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def timed_loop(client, count, method, path_of, status, body_of=None):
    latencies, bodies = [], []
    client.expect("GET", "/health/", 200)  # (re)open the keep-alive connection outside the clock
    started = time.perf_counter()
    for index in range(count):
        body = body_of(index) if body_of else None
        parsed, elapsed_ms = client.expect(method, path_of(index), status, body)
        latencies.append(elapsed_ms)
        bodies.append(parsed)
    return latencies, bodies, time.perf_counter() - started
