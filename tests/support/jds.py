"""Job descriptions for tests: the one helper for a final JD, and cheap copies of one."""

from jdbuilder.checks import run_checks
from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.services import RoleChoice, save_step
from jdbuilder.snapshots import read_snapshot, required_skill_count
from jdbuilder.vocabulary import WizardStep
from tests.factories import FinalJobDescriptionFactory


def make_final_jd(
    owner, *, title="Senior Software Engineer", slug="software-engineer", **posting
) -> JobDescription:
    """A finalized JobDescription for `owner`, with the posting of `full_posting(**posting)`."""
    return FinalJobDescriptionFactory(owner=owner, title=title, role=slug, posting=posting)


def clone_issued(source: JobDescription, count: int, *, prefix: str = "Clone") -> list:
    """`count` more issued JDs like `source`, in three bulk queries (fast for big libraries).

    Each is a copy of `source`'s latest revision under a new title, scored as finalizing scores
    it; the rows are written directly, so use it only where what is tested is listing many JDs,
    not making them.
    """
    revision = source.latest_revision
    titles = [f"{prefix} {n:02d}" for n in range(count)]
    jds = JobDescription.objects.bulk_create(
        JobDescription(
            owner=source.owner,
            role=source.role,
            title=title,
            status="final",
            choices=source.choices,
        )
        for title in titles
    )
    snapshots = [
        {**revision.snapshot, "title": jd.title, "public_id": str(jd.public_id)} for jd in jds
    ]
    scores = [run_checks(read_snapshot(snapshot)).summary() for snapshot in snapshots]
    revisions = JobDescriptionRevision.objects.bulk_create(
        JobDescriptionRevision(
            job_description=jd,
            number=1,
            snapshot=snapshot,
            finalized_by=source.owner,
            quality=quality,
            required_skills=required_skill_count(snapshot),
        )
        for jd, snapshot, quality in zip(jds, snapshots, scores, strict=True)
    )
    for jd, issued in zip(jds, revisions, strict=True):
        jd.latest_revision, jd.quality = issued, issued.quality
    JobDescription.objects.bulk_update(jds, ["latest_revision", "quality"])
    return jds


def retitle(jd: JobDescription, title: str) -> None:
    """Change a draft's title as the wizard's role step does (and rescore it)."""
    save_step(
        job_description=jd,
        step=WizardStep.ROLE,
        value=RoleChoice(role=jd.role, seniority=jd.seniority, title=title),
        expected_version=jd.lock_version,
        next_step=WizardStep.REVIEW,
    )
