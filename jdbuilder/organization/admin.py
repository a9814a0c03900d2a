"""The organization in the admin: its profile (one row, with the logo upload), departments,
offices and content blocks, each with history.

The logo is uploaded on the profile's form: `logo.checked_logo` decides what the file is by
decoding it and its refusal shows on the field; the file is dropped while it arrives once it
passes 2 MB (CappedUploadHandler), so an oversized upload is neither kept in memory nor on disk.
List pages read what they show in the same query (`list_select_related`, one annotation), so
they cost the same number of queries at any size.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from simple_history.admin import SimpleHistoryAdmin

from jdbuilder.imports.uploads import CappedUploadHandler
from jdbuilder.organization.brand import normalized_colour
from jdbuilder.organization.logo import MAX_BYTES, MESSAGES, checked_logo, stored_logo
from jdbuilder.organization.models import ContentBlock, Department, Logo, Office, Organization
from jdbuilder.vocabulary import BlockKind

# The preview of the current logo fits in this box, its proportions kept (HTML attributes: the
# admin's CSP allows no style attribute).
PREVIEW_BOX = (240, 96)


def preview_size(width: int, height: int, box: tuple[int, int] = PREVIEW_BOX) -> tuple[int, int]:
    scale = min(box[0] / max(width, 1), box[1] / max(height, 1), 1)
    return max(round(width * scale), 1), max(round(height * scale), 1)


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Public site; becomes sameAs in JSON-LD.",
    )
    logo_upload = forms.FileField(
        label="Upload a logo",
        required=False,
        help_text="PNG or JPEG, at most 2 MB and 2,000 pixels a side. SVG is not accepted.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    # Set by OrganizationAdmin.get_form from the request: the upload was dropped as too large.
    upload_too_large = False

    class Meta:
        model = Organization
        fields = [
            "name",
            "website",
            "about",
            "employee_count",
            "default_currency",
            "default_country",
            "brand_colour",
            "require_template",
            "managers_see_all_bands",
        ]
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checked_logo: Logo | None = None

    def clean_brand_colour(self) -> str:
        # Upper case is the same colour: normalised (brand.py); anything else is refused by the
        # model's validator with its message.
        colour = (self.cleaned_data.get("brand_colour") or "").strip()
        return normalized_colour(colour) or colour

    def clean_default_currency(self) -> str:
        return (self.cleaned_data.get("default_currency") or "").strip().upper()

    def clean_default_country(self) -> str:
        return (self.cleaned_data.get("default_country") or "").strip().upper()

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if self.upload_too_large:
            raise forms.ValidationError(MESSAGES["too_large"], code="too_large")
        if upload:
            self.checked_logo = checked_logo(upload)  # ValidationError shows on this field
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and self.checked_logo is not None:
            self.add_error("remove_logo", "Upload a new logo or remove the logo, not both.")
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    """One organization: it can be added while there is none, and never deleted."""

    form = OrganizationForm
    list_display = ["name", "website", "brand_colour", "has_logo"]
    list_select_related = ["logo"]
    readonly_fields = ["logo_preview"]
    fieldsets = [
        (None, {"fields": ["name", "website", "about", "employee_count"]}),
        ("Defaults", {"fields": ["default_currency", "default_country"]}),
        ("Branding", {"fields": ["brand_colour", "logo_preview", "logo_upload", "remove_logo"]}),
        ("Rules", {"fields": ["require_template", "managers_see_all_bands"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).select_related("logo")

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        too_large = getattr(request, "upload_too_large", False)
        return type(form.__name__, (form,), {"upload_too_large": too_large})

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description="Logo")
    def has_logo(self, obj: Organization) -> bool:
        return obj.logo_id is not None

    @admin.display(description="Current logo")
    def logo_preview(self, obj: Organization) -> str:
        logo = obj.logo if obj and obj.pk else None
        if logo is None:
            return "No logo yet."
        width, height = preview_size(logo.width, logo.height)
        return format_html(
            '<img src="{}" alt="Current logo" width="{}" height="{}"> {} × {} px, {}',
            logo.get_absolute_url(),
            width,
            height,
            logo.width,
            logo.height,
            "PNG" if logo.media_type == "image/png" else "JPEG",
        )

    def save_model(self, request: HttpRequest, obj: Organization, form, change: bool) -> None:
        if form.checked_logo is not None:
            obj.logo = stored_logo(form.checked_logo)
        elif form.cleaned_data.get("remove_logo"):
            obj.logo = None
        super().save_model(request, obj, form, change)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One row: the list is a step nobody needs.
        organization = Organization.objects.first()
        if organization is not None and self.has_view_or_change_permission(request, organization):
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(
                reverse(f"admin:{info[0]}_{info[1]}_change", args=[organization.pk])
            )
        return super().changelist_view(request, extra_context)

    # The upload handler must be in place before anything reads the request's body, and the
    # CSRF check reads it: exempt here, checked inside once the capped handler is first.
    @method_decorator(csrf_exempt)
    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        # There is one profile: "add" opens it once it exists (the database refuses a second
        # row too). Checked here rather than in has_add_permission, which every admin page's
        # sidebar asks for, so no other page pays a query for it.
        organization = Organization.objects.first()
        if organization is not None:
            messages.info(request, "There is one company profile: change it here.")
            return HttpResponseRedirect(
                reverse("admin:jdbuilder_organization_change", args=[organization.pk])
            )
        self._cap_uploads(request)
        return csrf_protect(super().add_view)(request, form_url, extra_context)

    @method_decorator(csrf_exempt)
    def change_view(
        self, request: HttpRequest, object_id, form_url="", extra_context=None
    ) -> HttpResponse:
        self._cap_uploads(request)
        return csrf_protect(super().change_view)(request, object_id, form_url, extra_context)

    @staticmethod
    def _cap_uploads(request: HttpRequest) -> None:
        if request.method == "POST":
            request.upload_handlers.insert(0, CappedUploadHandler(request, MAX_BYTES))


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "head", "member_count", "role_count"]
    list_select_related = ["head"]
    search_fields = ["name", "about_team"]
    filter_horizontal = ["members", "roles"]
    fields = ["name", "about_team", "head", "members", "roles"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                members_total=Count("members", distinct=True),
                roles_total=Count("roles", distinct=True),
            )
        )

    @admin.display(description="Hiring managers", ordering="members_total")
    def member_count(self, obj: Department) -> int:
        return obj.members_total

    @admin.display(description="Roles", ordering="roles_total")
    def role_count(self, obj: Department) -> int:
        return obj.roles_total


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "locality",
        "region",
        "country",
        "offers_onsite",
        "offers_hybrid",
        "offers_remote",
    ]
    list_filter = ["country", "offers_onsite", "offers_hybrid", "offers_remote"]
    search_fields = ["name", "locality", "region", "street_address", "postal_code"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            "Address",
            {"fields": ["street_address", "locality", "region", "postal_code", "country"]},
        ),
        (
            "Workplace types offered",
            {"fields": ["offers_onsite", "offers_hybrid", "offers_remote"]},
        ),
    ]


class ContentBlockForm(forms.ModelForm):
    """The scope rules of ContentBlock's constraints, said in words on the form."""

    class Meta:
        model = ContentBlock
        fields = ["kind", "name", "text", "department", "office", "country"]

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; drafts compare and store LF.
        return self.cleaned_data["text"].replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        department, office, country = (
            cleaned.get("department"),
            cleaned.get("office"),
            cleaned.get("country"),
        )
        if sum(bool(scope) for scope in (department, office, country)) > 1:
            raise forms.ValidationError(
                "A block applies to one department, one office or one country (or to the whole "
                "company): choose at most one of them."
            )
        if kind == BlockKind.ABOUT_TEAM and not department:
            self.add_error("department", "An “about the team” block belongs to a department.")
        if kind == BlockKind.EQUAL_OPPORTUNITY and department:
            self.add_error(
                "department",
                "An equal-opportunity statement applies company-wide, to an office or to a "
                "country, not to a department.",
            )
        return cleaned


@admin.register(ContentBlock)
class ContentBlockAdmin(SimpleHistoryAdmin):
    form = ContentBlockForm
    list_display = ["kind", "name", "scope", "version", "updated_at"]
    list_display_links = ["name"]
    list_filter = ["kind", "department", "office", "country"]
    list_select_related = ["department", "office"]
    search_fields = ["name", "text"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "text"]}),
        (
            "Applies to",
            {
                "fields": ["department", "office", "country"],
                "description": "Leave all three blank for the whole company. The most specific "
                "block that applies to a posting fills it: office, then country, then "
                "department, then company-wide.",
            },
        ),
        ("Version", {"fields": ["version", "updated_at"]}),
    ]

    @admin.display(description="Applies to")
    def scope(self, obj: ContentBlock) -> str:
        return obj.scope_label
