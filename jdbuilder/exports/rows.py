"""One JD as the library lists it, read from a revision: the library's rows and the CSV export's.

Kept here, below the library's views, so the export's handler (a service) and the page read the
same values from the same snapshot summary.
"""

from __future__ import annotations

import dataclasses
import datetime

from jdbuilder.models import JobDescription, JobDescriptionRevision
from jdbuilder.snapshots import Summary, summarize


@dataclasses.dataclass(frozen=True)
class LibraryRow(Summary):
    """The snapshot's summary, and the revision's own number, date and quality."""

    public_id: str
    finalized_at: datetime.datetime
    revision: int
    quality: dict

    @classmethod
    def of(cls, job_description: JobDescription) -> LibraryRow:
        return cls.of_revision(job_description.latest_revision, public_id=job_description.public_id)

    @classmethod
    def of_revision(cls, revision: JobDescriptionRevision, *, public_id) -> LibraryRow:
        return cls(
            **dataclasses.asdict(summarize(revision.snapshot)),
            public_id=str(public_id),
            finalized_at=revision.finalized_at,
            revision=revision.number,
            quality=revision.quality or {},
        )
