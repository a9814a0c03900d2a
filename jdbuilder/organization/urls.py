"""The organization's pages: the logo, pay bands, templates."""

from django.urls import path, re_path

from jdbuilder.organization import band_views, template_views, views

app_name = "organization"

urlpatterns: list = [
    path("drafts/<uuid:public_id>/updates/", template_views.draft_updates, name="draft_updates"),
    path(
        "jds/<uuid:public_id>/save-as-template/",
        template_views.save_template,
        name="save_template",
    ),
    path("bands/", band_views.bands, name="bands"),
    path("logo/<str:name>", views.logo, name="logo"),
    re_path(r"^brand/(?P<colour>[0-9a-f]{6})\.css$", views.brand_css, name="brand_css"),
]
