"""The demo job description (jdbuilder/demo.py) that `create_demo_accounts` gives the demo
manager: one final JD, however often the command runs."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_manager_gets_one_final_demo_jd(settings, catalog):
    from jdbuilder.documents.build import build_document
    from jdbuilder.models import JobDescription
    from jdbuilder.vocabulary import Status

    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    call_command("create_demo_accounts", stdout=StringIO())
    jd = JobDescription.objects.get()
    assert jd.owner.username == "manager" and jd.status == Status.FINAL
    document = build_document(jd.revisions.get())
    assert document.company_name == "Northwind Health Analytics"
    assert document.compensation.text == "165,000 to 200,000 USD a year"
    assert "Demo job description" in out.getvalue()


def test_the_demo_company_fills_the_demo_jd_and_gives_engineering_a_template(settings, catalog):
    """The demo JD is at Denver, in Engineering: its texts come from the company's blocks, its
    range sits in Denver's senior band, its document carries the logo; one template, however
    often the command runs."""
    from jdbuilder.checks import run_checks
    from jdbuilder.documents.build import build_document
    from jdbuilder.models import JobDescription
    from jdbuilder.organization.models import JobTemplate, Office, Organization, PayBand

    settings.DEBUG = True
    for _ in range(2):
        call_command("create_demo_accounts", stdout=StringIO())
    assert Organization.objects.get().logo is not None
    assert Office.objects.count() == 3 and PayBand.objects.count() == 5
    template = JobTemplate.objects.get()
    assert template.department.name == "Engineering" and template.office.name == "Denver"
    document = build_document(JobDescription.objects.get().revisions.get())
    assert document.department == "Engineering" and document.office.name == "Denver"
    assert "A transit pass" in document.benefits
    assert document.about_team.startswith("The platform team")
    assert document.branding.logo is not None
    assert document.pay_band.text == "160,000 to 200,000 USD a year"
    assert not [f for f in run_checks(document).findings if f.data.get("band") == "pay-band"]
