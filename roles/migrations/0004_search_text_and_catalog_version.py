"""Role search reads one stored, folded text per role (RoleSearchText); the catalog's version.

On PostgreSQL, a trigram index on the text serves `LIKE '%q%'` (bulk rebuilds merge its pending
list at once: RoleSearchTextManager.rebuild, so a search right after an import, before any
VACUUM, finds the index cheap to use). The trigram indexes
of 0003 (on UPPER(name) and UPPER(title), for icontains) are no longer read, so they go.
"""

import django.db.models.deletion
from django.db import migrations, models

from roles.search import search_text_of

SEARCH_INDEX = "roles_rolesearchtext_text_trgm"
OLD_INDEXES = [
    ("roles_alternatetitle_title_upper_trgm", "roles_alternatetitle", "title"),
    ("roles_role_name_upper_trgm", "roles_role", "name"),
]


def fill_search_texts(apps, schema_editor):
    Role = apps.get_model("roles", "Role")
    AlternateTitle = apps.get_model("roles", "AlternateTitle")
    RoleSearchText = apps.get_model("roles", "RoleSearchText")
    titles = {}
    for role_id, title in AlternateTitle.objects.order_by("pk").values_list("role_id", "title"):
        titles.setdefault(role_id, []).append(title)
    RoleSearchText.objects.bulk_create(
        [
            RoleSearchText(role_id=pk, text=search_text_of(name, titles.get(pk, [])))
            for pk, name in Role.objects.values_list("pk", "name")
        ],
        batch_size=500,
    )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON roles_rolesearchtext "
        "USING gin (text gin_trgm_ops)"
    )
    for name, _table, _column in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
    for name, table, column in OLD_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("roles", "0003_search_trigram_indexes")]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="RoleSearchText",
            fields=[
                (
                    "role",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_text",
                        serialize=False,
                        to="roles.role",
                    ),
                ),
                ("text", models.TextField()),
            ],
        ),
        migrations.RunPython(fill_search_texts, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
