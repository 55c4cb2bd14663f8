#!/usr/bin/env python3
"""Does the completeness board for 100 units × 52 rounds render in ≤ 100 ms? (the weekly-dispatch issue)

    .venv/bin/python bench/completeness_board_benchmark.py                   # SQLite
    .venv/bin/python bench/completeness_board_benchmark.py --units 100 --rounds 52 --requests 30
    .venv/bin/python bench/completeness_board_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres

A fresh database is migrated and filled: `--units` responsible units in 南康区 with two projects each,
a weekly cadence and `--rounds` weekly rounds opened by the service (so 2 × units × rounds expected
reports), nine in ten reports submitted (some late), the rest missing. gunicorn serves it as
`tiaodu serve` does, and a region-scoped 项目办 (not a superuser: every query goes through restrict())
requests over one keep-alive connection:
  - the board over all the rounds (the target: p50 ≤ 100 ms),
  - the board over the last 4 rounds, and /health/ — baselines measured in the same run, printed as
    ratios, so a slow machine shows as a slow baseline rather than a false miss.
"""

import argparse
import json
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
    analyze_if_postgres,
    create_units_and_projects,
    login_session,
    run_checked,
    server_environment,
    set_up_django,
    summarise,
    venv_python,
    venv_tool,
)

TARGET_MS = 100


def fill(units, rounds):
    """Child process: the units, projects, cadence and rounds; prints JSON with the session and cadence."""
    set_up_django()
    import datetime
    import random

    from core.history import history_context
    from dispatch import services
    from dispatch.choices import PeriodType
    from dispatch.models import Cadence, ProgressReport
    from dispatch.periods import periods_between
    from org.models import Role, User
    from org.services import grant_role

    random.seed(2024)
    with history_context(reason="基准测试数据"):
        county, _, _ = create_units_and_projects(units, projects_per_unit=2)
        cadence = Cadence.objects.create(name="每周调度", region=county, due_offset_days=-2)
        first = datetime.date(2024, 1, 1)
        periods = periods_between(PeriodType.WEEKLY, first, first + datetime.timedelta(weeks=rounds - 1))
        for period in periods:
            services.open_round(cadence, period=period, actor=None)
        # Nine in ten reports submitted, a fifth of those after the on-time limit.
        for dispatch_round in cadence.rounds.all():
            reports = list(dispatch_round.reports.values_list("pk", flat=True))
            random.shuffle(reports)
            submitted = reports[: len(reports) * 9 // 10]
            late = submitted[: len(submitted) // 5]
            ProgressReport.objects.filter(pk__in=submitted[len(late) :]).update(
                status="submitted", first_submitted_at=dispatch_round.due_at
            )
            ProgressReport.objects.filter(pk__in=late).update(
                status="submitted", first_submitted_at=dispatch_round.locks_at
            )
        user = User.objects.create(username="bench_office")
        grant_role(user, role=Role.objects.get(code="office_admin"), region=county, actor=None)
        session = login_session(user)
    analyze_if_postgres()
    print(json.dumps({"session": session, "cadence": cadence.pk, "reports": ProgressReport.objects.count()}))


def measure(port, setup, rounds, requests):
    page = Client(port)
    page.headers["Cookie"] = f"sessionid={setup['session']}"
    page.headers["Accept"] = "text/html"
    workloads = (
        (f"board, {rounds} rounds", f"/dispatch/board/?cadence={setup['cadence']}&count={rounds}"),
        ("board, 4 rounds (baseline)", f"/dispatch/board/?cadence={setup['cadence']}&count=4"),
        ("/health/ (baseline)", "/health/"),
    )
    results = {}
    for label, path in workloads:
        for _ in range(3):  # warm up both workers
            status, _, _ = page.request("GET", path, parse=False)
            if status != 200:
                raise BenchmarkError(f"{path} answered {status}")
        latencies = []
        started = time.perf_counter()
        for _ in range(requests):
            status, _, milliseconds = page.request("GET", path, parse=False)
            if status != 200:
                raise BenchmarkError(f"{path} answered {status}")
            latencies.append(milliseconds)
        results[label] = summarise(latencies, time.perf_counter() - started)
        results[label]["slowest_ms"] = sorted(latencies)[-3:]
    page.close()
    return workloads, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=52)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: SQLite)")
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.fill:
        fill(*options.fill)
        return 0
    postgres = PostgresDatabase(options.database) if options.database else None
    data_dir = Path(tempfile.mkdtemp(prefix="tiaodu-bench-board-"))
    server = None
    log = open(data_dir / "setup.log", "w")  # closed below
    try:
        if postgres:
            postgres.create()
        environment = server_environment(data_dir, postgres.url if postgres else None)
        run_checked([venv_tool("tiaodu"), "migrate", "--noinput"], environment, "migrate", log)
        output, seconds = run_checked(
            [venv_python(), str(Path(__file__).resolve()), "--fill", str(options.units), str(options.rounds)],
            environment,
            "fill",
            log,
        )
        setup = json.loads(output.strip().splitlines()[-1])
        print(
            f"{options.units} units × {options.rounds} rounds, {setup['reports']} reports, "
            f"filled in {seconds:.1f} s"
        )
        server = Server(environment, data_dir / "server.log")
        server.start()
        workloads, results = measure(server.port, setup, options.rounds, options.requests)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        log.close()
        if postgres:
            postgres.drop()
    print(f"\ncompleteness board on {HOST}, {'PostgreSQL' if postgres else 'SQLite (WAL)'}")
    print(f"{'workload':<30}{'p50 ms':>10}{'p95 ms':>10}   slowest 3 ms")
    for label, _ in workloads:
        slowest = " ".join(f"{value:.1f}" for value in results[label]["slowest_ms"])
        print(f"{label:<30}{results[label]['p50_ms']:>10.2f}{results[label]['p95_ms']:>10.2f}   {slowest}")
    board = results[workloads[0][0]]["p50_ms"]
    print(
        f"full board p50 = {board / results[workloads[1][0]]['p50_ms']:.2f}× the 4-round board, "
        f"{board / results[workloads[2][0]]['p50_ms']:.1f}× /health/"
    )
    verdict = "PASS" if board <= TARGET_MS else "MISS"
    print(f"target p50 ≤ {TARGET_MS} ms for {options.units} units × {options.rounds} rounds: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
