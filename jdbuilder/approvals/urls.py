"""The review pages, mounted at /reviews/ (namespace "approvals")."""

from django.urls import path

from jdbuilder.approvals import settings_views, share_views, views

app_name = "approvals"

urlpatterns: list = [
    path("", views.queue, name="queue"),
    path("settings/", settings_views.notification_settings, name="notification_settings"),
    path("comments/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("shares/<int:pk>/revoke/", share_views.revoke, name="revoke_share"),
    path("<uuid:public_id>/", views.submission_detail, name="submission"),
    path("<uuid:public_id>/approve/", views.approve, name="approve"),
    path("<uuid:public_id>/return/", views.return_for_changes, name="return"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/comment/", views.comment, name="comment"),
    path("<uuid:public_id>/share/", share_views.make_share_link, name="share"),
    path("<uuid:public_id>/changes.<str:fmt>", views.submission_changes, name="changes"),
]
