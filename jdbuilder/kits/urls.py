from django.urls import path

from jdbuilder.kits import views

app_name = "kits"

urlpatterns = [
    path("<uuid:public_id>/", views.kit_page, name="kit"),
    path("<uuid:public_id>/download/<str:fmt>/", views.download, name="download"),
    path("<uuid:public_id>/revisions/<int:number>/", views.revision_kit_page, name="revision"),
    path(
        "<uuid:public_id>/revisions/<int:number>/download/<str:fmt>/",
        views.download_revision,
        name="download_revision",
    ),
]
