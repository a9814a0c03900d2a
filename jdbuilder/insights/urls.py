from django.urls import path

from jdbuilder.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.placeholder, name="placeholder"),
]
