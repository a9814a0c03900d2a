"""Insights for recruiters and staff: server-rendered SVG charts, each with its numbers in a table
and a CSV."""

from django.urls import path

from jdbuilder.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.insights, name="page"),
    path("<slug:chart>.csv", views.chart_csv, name="csv"),
]
