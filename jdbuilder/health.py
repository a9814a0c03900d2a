"""`/healthz` for load balancers: is this server able to answer with data?"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database (and the Redis cache, where one is set) answers; else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if getattr(settings, "REDIS_URL", ""):
            cache.get("healthz")
    except Exception:  # noqa: BLE001 - any failure means "do not send me traffic"
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
