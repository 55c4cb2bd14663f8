#!/usr/bin/env python3
"""Does the project list stay as fast with 10,000 projects as with 100? (the project-library issue)

    .venv/bin/python bench/project_list_benchmark.py                 # SQLite: 100 and 10,000 projects
    .venv/bin/python bench/project_list_benchmark.py --sizes 100 2000 --requests 20
    .venv/bin/python bench/project_list_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres
    PYTHONPATH=/tmp/alt .venv/bin/python bench/project_list_benchmark.py --settings alt_settings  # compare
    .venv/bin/python bench/project_list_benchmark.py --database postgres://… --prepare-sql "CREATE …"

For each size a fresh database is migrated and filled with that many projects (bulk insert), then
gunicorn serves it as `tiaodu serve` does, and a region-scoped 项目办 user (not a superuser, so every
request goes through restrict()) requests, sequentially over one keep-alive connection:
  - the list page (HTML, first page of 50, default order by total investment),
  - the same list filtered (investment ≥ 10,000 万元 and a text search; most rows match at every size),
  - the API list (page of 50) and the same filter through the API.
It prints p50/p95 per size, and the ratio of the largest size to the smallest (1.0 = as fast).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # bench/ is not a package: run as a script, harness beside it
    HOST,
    BenchmarkError,
    Client,
    PostgresDatabase,
    Server,
    run_checked,
    server_environment,
    summarise,
    venv_python,
    venv_tool,
)

ROOT = Path(__file__).resolve().parent.parent
# A filter that keeps most rows at every size, so each size renders full pages and only the database's
# work grows with the number of projects.
FILTER = "investment_min=10000&q=%E5%9F%BA%E5%87%86"  # q=基准
WORKLOADS = (
    ("list page (HTML, 50 rows)", "/projects/projects/"),
    ("list page filtered (HTML)", f"/projects/projects/?{FILTER}"),
    ("API list (50 rows)", "/api/projects/projects/?page_size=50"),
    ("API list filtered", f"/api/projects/projects/?page_size=50&{FILTER}"),
)
STAGES = ("signed", "preparing", "planned", "under_construction", "completed", "operating")


def fill(count, statements=()):
    """Child process: `count` projects in 南康区 over 20 units, an office user; runs `statements` (SQL, a
    proposed index or statistics object, measured before it becomes a migration); prints JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from core.history import history_context
    from org.models import Region, Role, Unit, User
    from org.services import grant_role
    from projects.models import Project

    with history_context(reason="基准测试数据"):
        county = Region.objects.get(code="360703")
        units = [
            Unit.objects.create(code=f"B-{index}", name=f"基准单位{index}", kind="department", region=county)
            for index in range(20)
        ]
        Project.objects.bulk_create(
            (
                Project(
                    code=f"360703-2024-{index:05d}",
                    name=f"基准测试项目{index:05d}",
                    region=county,
                    introducing_unit=units[index % 20],
                    responsible_unit=units[(index * 7) % 20],
                    stage=STAGES[index % len(STAGES)],
                    total_investment=Decimal(1000 + (index * 7919) % 500000),
                    planned_start_year=2022 + index % 3,
                    planned_end_year=2025 + index % 3,
                )
                for index in range(count)
            ),
            batch_size=1000,
        )
        user = User.objects.create(username="bench_office")
        grant_role(user, role=Role.objects.get(code="office_admin"), region=county, actor=None)
        token = Token.objects.create(user=user)
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    if connection.vendor == "postgresql":
        # A served database has planner statistics (autovacuum analyses a table after many inserts); a
        # freshly filled one has none until autovacuum gets to it, or ever where it is off.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(json.dumps({"token": token.key, "session": session.session_key}))


def measure(port, setup, requests):
    results = {}
    api = Client(port, setup["token"])
    page = Client(port)
    page.headers["Cookie"] = f"sessionid={setup['session']}"
    for label, path in WORKLOADS:
        client = api if path.startswith("/api/") else page
        for _ in range(3):  # warm up both workers' caches
            client.request("GET", path, parse=False)
        latencies = []
        started = time.perf_counter()
        for _ in range(requests):
            status, _, milliseconds = client.request("GET", path, parse=False)
            if status != 200:
                raise BenchmarkError(f"{path} answered {status}")
            latencies.append(milliseconds)
        results[label] = summarise(latencies, time.perf_counter() - started)
    api.close()
    page.close()
    return results


def run_size(count, database_url, requests, settings_module=None, statements=()):
    postgres = PostgresDatabase(database_url) if database_url else None
    data_dir = Path(tempfile.mkdtemp(prefix=f"tiaodu-bench-list-{count}-"))
    server = None
    log = open(data_dir / "setup.log", "w")  # closed below
    try:
        if postgres:
            postgres.create()
        environment = server_environment(data_dir, postgres.url if postgres else None, settings_module)
        run_checked([venv_tool("tiaodu"), "migrate", "--noinput"], environment, "migrate", log)
        command = [venv_python(), str(Path(__file__).resolve()), "--fill", str(count)]
        for statement in statements:
            command += ["--prepare-sql", statement]
        output, seconds = run_checked(command, environment, "fill", log)
        print(f"{count:>6} projects loaded in {seconds:.1f} s", flush=True)
        setup = json.loads(output.strip().splitlines()[-1])
        server = Server(environment, data_dir / "server.log")
        server.start()
        return measure(server.port, setup, requests)
    finally:
        if server is not None:
            server.stop()
        log.close()
        if postgres:
            postgres.drop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: SQLite)")
    parser.add_argument("--settings", metavar="MODULE", help="another Django settings module (importable)")
    parser.add_argument(
        "--prepare-sql",
        action="append",
        default=[],
        metavar="SQL",
        help="run this statement after filling each database, before ANALYZE (repeatable)",
    )
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.fill is not None:
        fill(options.fill, options.prepare_sql)
        return 0
    sizes = sorted(set(options.sizes))
    try:
        by_size = {
            count: run_size(
                count, options.database, min(options.requests, 500), options.settings, options.prepare_sql
            )
            for count in sizes
        }
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    smallest, largest = sizes[0], sizes[-1]
    print(f"\nproject list on {HOST}, {'PostgreSQL' if options.database else 'SQLite (WAL)'}, p50 / p95 ms")
    header = f"{'workload':<30}" + "".join(f"{f'{count} projects':>22}" for count in sizes)
    print(header + f"{'p50 ratio':>12}")
    for label, _ in WORKLOADS:
        cells = "".join(
            f"{by_size[count][label]['p50_ms']:>11.2f} / {by_size[count][label]['p95_ms']:>7.2f}"
            for count in sizes
        )
        ratio = by_size[largest][label]["p50_ms"] / by_size[smallest][label]["p50_ms"]
        print(f"{label:<30}{cells}{ratio:>11.2f}×")
    print(f"p50 ratio: {largest} projects over {smallest} (1.00× = as fast).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
