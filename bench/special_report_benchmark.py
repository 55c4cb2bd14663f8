#!/usr/bin/env python3
"""Is a city-scale 专报 generated in DOCX + XLSX in ≤ 5 s, and with PDF in ≤ 15 s? (issue 6)

    .venv/bin/python bench/special_report_benchmark.py                      # SQLite, 1,500 × 26
    .venv/bin/python bench/special_report_benchmark.py --repeats 5
    .venv/bin/python bench/special_report_benchmark.py --database postgres://postgres@127.0.0.1:5432/postgres

A fresh database is migrated (workspace.Workspace) and filled in bulk with history by the figures
benchmark's `fill` (bench/figures_data.py): `--projects` projects of 南康区 over 100 units, `--rounds`
weekly rounds of 2024 with one report per project per round, lights of the last 8 weeks (red and yellow
ones with a reason's sentence), 2,000 matters.

Measured in this process, as the CLI and the background job call it (no HTTP), for the whole county
(region 360703), period = the half month holding the last round (2024-12-H2 with the defaults), records
read as recorded now (the data is back-filled):
  (a) `generate_special_report(formats=("docx", "xlsx"))` end to end — SpecialReport stored, figures,
      context, charts, Word, Excel, files written to the media folder: p50 over `--repeats` — target ≤ 5 s;
  (b) the same with ("docx", "pdf", "xlsx") (LibreOffice) — target ≤ 15 s;
  (c) the bare SQL aggregation of the same headline figures on the same data (figures_benchmark.bare_sql,
      as of the period's last day), and the ratios (a)/(c), (b)/(c);
and where the time of (a) and (b) goes (the services' own calls, timed in place): compute_figures,
to_dict/checksum/storing (the rest), the context, each chart, the Word fill, the Excel annex, the PDF.
Each workload runs once first to warm up (imports, matplotlib's font cache); that cold run is printed too.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures_data import fill  # bench/ is not a package: the data module beside it

TARGET_FILES_S = 5.0
TARGET_PDF_S = 15.0
REGION = "360703"


def half_month(day):
    """The code of the half month holding `day` ("2024-12-H2")."""
    return f"{day.year}-{day.month:02d}-{'H1' if day.day <= 15 else 'H2'}"


class Stages:
    """Wall-clock seconds of the services' own steps, measured where they are called: each named function
    is replaced by a timing wrapper for the run (and put back afterwards)."""

    def __init__(self):
        self.current = {}
        self.patched = []

    def wrap(self, owner, name, label):
        original = owner[name] if isinstance(owner, dict) else getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[label] = self.current.get(label, 0.0) + time.perf_counter() - start

        if isinstance(owner, dict):
            owner[name] = timed
        else:
            setattr(owner, name, timed)
        self.patched.append((owner, name, original))

    def install(self):
        from reports.figures.output import Figures
        from reports.special import documents, services

        self.wrap(services, "compute_report_figures", "figures (compute_figures)")
        self.wrap(Figures, "to_dict", "figures to_dict + checksum")
        self.wrap(Figures, "checksum", "figures to_dict + checksum")
        self.wrap(services, "special_context", "context (special_context)")
        for name in list(documents.CHARTS):
            self.wrap(documents.CHARTS, name, f"chart {name.removeprefix('chart_')}")
        self.wrap(documents, "render_docx", "docx (render_docx)")
        self.wrap(documents, "render_xlsx", "xlsx (render_xlsx)")
        self.wrap(documents, "render_pdf", "pdf (LibreOffice)")

    def restore(self):
        for owner, name, original in reversed(self.patched):
            if isinstance(owner, dict):
                owner[name] = original
            else:
                setattr(owner, name, original)
        self.patched = []

    def take(self):
        taken, self.current = self.current, {}
        return taken


def measure(generate, repeats, stages):
    """(cold seconds, [seconds per repeat], [CPU seconds per repeat, this process and LibreOffice's],
    [stage seconds per repeat], the last report)."""
    start = time.perf_counter()
    report = generate()
    cold = time.perf_counter() - start
    stages.take()
    seconds, cpu, breakdowns = [], [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        report = generate()
        seconds.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
        breakdowns.append(stages.take())
    return cold, seconds, cpu, breakdowns, report


def cpu_seconds():
    """CPU time of this process and its finished children (LibreOffice): a busy host inflates it less
    than the wall clock."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def critical_path(item):
    """Seconds of `item`'s steps on the way (the charts are inside the Word fill; the PDF is converted
    while the Excel annex is written)."""
    steps = {label: value for label, value in item.items() if not label.startswith("chart ")}
    overlapped = [steps.pop(label, 0.0) for label in ("xlsx (render_xlsx)", "pdf (LibreOffice)")]
    return sum(steps.values()) + max(overlapped)


def breakdown_lines(seconds, breakdowns):
    """Median seconds of each step; "docx (render_docx)" less its charts; the rest as "other"."""
    labels = list(breakdowns[0])
    medians = {label: statistics.median(item.get(label, 0.0) for item in breakdowns) for label in labels}
    charts = sum(value for label, value in medians.items() if label.startswith("chart "))
    lines = []
    for label, value in medians.items():
        if label == "docx (render_docx)":
            lines.append(("docx fill (render_docx less charts)", value - charts))
        elif label == "pdf (LibreOffice)":
            lines.append(("pdf (LibreOffice, while the xlsx is written)", value))
        else:
            lines.append((label, value))
    others = [total - critical_path(item) for total, item in zip(seconds, breakdowns, strict=True)]
    lines.append(("other (report row and history, template, storing)", statistics.median(others)))
    return lines


def file_sizes(report):
    sizes = []
    for field in ("docx_file", "xlsx_file", "pdf_file"):
        stored = getattr(report, field)
        if stored:
            sizes.append(f"{field.removesuffix('_file')} {stored.size / 1024:.0f} KiB")
    return ", ".join(sizes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=26)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", help="postgres://user@127.0.0.1:5432/db (default: SQLite)")
    parser.add_argument("--no-pdf", action="store_true", help="skip (b) (no LibreOffice)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    options = parser.parse_args(argv)
    from harness import BenchmarkError
    from workspace import Workspace

    try:
        with Workspace("tiaodu-special-bench-", options.database, options.keep) as workspace:
            return run(options, workspace)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2


def run(options, workspace):
    from figures_benchmark import bare_sql, timed
    from harness import BenchmarkError

    from dispatch.models import ProgressReport
    from reports.figures import parse_period
    from reports.letters.pdf import libreoffice_command
    from reports.special.services import generate_special_report

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    setup = fill(options.projects, options.rounds, light_reasons=True)
    period = half_month(setup["as_of"])
    print(
        f"{options.projects} projects, {len(setup['rounds'])} rounds, "
        f"{ProgressReport.objects.count()} reports, filled in {time.perf_counter() - started:.1f} s; "
        f"{workspace.label}; period {period}"
    )

    def generate(formats):
        return generate_special_report(period, actor=None, region=REGION, recorded_at="now", formats=formats)

    stages = Stages()
    stages.install()
    results = {}
    try:
        workloads = [("a", "DOCX + XLSX", ("docx", "xlsx"))]
        if options.no_pdf:
            print("(b) skipped: --no-pdf")
        elif libreoffice_command() is None:
            print("(b) skipped: LibreOffice is not installed (scripts/ensure-system-packages.sh)")
        else:
            workloads.append(("b", "DOCX + PDF + XLSX", ("docx", "pdf", "xlsx")))
        for key, label, formats in workloads:
            cold, seconds, cpu, breakdowns, report = measure(
                lambda formats=formats: generate(formats), options.repeats, stages
            )
            counted = report.figures["summary"]["projects"]["value"]
            if counted != options.projects:
                raise BenchmarkError(f"the report counted {counted} projects of {options.projects}")
            results[key] = (label, cold, seconds, cpu, breakdowns, report)
    finally:
        stages.restore()
    bare = timed(lambda: bare_sql(dict(setup, as_of=parse_period(period).end)), max(options.repeats, 10))

    print(
        f"\n专报 for region {REGION}, {period}, in process, {workspace.label}; "
        f"load average {load_before:.1f} before the fill, {os.getloadavg()[0]:.1f} now"
    )
    bare_s = bare["p50_ms"] / 1000
    print(f"{'workload':<36}{'cold s':>8}{'p50 s':>8}{'max s':>8}{'cpu s':>8}{'× (c)':>8}  target")
    for key, (label, cold, seconds, cpu, _breakdowns, _report) in results.items():
        p50 = statistics.median(seconds)
        target = TARGET_FILES_S if key == "a" else TARGET_PDF_S
        verdict = "PASS" if p50 <= target else "FAIL"
        print(
            f"({key}) {label:<32}{cold:>8.2f}{p50:>8.2f}{max(seconds):>8.2f}{statistics.median(cpu):>8.2f}"
            f"{p50 / bare_s:>8.1f}  ≤ {target:.0f} s: {verdict}"
        )
    print(
        f"{'(c) bare SQL, same headline figures':<36}{'':>8}{bare_s:>8.3f}{bare['max_ms'] / 1000:>8.3f}"
        f"{bare['cpu_p50_ms'] / 1000:>8.3f}{1:>8.1f}"
    )
    for key, (_label, _cold, seconds, _cpu, breakdowns, report) in results.items():
        print(f"\nwhere ({key}) goes, median of {len(seconds)} (files: {file_sizes(report)})")
        for name, value in breakdown_lines(seconds, breakdowns):
            print(f"  {name:<52}{value:>7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
