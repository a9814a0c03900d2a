"""Gunicorn settings for JD Builder: `gunicorn -c gunicorn.conf.py jdbuilder.wsgi`.

Each value can be changed from the environment; the defaults suit one of several app servers
behind a load balancer or a reverse proxy (README section 6, docs/deploy.md). Gunicorn also
reads this file by itself when started from the repository root.
"""

import atexit
import os
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    # The cores this process may run on (a container's CPU set), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Loopback by default: a proxy on the same host forwards to it, and nothing else can reach the
# server past the proxy. Set GUNICORN_BIND=10.0.0.5:8000 (an address only the load balancer can
# reach) or unix:/run/jdbuilder.sock when the proxy is elsewhere. Comma-separate several.
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]

# Sync workers, one request per process: the slow work (PDF rendering, quality checks) is CPU
# bound, so threads would only queue behind Python's lock, and a process per request keeps
# WeasyPrint's state private. The proxy in front buffers slow clients for them.
worker_class = "sync"

# Gunicorn's rule of thumb, 2 x cores + 1, so a core is never idle while a worker waits for
# PostgreSQL. Capped at 8: each worker holds a Django + WeasyPrint process (about 100 MB) and
# one persistent database connection (DATABASE_CONN_MAX_AGE), and servers x workers must stay
# well below PostgreSQL's max_connections (100 by default). Past that, add servers.
workers = _int("WEB_CONCURRENCY", min(2 * _cores() + 1, 8))

# A sync worker busy for more than `timeout` seconds is killed and replaced, and for a sync
# worker a streamed response counts as one piece of work. No request renders a PDF (the Celery
# workers do, docs/workers.md); the longest requests left are the admin's O*NET upload (up to
# ONET_UPLOAD_MAX_BYTES, stored in chunks) and an export's download streamed from the database
# (a ZIP of 1,000 PDFs is about 30 MB): 120 s lets those finish on a slow link behind a
# buffering proxy while still ending a runaway request.
timeout = _int("GUNICORN_TIMEOUT", 120)

# On a restart or shutdown (SIGTERM, SIGHUP), requests already running get as long to finish as
# any request may take, so a deploy never cuts a download short.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", timeout)

# Recycle each worker after about 1,000 requests, so memory that rendering leaves behind (font
# and layout caches, a fragmented heap after a large document) is given back. The jitter makes
# the workers of one server restart at different times, never all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Load Django once in the master (and, in when_ready below, every view and WeasyPrint, which
# takes a second or more to import), then fork: workers start in milliseconds with all that
# loaded, a recycled worker is cheap to replace, and unchanged memory is shared. Loading
# jdbuilder.wsgi also loads the readability check's pronunciation dictionary (about 0.8 s), so
# with preload it is parsed once, in the master; without it, by each worker as it starts, never
# on a user's request. The price: new code needs a full restart, since SIGHUP re-forks workers
# from the master, which keeps the old code. GUNICORN_PRELOAD=0 turns it off.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no"}

# Worker heartbeats in memory, not on a disk that may stall (containers' /tmp often is a disk).
SHM = "/dev/shm"  # noqa: S108 (a directory gunicorn writes its own heartbeat files in)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

# The addresses of the proxy or load balancer whose X-Forwarded-Proto / X-Forwarded-For gunicorn
# trusts (comma-separated addresses or networks, e.g. 10.0.0.2,10.0.0.3). Django trusts
# X-Forwarded-Proto itself when BEHIND_TLS_PROXY=1, which is why gunicorn must listen only where
# the proxy alone can reach it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout (access) and stderr (errors), for systemd's journal or the container runtime.
# The access line shows the client as the proxy saw it (X-Forwarded-For) and the time taken
# in microseconds, so slow renders stand out.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'
)

proc_name = "jdbuilder"

# Gunicorn's control socket (for `gunicornc`) lives at one path per user by default, so two
# servers on one host would fight over it. Off unless GUNICORN_CONTROL_SOCKET names a path.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket


def when_ready(server):
    # Runs in the master once the app is loaded, before the first fork. Import what a worker's
    # first requests would: the URLconf with every view, and WeasyPrint.
    if server.cfg.preload_app:
        import weasyprint  # noqa: F401
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (the property imports the views)


def pre_fork(server, worker):
    # Runs in the master before each fork. With preload_app nothing should have opened a
    # database connection there, but if something did, the workers must not inherit (and share)
    # its socket: close it in the master, which never serves a request.
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def post_fork(server, worker):
    # Runs in each new worker. A master killed with SIGKILL cannot stop its workers: they would
    # go on answering requests unsupervised (as long as requests keep coming; when idle, for
    # half of `timeout`), holding the port a new master needs. Have Linux send each one SIGTERM
    # as soon as the master dies: a graceful exit, which finishes the request in hand first.
    from jdbuilder.processes import end_with_parent

    end_with_parent(parent_pid=worker.ppid)
    master = worker.ppid

    def exit_at_once_if_orphaned() -> None:
        # Tearing down the interpreter touches every object inherited from the preloaded
        # master (copy-on-write): 1.5 to 2.5 s here, while the port stays bound. With the master
        # gone nobody waits for the exit code or the teardown, so skip it (gunicorn has already
        # logged the exit and closed its files; log lines are flushed as they are written).
        if os.getppid() != master:
            os._exit(0)

    atexit.register(exit_at_once_if_orphaned)
