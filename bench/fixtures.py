"""What the benchmarks request: a signed-in manager, a draft, a final JD and a same-size file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from bench.generate_catalog import GENERATED_SOURCE
from bench.urls import MINIMAL_URL
from bench.wizard import complete_posting
from jdbuilder.accounts import HIRING_MANAGERS, ensure_groups
from jdbuilder.demo import create_demo_job_description, create_demo_organization
from jdbuilder.documents.formats import FORMATS
from jdbuilder.models import JobDescription, JobDescriptionRevision, RenderedFile
from jdbuilder.organization.models import Department, PayBand
from jdbuilder.services import export_revision, start_draft
from roles.models import Role

BENCH_USERNAME = "bench-manager"
STATIC_NAME = "bench/stored-pdf-same-size.pdf"


@dataclass
class BenchContext:
    user: object
    client: Client
    role: Role
    draft: JobDescription
    final: JobDescription
    revision: JobDescriptionRevision
    role_url: str
    wizard_url: str
    pdf_url: str
    static_url: str
    static_size: int
    minimal_url: str = MINIMAL_URL

    @property
    def session_cookie(self) -> str:
        name = settings.SESSION_COOKIE_NAME
        return f"{name}={self.client.cookies[name].value}"

    def delete_stored_pdf(self) -> None:
        RenderedFile.objects.filter(revision=self.revision, format="pdf").delete()


def bench_role() -> Role:
    """The first generated role (35 skills, 20 tasks, 60 titles), else the seed's engineer."""
    role = Role.objects.filter(source=GENERATED_SOURCE).order_by("pk").first()
    return role or Role.objects.get(slug="software-engineer")


def bench_user():
    ensure_groups()
    user, created = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=HIRING_MANAGERS))
    return user


def set_up_the_company(user, role: Role) -> None:
    """The demo company (offices, blocks, bands), with the bench manager in Engineering hiring
    the bench role, and a US band for it: drafts then fill their texts from blocks and carry a
    band, so every preview, save and finalize measured pays for the organization's part."""
    if not Role.objects.filter(slug="software-engineer").exists():
        return
    create_demo_organization(manager=user, manager2=user)
    Department.objects.get(name="Engineering").roles.add(role)
    PayBand.objects.get_or_create(
        role=role, seniority="", country="US", defaults={"minimum": 100_000, "maximum": 220_000}
    )


def prepare(static_root: Path) -> BenchContext:
    """Create the benchmark's user and documents, and the static file the stored PDF is matched to.

    Call before the first request of any Client: WhiteNoise (without autorefresh, as in
    production) lists STATIC_ROOT when the middleware is built, on a client's first request.
    """
    user = bench_user()
    role = bench_role()
    set_up_the_company(user, role)
    draft = start_draft(owner=user, role=role)
    final = create_demo_job_description(owner=user)
    revision = final.revisions.get(number=1)
    # Stored now; the benchmarks delete it as needed.
    pdf_bytes = export_revision(revision=revision, export_format=FORMATS["pdf"])
    static_file = Path(static_root) / STATIC_NAME
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(pdf_bytes)  # the same bytes, so exactly the same size
    client = Client()
    client.force_login(user)
    complete_posting(client, draft)  # every step complete, as a draft about to be reviewed
    return BenchContext(
        user=user,
        client=client,
        role=role,
        draft=draft,
        final=final,
        revision=revision,
        role_url=role.get_absolute_url(),
        wizard_url=reverse(
            "jd:wizard_step", kwargs={"public_id": draft.public_id, "step": "skills"}
        ),
        pdf_url=reverse(
            "jd:download_revision", kwargs={"public_id": final.public_id, "number": 1, "fmt": "pdf"}
        ),
        static_url=f"/{settings.STATIC_URL.strip('/')}/{STATIC_NAME}",
        static_size=len(pdf_bytes),
    )
