"""Who is told what by e-mail about postings: the reminder before a posting closes. Sent by
the workers through `jdbuilder.mail`, queued inside the transaction that records it. People
who turned reminders off (NotificationSettings) or have no address are left out."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from jdbuilder.approvals.notify import (
    REMINDERS,
    display_name,
    one_line,
    send_each,
    settings_url,
    who_want,
)
from jdbuilder.mail import absolute_url
from jdbuilder.publishing.models import Posting

__all__ = ["closing_soon", "display_name"]


def closing_soon(*, posting: Posting, recipients: list) -> int:
    """Tell `recipients` (the manager and the recruiters) that `posting` closes soon; how many
    were told."""
    users = get_user_model().objects.filter(pk__in=[person.pk for person in recipients])
    people = who_want(users, REMINDERS)
    jd = posting.job_description
    context = {
        "title": posting.title,
        "subject_title": one_line(posting.title),
        "closes_on": posting.closes_on,
        "posting_url": absolute_url(posting.get_absolute_url()),
        "jd_url": absolute_url(jd.get_absolute_url()),
        "settings_url": settings_url(),
    }
    return send_each(people, template="posting_closing", context=context)
