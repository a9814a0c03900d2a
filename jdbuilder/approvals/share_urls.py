"""The outside reviewers' pages, mounted at /shared/ (no sign-in)."""

from django.urls import path

from jdbuilder.approvals import share_views

app_name = "shared"

urlpatterns: list = [
    path("<str:token>/", share_views.shared, name="view"),
]
