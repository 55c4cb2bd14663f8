"""The dashboard's figures kept warm in each server process: a background thread reads the per-project
records of the live reading (`reports.figures.records`) for the date the page opens on, at start and
then every `settings.FIGURES_WARM_SECONDS`, so that a user's first view after a server start, after
midnight (a new date) or after an hour (the records' age limit) reads only the projects written to, not
all of them. `tiaodu serve` starts it in each gunicorn worker (config/gunicorn.py).
"""

import logging
import threading

from django.conf import settings

logger = logging.getLogger(__name__)


def warm_once():
    """Refresh the kept records for the dashboard's default date; the number of projects kept."""
    from django.db import connection

    from reports.figures import records

    from .selectors import default_as_of

    try:
        return records.warm(default_as_of())
    finally:
        connection.close()  # this thread's connection: not left open between runs


def keep_warm(interval=None, *, stop=None):
    """Start the daemon thread (None when `interval`, default FIGURES_WARM_SECONDS, is 0). `stop`: an
    Event that ends it (tests)."""
    interval = settings.FIGURES_WARM_SECONDS if interval is None else interval
    if not interval:
        return None
    stop = stop or threading.Event()

    def run():
        while not stop.is_set():
            try:
                kept = warm_once()
                logger.debug("驾驶舱统计预读：%s 个项目", kept)
            except Exception:  # a failed run is logged; the next one tries again
                logger.exception("驾驶舱统计预读失败")
            stop.wait(interval)

    thread = threading.Thread(target=run, name="tiaodu-figures-warm", daemon=True)
    thread.start()
    return thread
