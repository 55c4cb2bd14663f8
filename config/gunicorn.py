"""gunicorn settings that `tiaodu serve` passes with --config (the command line sets the rest)."""

import gc


def post_worker_init(worker):
    """The application is loaded: move its objects (Django, the URLconf, the apps) out of the cyclic
    collector's reach, so that a full collection during a request walks only what requests made —
    otherwise the oldest generation's sweep over every loaded module showed as the slowest requests."""
    gc.collect()
    gc.freeze()
    # The dashboard's per-project records, read in the background now and kept fresh (dashboard.warm).
    from dashboard.warm import keep_warm

    keep_warm()
