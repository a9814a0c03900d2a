"""What the export tests share: a stand-in PDF renderer that makes real (blank) PDFs of a known
number of pages, and helpers to queue an export through the library's form and read its file."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfWriter

from jdbuilder.jobs.files import read_chunks
from jdbuilder.jobs.models import Job, JobFile, JobFileRole

LIBRARY = "/library/"
EXPORT = "/library/export/"
RENDERED: list[str] = []
A4 = (595.28, 841.89)


def pages_of(title: str) -> int:
    """How many pages the stand-in renderer gives a JD: 1 to 3, from its title."""
    return 1 + len(title) % 3


def fake_pdf(document) -> bytes:
    """Stands in for WeasyPrint: a valid PDF of `pages_of(title)` blank A4 pages, unique per
    revision (its title metadata names it), and a count of renders."""
    RENDERED.append(document.public_id)
    writer = PdfWriter()
    for _ in range(pages_of(document.title)):
        writer.add_blank_page(*A4)
    writer.add_metadata({"/Title": f"{document.title} r{document.revision} {document.public_id}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def ids_of(*jds) -> list[str]:
    return [str(jd.public_id) for jd in jds]


def post_export(client: Client, capture, *, url: str = EXPORT, run: bool = True, **data):
    """POST the library's export form; with `run`, the job runs as the request's transaction
    commits (in-process, as with no broker). Returns (response, the job or None)."""
    before = set(Job.objects.values_list("pk", flat=True))
    with capture(execute=run):
        response = client.post(url, data)
    created = Job.objects.exclude(pk__in=before).filter(kind="export")
    assert created.count() <= 1
    return response, created.first()


def output_of(job: Job) -> bytes:
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    file = JobFile.objects.get(job=job, role=JobFileRole.OUTPUT)
    assert file.complete
    return b"".join(read_chunks(file))
