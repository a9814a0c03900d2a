"""The postings' Celery task (scheduled by beat, settings.CELERY_BEAT_SCHEDULE "postings"):
close what has reached its closing date, and remind before. It calls the services only."""

from __future__ import annotations

from celery import shared_task

from jdbuilder.publishing import feed_files, services


@shared_task(name="publishing.close_and_remind", acks_late=True, time_limit=600)
def close_and_remind() -> str:
    closed = services.close_due()
    reminded = services.remind_closing()
    return f"closed {closed}, reminded {reminded}"


@shared_task(name="publishing.rebuild_feeds", acks_late=True, time_limit=600)
def rebuild_feeds() -> str:
    """Sent after every posting change: the job boards' feeds and the sitemap, stored again."""
    return f"built {feed_files.rebuild_stored()}"
