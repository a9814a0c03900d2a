"""The company behind the JDs: its profile, departments and offices, the reusable content its
postings are filled from, the templates managers start from, and its pay bands.

Every write to these rows bumps the content version (`roles.models.CatalogVersion`, see
`jdbuilder.organization.content`), so what a draft's Document is built from is read once per
version, not on every step save and preview.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

import jdbuilder.organization.lookups  # noqa: F401  (registers __shape)
from jdbuilder.vocabulary import BlockKind, SalaryPeriod, Seniority
from roles.models import Role

HEX_COLOUR = r"^#[0-9a-f]{6}$"
COUNTRY_CODE = r"^[A-Z]{2}$"
CURRENCY_CODE = r"^[A-Z]{3}$"

# The recruiters' permission (jdbuilder.models.VIEW_FINAL_PERMISSION): they see every band.
RECRUITERS_PERMISSION = "jdbuilder.view_final_jobdescription"

colour_validator = RegexValidator(
    HEX_COLOUR, "Give the colour as # and six hex digits, for example #1f6feb."
)
country_validator = RegexValidator(
    COUNTRY_CODE, "Give the country as its two-letter ISO code, for example US or DE."
)
currency_validator = RegexValidator(
    CURRENCY_CODE, "Give the currency as its three-letter ISO code, for example USD or EUR."
)


class Logo(models.Model):
    """An uploaded logo, as stored after checking and re-encoding (`organization.logo`).

    Never changed once written: a revision's snapshot names its logo by `sha256`, so a later
    logo leaves issued documents as they were.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    media_type = models.CharField(max_length=20)  # image/png or image/jpeg
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(media_type__in=["image/png", "image/jpeg"]), name="logo_png_or_jpeg"
            )
        ]

    def __str__(self) -> str:
        return f"logo {self.sha256[:12]} ({self.width}×{self.height})"

    def get_absolute_url(self) -> str:
        return reverse("organization:logo", kwargs={"name": f"{self.sha256}.{self.extension}"})

    @property
    def extension(self) -> str:
        return "png" if self.media_type == "image/png" else "jpg"


class OrganizationManager(models.Manager):
    def current(self) -> Organization | None:
        return self.select_related("logo").first()


