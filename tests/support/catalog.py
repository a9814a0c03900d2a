"""The seed catalog in the test database: load it, see whether it is there, empty it."""

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from roles.models import Role

CATALOG_APP = "roles"


def load_seed_catalog() -> None:
    call_command("load_catalog", verbosity=0)


def catalog_is_loaded() -> bool:
    return Role.objects.exists()


def empty_catalog_tables() -> None:
    """Delete every row of the catalog app's tables (history and link tables too), without
    signals: as a fresh database has them. One transaction, as foreign keys are checked when it
    commits (never, inside a test's own transaction)."""
    tables = [
        model._meta.db_table
        for model in apps.get_app_config(CATALOG_APP).get_models(include_auto_created=True)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
