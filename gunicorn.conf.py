"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (or `make serve`).

Every setting can be overridden from the environment (GUNICORN_* below) or the command line.

Worker class: sync by default (gunicorn's, closing at once: exam_app/gunicorn_worker.py).
Requests are short (an autosave is one small transaction) and CPU-bound in Python once the
database answers, so threads in one process would contend for the GIL while adding a second
database connection per worker; sync workers use both cores with no shared state. One slow
client cannot hold a sync worker for long because the timeout below kills it, and in
production a buffering proxy (nginx) sits in front. Set GUNICORN_THREADS > 1 to get gthread
(e.g. when exposed without a proxy, so slow phones uploading over a bad network do not tie
up whole workers).
"""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# (2 x cores) + 1 is gunicorn's rule of thumb for sync workers.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# gunicorn's sync worker without its wait for the client to hang up after each response
# (exam_app/gunicorn_worker.py); the name ends in SyncWorker, so `--threads 4` on the
# command line still switches to gthread as it does for "sync".
worker_class = "gthread" if threads > 1 else "exam_app.gunicorn_worker.PromptCloseSyncWorker"

# A request that takes half a minute is stuck (a save is milliseconds): kill and replace it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # on restart, let saves in flight finish
keepalive = 5  # seconds; behind nginx, connections are reused for autosaves
# Workers are not recycled: what makes the rush cheap is kept per worker (each attempt's
# layout, rendered items, accepted form tokens; all bounded, memory flat over 10-minute
# runs, bench/RESULTS.md). A worker recycled every 5,000 requests (this file's default
# before) lived ~25 s at the rush, so nearly every save was its candidate's first in that
# worker and read the attempt's layout again (a save's cost doubled; the bench's steady
# saves went from p95 ~30 ms to 1.6 s). To recycle anyway, pick a count a worker reaches
# in hours at the rush, not seconds; it is jittered so workers do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# The app loads once in the master and is forked: less memory, faster start. Safe because
# post_fork below throws away any database connection the master opened.
preload_app = True

# The app logs one line per request itself (request id, user id, endpoint, status,
# duration; see exam_app/web/request_log.py), so gunicorn's access log is off unless asked.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '%(h)s "%(r)s" status=%(s)s bytes=%(B)s duration_us=%(D)s '
    'request_id=%({x-request-id}o)s ua="%(a)s"'
)
errorlog = "-"  # stderr
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Behind nginx on this host: trust its X-Forwarded-* headers (see TRUST_PROXY in the README).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """The preloaded app (~170,000 objects: Flask, SQLAlchemy, the app's modules and
    models) lives as long as the process: take it out of the collector's reach before each
    fork, as the gc docs advise for a pre-forking server. Otherwise every full collection in
    a worker walks all of it: 0.2 s in which the worker serves nobody (measured with
    gc.callbacks under load; bench/RESULTS.md), and, by writing each object's header, it
    un-shares the memory pages the fork had shared. Young objects are collected as before."""
    gc.freeze()


def post_fork(server, worker):
    """SQLAlchemy pools must not cross a fork: two processes would share one socket or
    SQLite file handle. Each worker starts with an empty pool of its own."""
    from exam_app.extensions import db

    app = server.app.wsgi()  # the preloaded app
    with app.app_context():
        db.engine.dispose(close=False)  # drop the master's connections without closing them
