from django.urls import path

from jdbuilder.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.placeholder, name="placeholder"),
]
