"""The app's URLs plus the reference views the request benchmarks compare against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from jdbuilder.urls import urlpatterns as app_urlpatterns

MINIMAL_URL = "/bench/ok/"
SIGNED_IN_URL = "/bench/signed-in/"
LAYOUT_URL = "/bench/layout/"
PUBLIC_LAYOUT_URL = "/bench/public-layout/"


def minimal_view(request: HttpRequest) -> HttpResponse:
    """The baseline: nothing but a response, through the same middleware stack."""
    return HttpResponse("ok")


@login_required
def signed_in_view(request: HttpRequest) -> HttpResponse:
    """The floor of any signed-in page: the session and the user loaded, nothing else."""
    return HttpResponse("ok")


@login_required
def layout_view(request: HttpRequest) -> HttpResponse:
    """The floor of any page of the site: the site layout (base.html) with no content."""
    return render(request, "base.html")


def public_layout_view(request: HttpRequest) -> HttpResponse:
    """The same empty layout page for a visitor who is not signed in (the careers pages' own
    visitors): a reference line only, the targets stay against `layout_view`."""
    return render(request, "base.html")


urlpatterns = [
    *app_urlpatterns,
    path(MINIMAL_URL.lstrip("/"), minimal_view),
    path(SIGNED_IN_URL.lstrip("/"), signed_in_view),
    path(LAYOUT_URL.lstrip("/"), layout_view),
    path(PUBLIC_LAYOUT_URL.lstrip("/"), public_layout_view),
]
