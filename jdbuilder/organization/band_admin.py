"""Pay bands and role groups in the admin, with history, and the "Import from CSV" page.

The band list reads its roles, groups and offices in the same query (`list_select_related`), so
it costs the same number of queries at any size. The import page checks the whole file first
(`band_import.read_bands`) and shows every fault, or writes every band and shows the counts.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from simple_history.admin import SimpleHistoryAdmin

from jdbuilder.imports.uploads import CappedUploadHandler
from jdbuilder.organization.band_import import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    BandImportError,
    ImportCounts,
    import_bands_file,
    size_text,
)
from jdbuilder.organization.models import PayBand, RoleGroup

IMPORT_TEMPLATE = "admin/organization/payband_import.html"


class BandImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=(
            f"UTF-8, comma-separated, a header row; at most {size_text(MAX_BYTES)} and "
            f"{MAX_ROWS:,} rows."
        ),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"{upload.name}: the file is larger than {size_text(MAX_BYTES)}."
            )
        return upload

    def clean(self):
        if self.too_large:
            # The capped handler dropped the file while it arrived: say why it is missing.
            self.errors.pop("file", None)
            self.add_error("file", f"The file is larger than {size_text(MAX_BYTES)}: split it.")
        return super().clean()


class PayBandForm(forms.ModelForm):
    """The band's own form, saying in words what the table's constraints refuse."""

    class Meta:
        model = PayBand
        fields = list(COLUMNS)  # the CSV's columns are the band's fields

    def clean(self):
        data = super().clean()
        for name in ("country", "currency"):
            if data.get(name):
                data[name] = data[name].strip().upper()
        if bool(data.get("role")) == bool(data.get("role_group")):
            self.add_error("role_group", "Choose a role or a role group: exactly one of them.")
        if data.get("office") and (data.get("country") or data.get("region")):
            self.add_error("office", "Choose an office, or a country and region: not both.")
        if data.get("region") and not data.get("country"):
            self.add_error("country", "A region needs its country.")
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and low < 0:
            self.add_error("minimum", "The minimum must not be negative.")
        if low is not None and high is not None and high < low:
            self.add_error("maximum", "The maximum must not be below the minimum.")
        return data


@admin.register(PayBand)
class PayBandAdmin(SimpleHistoryAdmin):
    form = PayBandForm
    list_display = ["who", "seniority_label", "place", "minimum", "maximum", "currency", "period"]
    list_display_links = ["who"]
    list_filter = ["seniority", "period", "currency", "office", "country", "role_group"]
    list_select_related = ["role", "role_group", "office"]
    search_fields = ["role__name", "role_group__name"]
    raw_id_fields = ["role"]
    change_list_template = "admin/organization/payband_change_list.html"
    fieldsets = [
        ("Who", {"fields": ["role", "role_group", "seniority"]}),
        (
            "Where",
            {
                "fields": ["office", "country", "region"],
                "description": "An office, or a country (and region), or nothing for anywhere.",
            },
        ),
        ("Pay", {"fields": ["minimum", "maximum", "currency", "period"]}),
    ]

    @admin.display(description="Role or group", ordering="role__name")
    def who(self, obj: PayBand) -> str:
        return str(obj.role) if obj.role_id else f"{obj.role_group} (group)"

    @admin.display(description="Seniority", ordering="seniority")
    def seniority_label(self, obj: PayBand) -> str:
        return obj.get_seniority_display() if obj.seniority else "any"

    @admin.display(description="Place")
    def place(self, obj: PayBand) -> str:
        return obj.place_label

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="{}_{}_import".format(*info),
        )
        return [upload, *super().get_urls()]

    # --- the import ---------------------------------------------------------------------------

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra = {"can_import": self.has_import_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    @csrf_exempt  # checked inside, once the capped upload handler is in place
    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        # The cap applies while the file arrives, so it must be set before anything (the CSRF
        # check among them) reads request.POST.
        request.upload_handlers.insert(0, CappedUploadHandler(request, MAX_BYTES))
        return csrf_protect(self._import_view)(request)

    def _import_view(self, request: HttpRequest) -> HttpResponse:
        faults: list[str] = []
        counts: ImportCounts | None = None
        filename = ""
        if request.method == "POST":
            form = BandImportForm(
                request.POST,
                request.FILES,
                too_large=getattr(request, "upload_too_large", False),
            )
            if form.is_valid():
                upload = form.cleaned_data["file"]
                filename = upload.name
                try:
                    counts = import_bands_file(
                        filename=filename, data=upload.read(), user=request.user
                    )
                except BandImportError as error:
                    faults = error.faults
                else:
                    self.message_user(
                        request,
                        f"Imported {filename}: {counts.created} created, {counts.updated} "
                        f"updated, {counts.unchanged} unchanged.",
                        messages.SUCCESS,
                    )
        else:
            form = BandImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import pay bands from CSV",
            "form": form,
            "faults": faults,
            "counts": counts,
            "filename": filename,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
            "changelist_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        request.current_app = self.admin_site.name
        status = 400 if faults or form.errors else 200
        return TemplateResponse(request, IMPORT_TEMPLATE, context, status=status)


@admin.register(RoleGroup)
class RoleGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role_count"]
    search_fields = ["name", "roles__name"]
    filter_horizontal = ["roles"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(role_total=Count("roles", distinct=True))

    @admin.display(description="Roles", ordering="role_total")
    def role_count(self, obj: RoleGroup) -> int:
        return obj.role_total
