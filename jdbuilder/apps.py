from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JdbuilderConfig(AppConfig):
    name = "jdbuilder"
    verbose_name = "JD Builder"

    def ready(self) -> None:
        # After every migrate, so the groups carry the permissions of models added since.
        post_migrate.connect(ensure_groups_after_migrate, sender=self)
        # The Celery tasks register with the queue as they load: every process that queues
        # work (app servers, workers, commands) must have them.
        import jdbuilder.jobs.tasks  # noqa: F401
        from jdbuilder.organization import content

        # Every write to the organization's rows moves the content version drafts read.
        content.connect()
        from jdbuilder.approvals.queue import connect_signals

        # Who approves a stage is kept in the cache for the navigation's count.
        connect_signals()
        from jdbuilder.publishing import stamp

        # A posting deleted with its JD moves the publishing stamp.
        stamp.connect()


def ensure_groups_after_migrate(sender, **kwargs) -> None:
    # Imported when called: accounts imports the auth models, which cannot be imported while
    # apps.py itself loads (the app registry is not ready yet).
    from jdbuilder.accounts import ensure_groups

    ensure_groups(using=kwargs.get("using", "default"))
