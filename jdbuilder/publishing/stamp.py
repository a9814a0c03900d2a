"""The publishing stamp: one value that changes whenever anything a public page or feed shows
changes. Public responses are cached and tagged (ETag, Last-Modified) under it.

It is derived from the database (the latest `Posting.changed_at`, read off its index, and the
catalog's version token, which organization writes bump too, and so does a posting deleted
with its JD: `connect`) and kept in the shared cache
for `STAMP_SECONDS`; every posting write drops the kept value when its transaction commits, so
a publish or close shows at once, and a branding change within `STAMP_SECONDS`.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete

from jdbuilder.publishing.models import Posting
from roles.models import CatalogVersion

STAMP_KEY = "publishing:stamp"
STAMP_SECONDS = 60


@dataclass(frozen=True)
class Stamp:
    value: str
    last_modified: datetime.datetime


def current_stamp() -> Stamp:
    cache = caches["default"]
    kept = cache.get(STAMP_KEY)
    if isinstance(kept, Stamp):
        return kept
    latest = Posting.objects.aggregate(latest=Max("changed_at"))["latest"]
    token = CatalogVersion.objects.current()
    latest = latest or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    source = f"{latest.isoformat()}|{token}"
    stamp = Stamp(
        value=hashlib.sha256(source.encode()).hexdigest()[:24],
        # Last-Modified has whole seconds; the catalog token moves it only through the value.
        last_modified=latest.replace(microsecond=0),
    )
    cache.set(STAMP_KEY, stamp, STAMP_SECONDS)
    return stamp


def postings_changed() -> None:
    """Call inside the transaction that changed a posting: the kept stamp goes on commit."""
    transaction.on_commit(lambda: caches["default"].delete(STAMP_KEY))


def _posting_deleted(sender, **kwargs) -> None:
    # No row is left to carry a later changed_at: the catalog token moves instead (a JD
    # deleted with its posting is rare; organization content is read again after it).
    CatalogVersion.objects.bump()
    postings_changed()


def connect() -> None:
    """Connect the deletion bump (JdbuilderConfig.ready); connecting twice is harmless."""
    post_delete.connect(_posting_deleted, sender=Posting, dispatch_uid="publishing-stamp-delete")
