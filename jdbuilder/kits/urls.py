from django.urls import path

from jdbuilder.kits import views

app_name = "kits"

urlpatterns = [
    path("", views.placeholder, name="placeholder"),
]
