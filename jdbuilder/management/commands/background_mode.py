"""`manage.py background_mode`: where this configuration runs background work (PDF renders,
exports, imports, e-mail), in one sentence. `make run` prints it before serving."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand


def without_password(url: str) -> str:
    """The broker URL fit to print: any password (in the user part or a `password=` query
    parameter) left out. Several URLs separated by `;` (Redis Sentinel) are each cleaned."""
    return ";".join(_one_without_password(part) for part in url.split(";"))


def _one_without_password(url: str) -> str:
    if "://" not in url:  # not a URL (the broker will say so): still hide what precedes an @
        return url.strip().rpartition("@")[2]
    parts = urlsplit(url.strip())
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    netloc = f"{user}@{hostport}" if at and user else hostport
    query = urlencode(
        [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
         if key.lower() != "password"]
    )  # fmt: skip
    # Built by hand: urlunsplit drops the `//` of a URL without a host (redis+socket:///path).
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def background_mode() -> str:
    """One sentence: where the jobs this process queues are run, and what to start for them."""
    broker = settings.CELERY_BROKER_URL
    if not broker:
        return (
            "Background work: in-process (no CELERY_BROKER_URL or REDIS_URL set): each job runs "
            "in the request that queues it. To use a worker instead: "
            "`CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make run` and `make worker`."
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return (
            "Background work: in-process (CELERY_TASK_ALWAYS_EAGER is on), although a broker "
            f"is set ({without_password(broker)})."
        )
    return (
        f"Background work: sent to {without_password(broker)}; start a worker with `make worker`."
    )


class Command(BaseCommand):
    help = (
        "Say where background work runs: in-process (no broker configured) or on the Celery "
        "workers of the broker CELERY_BROKER_URL (or REDIS_URL) names."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(background_mode())
