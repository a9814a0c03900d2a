"""A staff user imports an O*NET release from the admin in Chromium: the list's "Upload a
release" button, a refused file, the sample release zipped and uploaded, its result; and an
import's page following a running job's progress until it shows the result. Every page passes
axe and the strict Content Security Policy.

Without a broker (as in these tests) the import runs in the upload's request once it commits,
so the upload lands on the finished import; the running page is shown with a job row moved
along by the test, as a worker would.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from jdbuilder.imports.models import OnetImport
from jdbuilder.jobs.models import JobKind, JobStatus
from roles.models import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_csp import CSPWatch
from tests.roles.onet.helpers import CODES, zipped_release


def policy_held_and_accessible(page, csp: CSPWatch, what: str) -> None:
    """No CSP violation on the page, then no serious axe finding. axe injects styles of its own,
    which the policy refuses: what it caused is forgotten once it has run."""
    csp.check(what)
    assert_accessible(page)
    csp.violations()  # lets the refusals caused by axe arrive
    csp.console.clear()
    page.evaluate("() => { window.__cspViolations = []; }")


def test_staff_upload_the_sample_release_and_see_it_imported(
    page, live_server, live_catalog, live_staff, sign_in, tmp_path
):
    csp = CSPWatch(page)
    sign_in(live_staff, next_path="/admin/jdbuilder/onetimport/")
    expect(page.get_by_role("heading", name=re.compile("O\\*NET import"))).to_be_visible()
    policy_held_and_accessible(page, csp, "the O*NET imports list")

    page.get_by_role("link", name="Upload a release").click()
    expect(page.get_by_role("heading", name="Upload an O*NET release")).to_be_visible()
    policy_held_and_accessible(page, csp, "the upload page")

    not_a_zip = tmp_path / "Skills.txt"
    not_a_zip.write_text("O*NET-SOC Code\tTitle\n")
    page.get_by_label("Release zip").set_input_files(str(not_a_zip))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator(".errorlist")).to_contain_text("Skills.txt: not imported: not a zip file")
    expect(page.get_by_label("Release zip")).to_have_attribute("aria-invalid", "true")
    assert not OnetImport.objects.exists()
    policy_held_and_accessible(page, csp, "the upload page with its error")

    release = tmp_path / "db_30_0_text.zip"
    release.write_bytes(zipped_release())
    page.get_by_label("Release zip").set_input_files(str(release))
    page.get_by_role("button", name="Upload and import").click()

    expect(page.locator(".messagelist")).to_contain_text("Uploaded db_30_0_text.zip")
    expect(page.get_by_text("Status: Imported")).to_be_visible()
    expect(page.get_by_text("Every line checked: 4 occupations, 35 skills.")).to_be_visible()
    counts = page.get_by_role("table", name=re.compile("Rows per table, 4 occupations"))
    expect(counts.get_by_role("row", name=re.compile("^Roles "))).to_contain_text("4")
    expect(page.locator("#import-log")).to_contain_text("4 occupations: roles 4 created")
    assert Role.objects.filter(onet_code__in=CODES).count() == 4
    policy_held_and_accessible(page, csp, "the finished import")

    page.get_by_role("link", name="O*NET imports").last.click()
    expect(page.locator("#result_list")).to_contain_text("Imported")


def test_an_imports_page_follows_its_progress_to_the_result(
    page, live_server, live_catalog, live_staff, sign_in
):
    job = OnetImport.objects.create(
        kind=JobKind.ONET_IMPORT,
        owner=live_staff,
        title="O*NET release db_30_0_text.zip",
        status=JobStatus.RUNNING,
        stage="Importing",
        progress_done=1,
        progress_total=4,
        params={"upload": {"name": "db_30_0_text.zip", "files": [], "upload_size": 1000}},
        result={"checked": {"occupations": 4, "skills": 35, "tool_files": [], "notes": []}},
    )
    csp = CSPWatch(page)
    sign_in(live_staff, next_path=f"/admin/jdbuilder/onetimport/{job.pk}/change/")
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "25")
    expect(page.get_by_text("Status: Running")).to_be_visible()
    policy_held_and_accessible(page, csp, "a running import")

    # The worker moves on: the page follows without a reload.
    OnetImport.objects.filter(pk=job.pk).update(progress_done=3)
    expect(bar).to_have_js_property("value", 75)
    expect(page.get_by_text("Status: Running")).to_be_visible()

    counts = {kind: {"created": 4, "updated": 0, "deleted": 0, "kept": 0} for kind in ["roles"]}
    OnetImport.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        stage="Done",
        progress_done=4,
        result={
            "checked": {"occupations": 4, "skills": 35, "tool_files": [], "notes": []},
            "occupations": 4,
            "counts": counts,
            "log": ["Imported in 0.10 s: 4 occupations: roles 4 created"],
        },
    )
    # Finished: the page loads again and shows the result instead of the bar.
    expect(page.get_by_text("Status: Imported")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    expect(page.locator("#import-log")).to_contain_text("roles 4 created")
    policy_held_and_accessible(page, csp, "the import once finished")
