"""Benchmark settings: the production settings, plus one minimal view to compare against.

The environment defaults below are the production-like ones the benchmarks run with (DEBUG off,
a secret key, no HTTPS redirect or secure-only cookies on plain loopback HTTP, static files named
without a manifest). The database comes from DATABASE_URL, as in production; `bench.run` points it
at a fresh SQLite file or a fresh PostgreSQL database.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

from jdbuilder.settings import *  # noqa: E402,F403

# jdbuilder.urls, plus /bench/ok/: HttpResponse("ok") behind the same middleware.
ROOT_URLCONF = "bench.urls"
