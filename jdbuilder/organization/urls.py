"""The organization's pages: the logo, pay bands, templates."""

from django.urls import path  # noqa: F401

app_name = "organization"

urlpatterns: list = []
