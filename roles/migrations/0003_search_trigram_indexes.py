"""Trigram indexes for role search: icontains on PostgreSQL is UPPER(col::text) LIKE '%q%'."""

from django.db import migrations

INDEXES = [
    ("roles_alternatetitle_title_upper_trgm", "roles_alternatetitle", "title"),
    ("roles_role_name_upper_trgm", "roles_role", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("roles", "0002_unique_onet_code")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
