from django.urls import path

from jdbuilder.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("<uuid:public_id>/", views.export_detail, name="detail"),
    path("<uuid:public_id>/status/", views.export_status, name="status"),
    path("<uuid:public_id>/download/", views.export_download, name="download"),
]
