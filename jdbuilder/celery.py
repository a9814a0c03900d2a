"""The Celery app: `celery -A jdbuilder worker` / `celery -A jdbuilder beat` (make worker, make
beat). Configured from Django's settings, the names starting with CELERY_ (jdbuilder/settings.py).
"""

import os
import signal

from celery import Celery
from celery.signals import worker_process_init

from jdbuilder.processes import end_with_parent

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdbuilder.settings")

app = Celery("jdbuilder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["jdbuilder.jobs", "jdbuilder.approvals", "jdbuilder.publishing"])


@worker_process_init.connect
def _die_with_the_worker(**kwargs) -> None:
    # A pool process whose parent worker is SIGKILLed would otherwise keep running its task:
    # ask Linux to end it with its parent (as gunicorn.conf.py does for gunicorn's workers).
    # SIGKILL, as Celery's own pool set-up asks since 5.3 (this runs after it and must not
    # weaken it): with the main process gone nothing can acknowledge the task, so finishing it
    # is wasted, and an open transaction is rolled back by the database either way. SIGTERM
    # would raise SystemExit inside the task and take a second of interpreter teardown.
    end_with_parent(signal.SIGKILL)
