from django.urls import path

from jdbuilder import compare_views, downloads, views
from jdbuilder.approvals import share_views
from jdbuilder.publishing import manage_views
from jdbuilder.wizard import autosave, fixes, offer
from jdbuilder.wizard.views import JobDescriptionWizard, wizard_preview, wizard_preview_frame

app_name = "jd"

wizard = JobDescriptionWizard.as_view(url_name="jd:wizard_step")

urlpatterns = [
    path("", views.my_job_descriptions, name="mine"),
    path("new/", views.new_job_description, name="new"),
    path("<uuid:public_id>/", views.job_description_detail, name="detail"),
    path("<uuid:public_id>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path(
        "<uuid:public_id>/revisions/<int:old>/compare/<int:new>/",
        compare_views.compare,
        name="compare",
    ),
    path(
        "<uuid:public_id>/revisions/<int:old>/compare/<int:new>/note.md",
        compare_views.compare_note_md,
        name="compare_note_md",
    ),
    path(
        "<uuid:public_id>/revisions/<int:old>/compare/<int:new>/note.pdf",
        compare_views.compare_note_pdf,
        name="compare_note_pdf",
    ),
    path("<uuid:public_id>/download/<str:fmt>/", downloads.download, name="download"),
    path(
        "<uuid:public_id>/revisions/<int:number>/download/<str:fmt>/",
        downloads.download,
        name="download_revision",
    ),
    path(
        "<uuid:public_id>/revisions/<int:number>/download/<str:fmt>/preparing/",
        downloads.download_preparing,
        name="download_preparing",
    ),
    path(
        "<uuid:public_id>/revisions/<int:number>/download/<str:fmt>/status/",
        downloads.download_status,
        name="download_status",
    ),
    path("<uuid:public_id>/edit/", wizard, name="wizard"),
    path(
        "<uuid:public_id>/edit/posting/offer/",
        offer.wizard_posting_offer,
        name="wizard_posting_offer",
    ),
    path("<uuid:public_id>/edit/<str:step>/", wizard, name="wizard_step"),
    path("<uuid:public_id>/edit/<str:step>/preview/", wizard_preview, name="wizard_preview"),
    path(
        "<uuid:public_id>/edit/<str:step>/preview/frame/",
        wizard_preview_frame,
        name="wizard_preview_frame",
    ),
    path("<uuid:public_id>/edit/<str:step>/fix/", fixes.apply_fix, name="wizard_fix"),
    path(
        "<uuid:public_id>/edit/<str:step>/autosave/",
        autosave.wizard_autosave,
        name="wizard_autosave",
    ),
    path(
        "<uuid:public_id>/revisions/<int:number>/share/",
        share_views.make_revision_share_link,
        name="share_revision",
    ),
    path("<uuid:public_id>/finalize/", views.finalize, name="finalize"),
    path("<uuid:public_id>/posting/publish/", manage_views.publish, name="publish"),
    path("<uuid:public_id>/posting/unpublish/", manage_views.unpublish, name="unpublish"),
    path("<uuid:public_id>/posting/close/", manage_views.close, name="close_posting"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:public_id>/duplicate/", views.duplicate, name="duplicate"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
]
