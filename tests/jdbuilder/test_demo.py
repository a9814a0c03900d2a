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
    assert document.compensation.text == "165,000 to 205,000 USD a year"
    assert "Demo job description" in out.getvalue()
