"""The WSGI application, as gunicorn (gunicorn.conf.py) and any WSGI server load it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdbuilder.settings")

application = get_wsgi_application()

# Load the readability check's pronunciation dictionary while the server starts, not on the
# first review a user opens in each new worker (0.8 s idle, 2-3 s under load). Only the app
# server imports this module: management commands and tests do not pay for it.
from jdbuilder.checks.readability import preload  # noqa: E402 (needs the app loaded above)

preload()
