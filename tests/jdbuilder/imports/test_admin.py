"""The O*NET imports in the admin: the list and its button, the upload page (size cap, bad zips,
one at a time, CSRF), each import's page in its four states, its JSON status, and the
read-only list of every job."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from jdbuilder.imports.models import OnetImport
from jdbuilder.imports.services import ALREADY_RUNNING
from jdbuilder.jobs.models import Job, JobFile, JobKind, JobStatus
from roles.models import Role
from roles.onet.report import ImportReport
from tests.factories import ManagerFactory, UserFactory
from tests.jdbuilder.imports.conftest import upload_of
from tests.roles.onet.helpers import CODES, edit, line_of, make_zip, snapshot, zipped_release

CHANGELIST = reverse("admin:jdbuilder_onetimport_changelist")
UPLOAD = reverse("admin:jdbuilder_onetimport_add")


def page_of(job) -> str:
    return reverse("admin:jdbuilder_onetimport_change", args=[job.pk])


def status_of(job) -> str:
    return reverse("admin:jdbuilder_onetimport_status", args=[job.pk])


def upload(client, data: bytes, name: str = "db_30_0_text.zip"):
    return client.post(UPLOAD, {"release": upload_of(data, name)})


# --- the list -----------------------------------------------------------------------------------


def test_the_list_has_the_upload_button_and_the_imports(staff_client, make_import):
    done = make_import(status=JobStatus.SUCCEEDED, title="O*NET release old.zip")
    running = make_import(status=JobStatus.RUNNING, stage="Importing", progress_total=4)
    Job.objects.create(kind=JobKind.EMAIL, title="A notice")  # not an import: not listed
    page = staff_client.get(CHANGELIST).content.decode()
    assert f'href="{UPLOAD}" class="addlink">Upload a release</a>' in page
    assert page_of(done) in page and page_of(running) in page
    assert "O*NET release old.zip" in page
    assert "Importing" in page
    assert "A notice" not in page
    assert "Add O*NET import" not in page


def test_the_list_needs_the_same_queries_for_more_imports(
    staff_client, make_import, django_assert_num_queries
):
    make_import(status=JobStatus.FAILED)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(captured)

    few = count()
    for _ in range(5):
        make_import(status=JobStatus.SUCCEEDED, owner=UserFactory())
    with django_assert_num_queries(few):
        staff_client.get(CHANGELIST)


def test_only_staff_see_the_imports(client, make_import):
    job = make_import()
    client.force_login(ManagerFactory())
    for url in (CHANGELIST, UPLOAD, page_of(job), status_of(job)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_staff_without_the_permission_cannot_upload(client, release_zip, make_import):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_onetimport"))
    client.force_login(viewer)
    page = client.get(CHANGELIST).content.decode()
    assert "Upload a release" not in page
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, release_zip).status_code == 403
    assert not Job.objects.exists()


# --- the upload ---------------------------------------------------------------------------------


def test_the_upload_page_names_the_files_and_the_cap(staff_client, settings):
    settings.ONET_UPLOAD_MAX_BYTES = 300 * 1024 * 1024
    page = staff_client.get(UPLOAD).content.decode()
    assert '<form method="post" enctype="multipart/form-data" novalidate>' in page
    assert 'type="file" name="release"' in page
    assert "at most 300 MB" in page
    assert "Occupation Data.txt, Alternate Titles.txt, Task Statements.txt, Skills.txt" in page


def test_uploading_the_sample_release_imports_it_and_shows_the_result(
    catalog, staff_client, release_zip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, release_zip)
    job = OnetImport.objects.get()
    assert response.status_code == 302
    assert response.url == page_of(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Role.objects.filter(onet_code__in=CODES).count() == 4

    page = staff_client.get(response.url).content.decode()
    assert "Uploaded db_30_0_text.zip: its import is queued." in page
    assert "Status: Imported" in page
    assert "Every line checked: 4 occupations, 35 skills." in page
    assert '<th scope="row">Roles</th>\n              <td>4</td>' in page
    rows = [page.index(f'<th scope="row">{kind.capitalize()}</th>') for kind in ImportReport.KINDS]
    assert rows == sorted(rows)  # in the report's order, whatever order the JSON kept
    assert "Source recorded on each imported role:" in page
    assert "Imported in " in page
    assert "4 occupations: roles 4 created" in page
    assert "job-progress.js" not in page and "http-equiv" not in page  # finished: no refresh


def test_the_whole_release_as_downloaded_imports_and_names_the_tables_not_read(
    catalog, staff_client, tmp_path, django_capture_on_commit_callbacks
):
    import shutil

    from tests.roles.onet.helpers import SAMPLES

    folder = tmp_path / "db_30_0_text"
    shutil.copytree(SAMPLES, folder)
    (folder / "Abilities.txt").write_text("O*NET-SOC Code\tTitle\n")
    (folder / "Work Context Categories.txt").write_text("not read\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, zipped_release(folder))
    job = OnetImport.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.error
    page = staff_client.get(response.url).content.decode()
    assert (
        "Also in the zip, not read by the import and not unpacked: Abilities.txt, "
        "Work Context Categories.txt." in page
    )


def test_a_bad_zip_is_refused_on_the_page_and_nothing_is_kept(staff_client):
    data = make_zip(("db_30_0_text/Skills.txt", b"x"), ("db_30_0_text/../../etc/cron", b"x"))
    response = upload(staff_client, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The release was not uploaded: see below. Nothing was kept." in page
    assert (
        "db_30_0_text.zip: not imported: &#x27;db_30_0_text/../../etc/cron&#x27;: a path that "
        "climbs out of its folder (&#x27;..&#x27;)"
    ) in page
    assert 'aria-invalid="true"' in page
    assert not Job.objects.exists() and not JobFile.objects.exists()


def test_not_a_zip_and_no_file(staff_client):
    page = upload(staff_client, b"just text", name="release.txt").content.decode()
    assert "release.txt: not imported: not a zip file" in page
    page = staff_client.post(UPLOAD, {}).content.decode()
    assert "This field is required." in page
    assert not Job.objects.exists()


def test_an_upload_over_the_cap_is_dropped_as_it_arrives(staff_client, release_zip, settings):
    settings.ONET_UPLOAD_MAX_BYTES = len(release_zip) // 2
    response = upload(staff_client, release_zip)
    assert response.status_code == 200
    errors = response.context["form"].errors["release"]
    assert errors == [
        "The file is larger than 0.0 MB, the most an upload may be; nothing was kept."
    ]
    assert "This field is required." not in response.content.decode()
    assert not Job.objects.exists() and not JobFile.objects.exists()


def test_an_upload_at_the_cap_is_accepted(staff_client, release_zip, settings):
    settings.ONET_UPLOAD_MAX_BYTES = len(release_zip)
    response = upload(staff_client, release_zip)
    assert response.status_code == 302
    assert OnetImport.objects.get().params["upload"]["upload_size"] == len(release_zip)


def test_a_second_upload_while_one_runs_is_refused(staff_client, release_zip, make_import):
    running = make_import(status=JobStatus.RUNNING)
    page = staff_client.get(UPLOAD).content.decode()
    assert "An import is running:" in page
    assert f'href="{page_of(running)}"' in page
    response = upload(staff_client, release_zip)
    assert response.status_code == 200
    assert response.context["form"].errors["release"] == [ALREADY_RUNNING]
    assert list(Job.objects.all()) == [running]
    assert JobFile.objects.count() == 0


def test_the_upload_checks_csrf(staff, release_zip):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = upload(client, release_zip)
    assert response.status_code == 403
    assert not Job.objects.exists()
    job = OnetImport.objects.create(kind=JobKind.ONET_IMPORT, status=JobStatus.FAILED)
    assert client.post(status_of(job)).status_code == 403  # no token, no answer
    token = client.get(UPLOAD).context["csrf_token"]
    response = client.post(
        UPLOAD, {"csrfmiddlewaretoken": str(token), "release": upload_of(release_zip)}
    )
    assert response.status_code == 302
    assert OnetImport.objects.active().count() == 1


def test_a_bad_release_fails_on_its_page_naming_file_and_line(
    catalog, staff_client, release, django_capture_on_commit_callbacks
):
    edit(release, "Task Statements.txt", "\tCore\t", "\tSometimes\t")
    number = line_of(release, "Task Statements.txt", "\tSometimes\t")
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, zipped_release(release))
    job = OnetImport.objects.get()
    assert job.status == JobStatus.FAILED
    assert snapshot() == before
    page = staff_client.get(response.url).content.decode()
    assert "Status: Not imported" in page
    assert (
        f"O*NET not imported, nothing changed: Task Statements.txt line {number}: Task Type "
        f"&#x27;Sometimes&#x27; is not Core or Supplemental"
    ) in page
    assert "Nothing in the catalog was changed." in page
    assert "Not imported: see the error below." in page


# --- one import's page --------------------------------------------------------------------------


def test_a_queued_import_shows_a_waiting_bar_that_follows_the_job(staff_client, make_import):
    job = make_import(status=JobStatus.QUEUED, stage="Queued")
    page = staff_client.get(page_of(job)).content.decode()
    assert "Status: Queued" in page
    assert f'data-job-status-url="{status_of(job)}"' in page
    assert f'<progress class="w-100" id="job-progress-{job.public_id}">Waiting</progress>' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'src="/static/js/job-progress.js" defer' in page
    assert "Not checked yet" in page


def test_a_running_import_shows_its_check_and_progress(staff_client, make_import):
    job = make_import(
        status=JobStatus.RUNNING,
        stage="Importing",
        progress_done=2,
        progress_total=4,
        result={"checked": {"occupations": 4, "skills": 35, "tool_files": [], "notes": ["N1"]}},
    )
    page = staff_client.get(page_of(job)).content.decode()
    assert "Status: Running" in page
    assert "Every line checked: 4 occupations, 35 skills." in page
    assert "<p>Note: N1</p>" in page
    assert 'max="100" value="50">50%</progress>' in page
    assert "2 of 4" in page
    assert "Importing" in page


def test_user_text_on_the_page_is_escaped(staff_client, make_import):
    job = make_import(
        status=JobStatus.FAILED,
        title="<script>alert(1)</script>",
        error="O*NET not imported, nothing changed: <b>bad</b>",
    )
    page = staff_client.get(page_of(job)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page


def test_an_unknown_import_redirects_to_the_list(staff_client):
    response = staff_client.get(reverse("admin:jdbuilder_onetimport_change", args=[999999]))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert (
        staff_client.get(reverse("admin:jdbuilder_onetimport_status", args=[999999])).status_code
        == 404
    )


def test_an_email_job_is_not_an_import_page(staff_client):
    other = Job.objects.create(kind=JobKind.EMAIL)
    response = staff_client.get(reverse("admin:jdbuilder_onetimport_change", args=[other.pk]))
    assert response.status_code == 302


def test_the_status_json_follows_the_job(staff_client, make_import):
    job = make_import(
        status=JobStatus.RUNNING, stage="Importing", progress_done=1, progress_total=4
    )
    response = staff_client.get(status_of(job))
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "running",
        "status_label": "Running",
        "finished": False,
        "percent": 25,
        "done": 1,
        "total": 4,
        "stage": "Importing",
    }
    OnetImport.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, stage="Done")
    assert staff_client.get(status_of(job)).json()["finished"] is True


def test_the_page_needs_a_fixed_number_of_queries(
    staff_client, make_import, django_assert_num_queries
):
    counts = {
        kind: {"created": 1, "updated": 0, "deleted": 0, "kept": 0} for kind in ("roles", "tools")
    }
    job = make_import(status=JobStatus.SUCCEEDED, result={"counts": counts, "log": ["a", "b"]})
    # The session, its user and the import: the page reads nothing else.
    response = staff_client.get(page_of(job))
    assert '<th scope="row">Tools</th>' in response.content.decode()
    with django_assert_num_queries(3):
        staff_client.get(page_of(job))


def test_an_import_cannot_be_edited_or_deleted(staff_client, make_import):
    job = make_import(status=JobStatus.SUCCEEDED)
    delete = reverse("admin:jdbuilder_onetimport_delete", args=[job.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert OnetImport.objects.filter(pk=job.pk).exists()


# --- every job, read-only -----------------------------------------------------------------------


def test_the_job_list_shows_every_kind_with_filters(staff_client, make_import):
    make_import(status=JobStatus.FAILED, error="boom")
    Job.objects.create(kind=JobKind.EMAIL, title="Export ready notice", status=JobStatus.SUCCEEDED)
    url = reverse("admin:jdbuilder_job_changelist")
    page = staff_client.get(url).content.decode()
    assert "O*NET release db_30_0_text.zip" in page and "Export ready notice" in page
    assert "?kind__exact=onet_import" in page and "?status__exact=failed" in page
    filtered = staff_client.get(url, {"kind__exact": "email"}).content.decode()
    assert "Export ready notice" in filtered and "O*NET release" not in filtered
    assert reverse("admin:jdbuilder_job_add") not in page  # nobody adds jobs by hand


def test_a_job_is_shown_read_only(staff_client):
    job = Job.objects.create(kind=JobKind.EMAIL, title="A notice", error="SMTP down")
    url = reverse("admin:jdbuilder_job_change", args=[job.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "SMTP down" in page
    assert 'name="title"' not in page  # no inputs: read-only
    assert staff_client.post(url, {"title": "changed"}).status_code == 403
    job.refresh_from_db()
    assert job.title == "A notice"


def test_the_job_list_needs_the_same_queries_for_more_jobs(staff_client, django_assert_num_queries):
    url = reverse("admin:jdbuilder_job_changelist")
    Job.objects.create(kind=JobKind.EMAIL, owner=UserFactory())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        staff_client.get(url)
    for _ in range(5):
        Job.objects.create(kind=JobKind.EMAIL, owner=UserFactory())
    with django_assert_num_queries(len(captured)):
        staff_client.get(url)


def test_staff_see_the_admin_index_entries(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "O*NET imports" in page and "Jobs" in page
    assert reverse("admin:jdbuilder_onetimport_changelist") in page
