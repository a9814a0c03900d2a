from django.urls import path

from jdbuilder.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.postings, name="postings"),
    path("postings.csv", views.postings_csv, name="postings_csv"),
]
