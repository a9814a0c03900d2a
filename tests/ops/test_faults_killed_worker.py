"""A worker SIGKILLed while rendering a PDF, or after its INSERT but before the COMMIT, leaves no
stored file, on a real database of the suite's kind (a SQLite file in CI's first pass, a new
PostgreSQL database in its second: the `ops_database` of tests/ops/conftest.py); the next
render job (a download queues it) stores the same bytes as a direct render.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading

import pytest

from tests.ops import ROOT, query_one, run_script, shell_command

# Export the revision's PDF as a download does, and hang at KILL_AT until killed:
# - rendering: WeasyPrint has written the PDF, nothing is stored yet;
# - storing: the RenderedFile INSERT has run inside its transaction, not yet committed.
KILL_SCRIPT = """
import os, time
import weasyprint
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from jdbuilder.services import export_revision

revision = JobDescriptionRevision.objects.get(
    job_description__public_id=os.environ["PUBLIC_ID"], number=1
)
if os.environ["KILL_AT"] == "rendering":
    write_pdf = weasyprint.Document.write_pdf

    def write_pdf_then_hang(self, *args, **kwargs):
        content = write_pdf(self, *args, **kwargs)
        print("HANGING rendered", len(content), flush=True)
        time.sleep(300)
        return content

    weasyprint.Document.write_pdf = write_pdf_then_hang
else:
    save = RenderedFile.save

    def save_then_hang(self, *args, **kwargs):
        save(self, *args, **kwargs)
        seen = RenderedFile.objects.filter(pk=self.pk).exists()
        print("HANGING inserted", seen, flush=True)
        time.sleep(300)

    RenderedFile.save = save_then_hang
export_revision(revision=revision, export_format=FORMATS["pdf"])
print("FINISHED: never reached", flush=True)
"""

DOWNLOAD_SCRIPT = """
import hashlib, os
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import render_pdf
from jdbuilder.models import JobDescriptionRevision, RenderedFile
from tests.ops import emit

public_id = os.environ["PUBLIC_ID"]
revision = JobDescriptionRevision.objects.get(job_description__public_id=public_id, number=1)
client = Client()
client.force_login(get_user_model().objects.get(username="ops-owner"))
url = reverse("jd:download_revision", kwargs={"public_id": public_id, "number": 1, "fmt": "pdf"})
# Not stored: "being prepared", and the render job queued (run at once here: no broker).
preparing = client.get(url)
response = client.get(url)
served = response.content
direct = render_pdf(build_document(revision))
stored = RenderedFile.objects.filter(revision=revision, format="pdf")
emit({
    "preparing": [preparing.status_code, preparing["Location"]],
    "status": response.status_code,
    "content_type": response["Content-Type"],
    "starts": served[:5].decode("latin-1"),
    "served_is_direct": served == direct,
    "stored": [[bytes(f.content) == direct, f.sha256 == hashlib.sha256(direct).hexdigest()]
               for f in stored],
    "again_is_same": client.get(url).content == direct,
})
"""


def stored_files(url: str, title: str) -> int:
    """How many stored files the JD called `title` has, read straight from the database."""
    return query_one(
        url,
        "SELECT count(*) FROM jdbuilder_renderedfile f JOIN jdbuilder_jobdescriptionrevision r "
        "ON r.id = f.revision_id JOIN jdbuilder_jobdescription j ON j.id = r.job_description_id "
        f"WHERE j.title = '{title}'",
    )


@pytest.mark.parametrize("kill_at", ["rendering", "storing"])
def test_a_worker_killed_while_exporting_a_pdf_leaves_no_stored_file(
    ops_database, kill_at, tmp_path
):
    url, public_id = ops_database["url"], ops_database["jds"][kill_at]
    title = f"Killed while {kill_at}"
    env = {**ops_database["env"], "PUBLIC_ID": public_id, "KILL_AT": kill_at}
    stderr_path = tmp_path / "worker.stderr"
    with stderr_path.open("w") as stderr:
        worker = subprocess.Popen(
            shell_command(KILL_SCRIPT), cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=stderr, text=True,
        )  # fmt: skip
    watchdog = threading.Timer(90, worker.kill)  # never hang the suite
    watchdog.start()
    try:
        line = worker.stdout.readline()
        assert line.startswith("HANGING"), (
            f"the worker did not reach {kill_at}: {line!r}\n{stderr_path.read_text()[-3000:]}"
        )
        if kill_at == "storing":
            assert line.split()[-1] == "True", "the worker's own transaction sees its row"
            assert stored_files(url, title) == 0, "an uncommitted row is invisible to others"
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()

    assert stored_files(url, title) == 0, "a killed worker left a stored file behind"
    if url.startswith("sqlite:"):
        assert query_one(url, "PRAGMA integrity_check") == "ok"

    download = run_script(
        {**ops_database["env"], "PUBLIC_ID": public_id}, DOWNLOAD_SCRIPT, timeout=120
    )
    assert download["preparing"] == [302, f"/jd/{public_id}/revisions/1/download/pdf/preparing/"]
    assert download["status"] == 200 and download["content_type"] == "application/pdf"
    assert download["starts"] == "%PDF-"
    assert download["served_is_direct"], "the fresh download is the direct render, byte for byte"
    assert download["stored"] == [[True, True]], "one stored file, the same bytes, its digest"
    assert download["again_is_same"]
    assert stored_files(url, title) == 2  # the render job stores A4 and Letter
