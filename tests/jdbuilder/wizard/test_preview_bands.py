"""The preview's findings name the pay band's figures only to people who may see the band."""

from __future__ import annotations

import pytest

from jdbuilder.catalog import RoleCatalog
from jdbuilder.models import JobDescription
from jdbuilder.wizard.preview import Preview
from roles.models import Role
from tests.factories import (
    DepartmentFactory,
    DraftFactory,
    ManagerFactory,
    OfficeFactory,
    OrganizationFactory,
    PayBandFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")


def band_findings(draft) -> list:
    jd = JobDescription.objects.select_related("role").get(pk=draft.pk)
    report = Preview(jd, catalog=RoleCatalog.for_draft(jd), step="review").report
    return [f for f in report.findings if f.data.get("band") == "pay-band"]


@pytest.fixture
def over_the_band():
    """A Denver draft paying 150,000–210,000 USD against a 120,000–160,000 band."""
    OrganizationFactory()
    denver = OfficeFactory(name="Denver")
    PayBandFactory(office=denver, minimum=120_000, maximum=160_000)

    def draft_for(owner):
        return DraftFactory(
            owner=owner,
            posting={"office": denver.pk, "salary_min": "150000", "salary_max": "210000"},
        )

    return draft_for


def test_a_manager_of_the_roles_department_reads_the_figures(over_the_band):
    manager = ManagerFactory()
    DepartmentFactory(members=[manager], roles=[Role.objects.get(slug="software-engineer")])
    [finding] = band_findings(over_the_band(manager))
    assert "50,000 USD above the maximum" in finding.message
    assert "160,000" in finding.message


def test_another_manager_learns_the_range_leaves_the_band_but_not_the_band(over_the_band):
    manager = ManagerFactory()
    DepartmentFactory(members=[manager])  # hires no Software Engineers
    draft = over_the_band(manager)
    [finding] = band_findings(draft)
    assert finding.message == (
        "The top of the pay range is above the maximum of the pay band for this job."
    )
    assert "160" not in finding.message + finding.suggestion
    assert "Denver" not in finding.message + finding.suggestion
    assert set(finding.data) == {"band", "end"}
    # The same findings count, so the preview's score is the draft's stored one.
    jd = JobDescription.objects.select_related("role").get(pk=draft.pk)
    report = Preview(jd, catalog=RoleCatalog.for_draft(jd), step="review").report
    assert report.summary()["score"] == jd.quality["score"]
