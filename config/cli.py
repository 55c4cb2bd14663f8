"""The `tiaodu` command: a thin wrapper over Django's management commands.

tiaodu serve [--dev] [--bind 127.0.0.1:8000] [--workers N]
                       (also runs the background-job consumer unless TIAODU_JOBS=external)
tiaodu run_huey        the background-job consumer alone (for TIAODU_JOBS=external)
tiaodu demo            load the Ganzhou/Nankang demo (idempotent)
tiaodu migrate         apply database migrations
tiaodu check --deploy  Django's deployment checks
tiaodu <command> ...   any other Django management command
"""

import os
import signal
import subprocess
import sys


def _serve(args):
    import argparse

    parser = argparse.ArgumentParser(prog="tiaodu serve")
    parser.add_argument("--dev", action="store_true", help="Django's auto-reloading development server")
    parser.add_argument("--bind", default=os.environ.get("TIAODU_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("TIAODU_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("TIAODU_THREADS", "4")))
    options = parser.parse_args(args)
    if options.dev:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tiaodu", "runserver", options.bind])
        return 0
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    command = [
        gunicorn,
        "config.wsgi:application",
        "--bind",
        options.bind,
        "--workers",
        str(options.workers),
        "--threads",
        str(options.threads),
        "--access-logfile",
        "-",
        "--config",
        "python:config.gunicorn",
    ]
    jobs = None
    if os.environ.get("TIAODU_JOBS", "embedded") != "external":
        # The periodic jobs (rounds opening, reminders) need a consumer; embedded, it runs beside
        # the web server so that one command is the whole service.
        jobs = subprocess.Popen([sys.executable, "-m", "config.cli", "run_huey", "--quiet"])
    web = subprocess.Popen(command)
    # A service manager stops us with SIGTERM: pass it on so gunicorn shuts down gracefully.
    signal.signal(signal.SIGTERM, lambda *_: web.terminate())
    try:
        return web.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches gunicorn too; wait for it to finish
        return web.wait()
    finally:
        if jobs is not None:
            jobs.terminate()
            try:
                jobs.wait(timeout=10)
            except subprocess.TimeoutExpired:
                jobs.kill()


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = argv[1:]
    import django

    django.setup()
    if args and args[0] == "serve":
        return _serve(args[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tiaodu", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