class Organization(models.Model):
    """The company running this installation: one row (`Organization.objects.current()`)."""

    # Always True and unique: a second row cannot be saved.
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(max_length=120)
    website = models.URLField(blank=True, help_text="Public site; becomes sameAs in JSON-LD.")
    about = models.TextField(max_length=2000, blank=True, help_text="About the company.")
    employee_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pay-transparency thresholds depend on it."
    )
    default_currency = models.CharField(
        max_length=3, default="USD", validators=[currency_validator]
    )
    default_country = models.CharField(max_length=2, default="US", validators=[country_validator])
    # PROTECT: a logo in use is never deleted from under the profile.
    logo = models.ForeignKey(
        Logo, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#1f4e79",
        validators=[colour_validator],
        help_text="#rrggbb; text on it is white or dark, whichever reads better.",
    )
    require_template = models.BooleanField(
        default=False, help_text="New job descriptions must start from a template."
    )
    managers_see_all_bands = models.BooleanField(
        default=False,
        help_text="Hiring managers see every pay band, not only their departments' roles.",
    )
    history = HistoricalRecords(excluded_fields=["singleton"])

    objects = OrganizationManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="one_organization"),
            models.CheckConstraint(
                condition=Q(brand_colour__shape="#hhhhhh"), name="brand_colour_hex"
            ),
            models.CheckConstraint(
                condition=Q(default_country__shape="AA"), name="org_country_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(max_length=100, unique=True)
    about_team = models.TextField(max_length=2000, blank=True)
    # SET_NULL: a head who leaves does not take the department with them.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments_headed",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="departments",
        help_text="Hiring managers of this department: they see its pay bands and templates.",
    )
    roles = models.ManyToManyField(
        Role, blank=True, related_name="departments", help_text="The roles this department hires."
    )
    history = HistoricalRecords(m2m_fields=[members, roles])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A place people work from, or a remote hub ("Remote, US") with no street address."""

    name = models.CharField(max_length=100, unique=True)
    street_address = models.CharField(max_length=200, blank=True)
    locality = models.CharField("city", max_length=100, blank=True)
    region = models.CharField(
        max_length=100, blank=True, help_text="State, province or region, e.g. CO or Berlin."
    )
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, validators=[country_validator])
    offers_onsite = models.BooleanField("on-site", default=True)
    offers_hybrid = models.BooleanField("hybrid", default=True)
    offers_remote = models.BooleanField("remote", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(country__shape="AA"), name="office_country"),
            models.CheckConstraint(
                condition=Q(offers_onsite=True) | Q(offers_hybrid=True) | Q(offers_remote=True),
                name="office_offers_a_workplace",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def workplace_types(self) -> list[str]:
        offered = [
            ("onsite", self.offers_onsite),
            ("hybrid", self.offers_hybrid),
            ("remote", self.offers_remote),
        ]
        return [value for value, offers in offered if offers]

    @property
    def is_remote_only(self) -> bool:
        return self.workplace_types == ["remote"]


class ContentBlockQuerySet(models.QuerySet):
    def company_wide(self) -> ContentBlockQuerySet:
        return self.filter(department=None, office=None, country="")


class ContentBlock(models.Model):
    """A reusable text a posting is filled from. It applies company-wide, or to one department,
    one office or one country; the most specific one that applies wins
    (`organization.content.OrganizationContent.blocks_for`)."""

    kind = models.CharField(max_length=20, choices=BlockKind)
    name = models.CharField(max_length=100, help_text="For staff: which block this is.")
    text = models.TextField(max_length=2000)
    # CASCADE: a block scoped to a department or office means nothing without it; drafts and
    # revisions keep their own copy of the text.
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="blocks"
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="blocks"
    )
    country = models.CharField(
        max_length=2, blank=True, validators=[country_validator], help_text="ISO code, e.g. DE."
    )
    # Bumped on every save: a draft remembers the version it took, and proposes what changed.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ContentBlockQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BlockKind.values), name="block_kind"),
            # At most one scope: a department, an office or a country.
            models.CheckConstraint(
                condition=(
                    (Q(department__isnull=True) | (Q(office__isnull=True) & Q(country="")))
                    & (Q(office__isnull=True) | Q(country=""))
                ),
                name="block_one_scope",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BlockKind.ABOUT_TEAM) | Q(department__isnull=False),
                name="team_block_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BlockKind.EQUAL_OPPORTUNITY) | Q(department__isnull=True),
                name="eeo_block_not_per_department",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(department__isnull=True, office__isnull=True, country=""),
                name="one_company_block_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "department"],
                condition=Q(department__isnull=False),
                name="one_department_block_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "office"],
                condition=Q(office__isnull=False),
                name="one_office_block_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "country"], condition=~Q(country=""), name="one_country_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.version += 1
        super().save(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        if self.department_id:
            return f"Department: {self.department}"
        if self.office_id:
            return f"Office: {self.office}"
        if self.country:
            return f"Country: {self.country}"
        return "Company-wide"


class JobTemplateQuerySet(models.QuerySet):
    def usable_by(self, user) -> JobTemplateQuerySet:
        """Templates a user may start from: company-wide ones and their departments' (all, for
        staff)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(Q(department=None) | Q(department__members=user)).distinct()

    def editable_by(self, user) -> JobTemplateQuerySet:
        """Staff edit every template; a manager the ones of their own departments."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(department__members=user).distinct()


class JobTemplate(models.Model):
    """A JD's choices saved to start new ones from: role, seniority, title, tasks, skills and
    levels, tools, the department and office, and the content blocks it fills in.

    `choices` has the shape of a draft's (`jdbuilder.drafts.DraftChoices`); `version` is bumped on
    every save, so drafts started from it are offered what changed.
    """

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    # CASCADE: a department's templates go with it; drafts keep their own choices.
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="templates",
        help_text="Blank: every manager may use it.",
    )
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # PROTECT: like a JD, a template keeps its role in the catalog.
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="jd_templates")
    seniority = models.CharField(max_length=20, choices=Seniority, default=Seniority.MID)
    title = models.CharField(max_length=150)
    choices = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = JobTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "department"], name="template_name_per_dept"),
            models.CheckConstraint(
                condition=Q(seniority__in=Seniority.values), name="template_seniority_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self.version += 1
        super().save(*args, **kwargs)


class RoleGroup(models.Model):
    """A group of catalog roles sharing pay bands (a role family)."""

    name = models.CharField(max_length=100, unique=True)
    roles = models.ManyToManyField(Role, related_name="pay_groups", blank=True)
    history = HistoricalRecords(m2m_fields=[roles])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PayBandQuerySet(models.QuerySet):
    def visible_to(self, user) -> PayBandQuerySet:
        """Recruiters and staff see every band; a hiring manager those of their departments'
        roles (a group's band when one of its roles is theirs), or all when the organization
        allows it. `OrganizationContent.shows_bands_to` is the same rule without a query."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff or user.has_perm(RECRUITERS_PERMISSION):
            return self
        if Organization.objects.filter(managers_see_all_bands=True).exists():
            return self
        # Subqueries, not joins: each band comes once, so no DISTINCT (which would get in the
        # way of ordering and paging the list).
        own_roles = Role.objects.filter(departments__members=user).values("pk")
        own_groups = RoleGroup.objects.filter(roles__in=own_roles).values("pk")
        return self.filter(Q(role__in=own_roles) | Q(role_group__in=own_groups))


class PayBand(models.Model):
    """What a role (or a group of roles) pays at a seniority in an office, a region, a country or
    anywhere. Blank seniority or place: it applies to all of them."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="pay_bands"
    )
    role_group = models.ForeignKey(
        RoleGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="pay_bands"
    )
    seniority = models.CharField(max_length=20, choices=Seniority, blank=True)
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="pay_bands"
    )
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    region = models.CharField(max_length=100, blank=True, help_text="Needs a country.")
    minimum = models.DecimalField(max_digits=12, decimal_places=2)
    maximum = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    period = models.CharField(max_length=5, choices=SalaryPeriod, default=SalaryPeriod.YEAR)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PayBandQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__isnull=False, role_group__isnull=True)
                | Q(role__isnull=True, role_group__isnull=False),
                name="band_role_or_group",
            ),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="band_minimum_not_negative"),
            models.CheckConstraint(
                condition=Q(maximum__gte=models.F("minimum")), name="band_max_not_below_min"
            ),
            models.CheckConstraint(
                condition=Q(office__isnull=True) | (Q(country="") & Q(region="")),
                name="band_office_or_place",
            ),
            models.CheckConstraint(
                condition=Q(region="") | ~Q(country=""), name="band_region_needs_country"
            ),
            models.CheckConstraint(
                condition=Q(seniority="") | Q(seniority__in=Seniority.values),
                name="band_seniority_valid",
            ),
            models.CheckConstraint(
                condition=Q(period__in=SalaryPeriod.values), name="band_period_valid"
            ),
            # NULLs are distinct in a plain unique constraint; 0 stands for "none" here.
            models.UniqueConstraint(
                Coalesce("role", 0),
                Coalesce("role_group", 0),
                "seniority",
                Coalesce("office", 0),
                "country",
                "region",
                name="one_band_per_scope",
            ),
        ]

    def __str__(self) -> str:
        who = self.role or self.role_group
        return f"{who}, {self.seniority or 'any seniority'}, {self.place_label}"

    @property
    def place_label(self) -> str:
        if self.office_id:
            return str(self.office)
        if self.region:
            return f"{self.region}, {self.country}"
        return self.country or "anywhere"
