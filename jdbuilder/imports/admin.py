"""The O*NET imports in the admin: the list, the upload page ("Upload a release", the model's
add page) and each import's page, with its checks, its progress and then its result or error.

Imports are read-only rows: nobody edits or deletes one (old ones go with the scheduler's
clean-up after JOBS_KEEP_DAYS). Uploading needs the "add O*NET import" permission.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from jdbuilder.imports.forms import UploadReleaseForm
from jdbuilder.imports.models import OnetImport
from jdbuilder.imports.services import queue_import
from jdbuilder.imports.uploads import CappedUploadHandler
from jdbuilder.jobs.views import status_json
from roles.onet.archive import megabytes
from roles.onet.report import ImportReport

TEMPLATES = "admin/imports/onet_import"


@admin.register(OnetImport)
class OnetImportAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "stage", "progress", "owner", "created_at", "finished_at"]
    list_display_links = ["title"]
    list_filter = ["status"]
    change_list_template = f"{TEMPLATES}/change_list.html"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("owner")

    def has_change_permission(self, request: HttpRequest, obj: OnetImport | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OnetImport | None = None) -> bool:
        return False

    @admin.display(description="Status", ordering="status")
    def state(self, obj: OnetImport) -> str:
        return obj.status_text

    @admin.display(description="Progress")
    def progress(self, obj: OnetImport) -> str:
        if obj.progress_total:
            return f"{obj.percent}% ({obj.progress_done} of {obj.progress_total})"
        return f"{obj.percent}%"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        status = path(
            "<path:object_id>/status/",
            self.admin_site.admin_view(self.status_view),
            name="{}_{}_status".format(*info),
        )
        return [status, *super().get_urls()]

    # --- the upload ---------------------------------------------------------------------------

    @csrf_exempt  # checked inside, once the upload handlers are in place
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        # The cap applies while the file arrives; handlers must be set before anything reads
        # request.POST, and the CSRF check reads it, so it runs after.
        limit = settings.ONET_UPLOAD_MAX_BYTES
        request.upload_handlers.insert(0, CappedUploadHandler(request, limit))
        return csrf_protect(self._upload_view)(request, extra_context)

    def _upload_view(self, request: HttpRequest, extra_context: dict | None) -> HttpResponse:
        if request.method == "POST":
            form = UploadReleaseForm(
                request.POST,
                request.FILES,
                too_large=getattr(request, "upload_too_large", False),
            )
            if form.is_valid():
                upload = form.cleaned_data["release"]
                try:
                    job = queue_import(uploaded_file=upload, owner=request.user)
                except ValidationError as error:
                    form.add_error("release", error)
                else:
                    self.message_user(
                        request, f"Uploaded {upload.name}: its import is queued.", messages.SUCCESS
                    )
                    return redirect(self._url("change", job.pk))
        else:
            form = UploadReleaseForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Upload an O*NET release",
            "form": form,
            "running": OnetImport.objects.active().first(),
            "max_size": megabytes(settings.ONET_UPLOAD_MAX_BYTES),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, f"{TEMPLATES}/upload.html", context)

    # --- one import ---------------------------------------------------------------------------

    def _viewable(self, request: HttpRequest, object_id: str) -> OnetImport | None:
        job = self.get_object(request, unquote(object_id))
        if job is not None and not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        job = self._viewable(request, object_id)
        if job is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        result = job.result or {}
        counts = result.get("counts", {})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job.title or job),
            "job": job,
            "upload": job.params.get("upload", {}),
            "checked": result.get("checked"),
            "rows": [
                {"kind": kind, **counts[kind]} for kind in ImportReport.KINDS if kind in counts
            ],
            "skipped": result.get("skipped", {}),
            "log": result.get("log", []),
            "status_url": self._url("status", job.pk),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, f"{TEMPLATES}/import.html", context)

    def status_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        job = self._viewable(request, object_id)
        if job is None:
            return JsonResponse({"error": "No such import."}, status=404)
        return status_json(job)

    def _url(self, view: str, pk: int) -> str:
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(name, args=[pk])
