"""The organization's rows as drafts read them: profile, departments, offices, content blocks and
pay bands, loaded once per content version and shared by every request of the process.

Every save of a step and every preview builds a draft's Document, which names its department,
office, blocks, band and branding; reading five tables each time would cost more than the rest
of a preview. Every write to an organization row bumps the version token the catalog's rows are
cached under (`roles.models.CatalogVersion`, one query per request already), in the same
transaction, so the rows kept here are never older than the token says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from jdbuilder.organization.models import (
    RECRUITERS_PERMISSION,
    ContentBlock,
    Department,
    JobTemplate,
    Logo,
    Office,
    Organization,
    PayBand,
    RoleGroup,
)
from jdbuilder.vocabulary import BlockKind, Seniority
from roles.models import CatalogVersion

# The posting field each kind of block fills.
BLOCK_FIELDS: dict[str, str] = {kind: kind for kind in BlockKind.values}

# Where a block's scope ranks when several apply (higher wins), per kind.
_SCOPE_RANK = {"office": 3, "country": 2, "department": 1, "company": 0}


def _scope(block: ContentBlock) -> str:
    if block.office_id:
        return "office"
    if block.country:
        return "country"
    if block.department_id:
        return "department"
    return "company"


@dataclass
class OrganizationContent:
    token: str
    organization: Organization | None
    departments: dict[int, Department]
    offices: dict[int, Office]
    blocks: dict[int, ContentBlock]
    bands: list[PayBand]
    group_roles: dict[int, frozenset[int]]
    logo: Logo | None
    logo_path: str  # its URL, reversed once per version: every snapshot names it
    # Each department's hiring managers and roles, by id (who sees which bands).
    department_members: dict[int, frozenset[int]]
    department_roles: dict[int, frozenset[int]]
    # The JD templates, by id: what a draft started from one compares with (proposals).
    templates: dict[int, JobTemplate] = field(default_factory=dict)

    def departments_of(self, user) -> list[Department]:
        """The departments `user` is a member of, by name."""
        return [
            department
            for pk, department in self.departments.items()
            if user.pk in self.department_members.get(pk, ())
        ]

    def shows_bands_to(self, user, role: int) -> bool:
        """Whether `user` may see pay bands for `role`: recruiters and staff always; a hiring
        manager for their departments' roles, or every role when the organization allows it.
        The rule of `PayBand.objects.visible_to`, on the kept rows (no query)."""
        if not user.is_authenticated:
            return False
        # The rules that need no query first: the permission check reads the user's groups.
        if self.organization is not None and self.organization.managers_see_all_bands:
            return True
        if any(
            user.pk in self.department_members.get(pk, ()) and role in roles
            for pk, roles in self.department_roles.items()
        ):
            return True
        return user.is_staff or user.has_perm(RECRUITERS_PERMISSION)

    @property
    def country(self) -> str:
        return self.organization.default_country if self.organization else ""

    def blocks_for(self, *, department: int | None, office: int | None) -> dict[str, ContentBlock]:
        """The block of each kind that applies to a posting in `department` at `office`: the
        office's own, else its country's (the organization's country when no office is chosen),
        else the department's, else the company-wide one."""
        place = self.offices.get(office) if office is not None else None
        country = place.country if place else self.country
        best: dict[str, tuple[int, ContentBlock]] = {}
        for block in self.blocks.values():
            scope = _scope(block)
            applies = (
                scope == "company"
                or (scope == "office" and block.office_id == office)
                or (scope == "country" and block.country == country)
                or (scope == "department" and block.department_id == department)
            )
            if not applies:
                continue
            rank = _SCOPE_RANK[scope]
            if block.kind not in best or rank > best[block.kind][0]:
                best[block.kind] = (rank, block)
        return {kind: block for kind, (_, block) in best.items()}

    def band_for(self, *, role: int, seniority: str, office: int | None) -> PayBand | None:
        """The pay band for `role` at `seniority` in `office`, the most specific first: a band
        for the role itself before one for a group it is in; then the office's before the
        office's region's, its country's, and one for anywhere; then one for the seniority
        before one for every seniority. With no office, the organization's country counts."""
        place = self.offices.get(office) if office is not None else None
        country = place.country if place else self.country
        region = place.region if place else ""
        best: tuple[tuple[int, int, int], PayBand] | None = None
        for band in self.bands:
            if band.role_id is not None:
                if band.role_id != role:
                    continue
                role_rank = 1
            else:
                if role not in self.group_roles.get(band.role_group_id, ()):
                    continue
                role_rank = 0
            if band.seniority and band.seniority != seniority:
                continue
            if band.office_id is not None:
                if band.office_id != office:
                    continue
                place_rank = 3
            elif band.country:
                if band.country != country or (band.region and band.region != region):
                    continue
                place_rank = 2 if band.region else 1
            else:
                place_rank = 0
            rank = (role_rank, place_rank, 1 if band.seniority else 0)
            if best is None or rank > best[0]:
                best = (rank, band)
        return best[1] if best else None

    def snapshot_part(
        self,
        *,
        role: int,
        role_name: str,
        seniority: str,
        department: int | None,
        office: int | None,
    ) -> dict[str, Any]:
        """What a snapshot keeps of the organization for one posting (jdbuilder.snapshots)."""
        org = self.organization
        logo = self.logo
        place = self.offices.get(office) if office is not None else None
        dept = self.departments.get(department) if department is not None else None
        band = self.band_for(role=role, seniority=seniority, office=office)
        return {
            "organization": {
                "name": org.name if org else "",
                "website": org.website if org else "",
                "employee_count": org.employee_count if org else None,
                "colour": org.brand_colour if org else "",
                "logo": (
                    {
                        "sha256": logo.sha256,
                        "media_type": logo.media_type,
                        "width": logo.width,
                        "height": logo.height,
                        "path": self.logo_path,
                    }
                    if logo
                    else None
                ),
            },
            "department": {"name": dept.name} if dept else None,
            "office": (
                {
                    "name": place.name,
                    "street_address": place.street_address,
                    "locality": place.locality,
                    "region": place.region,
                    "postal_code": place.postal_code,
                    "country": place.country,
                    "remote_only": place.is_remote_only,
                }
                if place
                else None
            ),
            "pay_band": (
                {
                    "minimum": str(band.minimum),
                    "maximum": str(band.maximum),
                    "currency": band.currency,
                    "period": band.period,
                    "scope": " · ".join(
                        (
                            role_name if band.role_id else band.role_group.name,
                            Seniority(band.seniority).label if band.seniority else "any seniority",
                            band.place_label,
                        )
                    ),
                }
                if band
                else None
            ),
        }


_kept: OrganizationContent | None = None


def organization_content(token: str | None = None) -> OrganizationContent:
    """The organization's rows at the current content version (read again after any write)."""
    global _kept
    token = token or CatalogVersion.objects.current()
    if _kept is None or _kept.token != token:
        organization = Organization.objects.current()
        group_roles = _pairs(RoleGroup.roles.through, "rolegroup_id", "role_id")
        _kept = OrganizationContent(
            token=token,
            organization=organization,
            departments=Department.objects.in_bulk(),
            offices=Office.objects.in_bulk(),
            blocks=ContentBlock.objects.in_bulk(),
            bands=list(PayBand.objects.select_related("office", "role_group")),
            group_roles=group_roles,
            logo=organization.logo if organization else None,
            logo_path=(
                organization.logo.get_absolute_url() if organization and organization.logo else ""
            ),
            department_members=_pairs(Department.members.through, "department_id", "user_id"),
            department_roles=_pairs(Department.roles.through, "department_id", "role_id"),
            templates=JobTemplate.objects.in_bulk(),
        )
    return _kept


def _pairs(through, key: str, value: str) -> dict[int, frozenset[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for left, right in through.objects.values_list(key, value):
        grouped[left].add(right)
    return {left: frozenset(rights) for left, rights in grouped.items()}


# --- the content version -------------------------------------------------------------------

CONTENT_MODELS = (Organization, Department, Office, ContentBlock, JobTemplate, RoleGroup, PayBand)


def _content_changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        CatalogVersion.objects.bump()


def _links_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        CatalogVersion.objects.bump()


def connect() -> None:
    """Connect the version bumps (JdbuilderConfig.ready); connecting twice is harmless."""
    for model in CONTENT_MODELS:
        name = model.__name__
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"org-save-{name}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"org-del-{name}")
    for through in (
        Department.members.through,
        Department.roles.through,
        RoleGroup.roles.through,
    ):
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"org-m2m-{through.__name__}"
        )
