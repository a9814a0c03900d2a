from django.urls import path

from jdbuilder.library import views

app_name = "library"

urlpatterns = [
    path("", views.library_page, name="index"),
    path("export/", views.export, name="export"),
]
