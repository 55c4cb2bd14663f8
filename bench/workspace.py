"""In-process benchmarks (importers, selectors, figures): a migrated throwaway database and Django set
up in this process. The server-side pieces it uses are in harness.py beside it."""

import os
import subprocess
import sys
from pathlib import Path

from harness import ROOT, BenchmarkError, PostgresDatabase, run_checked, server_environment, venv_tool


class Workspace:
    """A temp dir with a migrated database (a fresh SQLite file, or a throwaway PostgreSQL database)
    and Django set up in this process; `label` names the database for the printout."""

    def __init__(self, prefix, database_url=None, keep=False):
        import tempfile

        self.data_dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.postgres = PostgresDatabase(database_url) if database_url else None
        self.label = f"PostgreSQL ({self.postgres.name})" if self.postgres else "SQLite (WAL)"
        self.keep = keep
        self.log = None

    def __enter__(self):
        self.log = open(self.data_dir / "setup.log", "w")
        try:
            if self.postgres:
                self.postgres.create()
            environment = server_environment(self.data_dir, self.postgres.url if self.postgres else None)
            _, seconds = run_checked(
                [venv_tool("tiaodu"), "migrate", "--noinput"], environment, "migrate", self.log
            )
            print(f"data dir {self.data_dir}; {self.label}; migrated in {seconds:.1f} s", flush=True)
            os.environ.update(environment)
            sys.path.insert(0, str(ROOT))
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            import django

            django.setup()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info):
        import shutil

        self.log.close()
        if self.postgres:
            if "django.db" in sys.modules:
                from django.db import connections

                connections.close_all()
            try:
                self.postgres.drop()
            except (BenchmarkError, subprocess.SubprocessError) as error:
                print(f"could not drop {self.postgres.name}: {error}", file=sys.stderr)
        if self.keep:
            print(f"kept {self.data_dir}")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        return False
