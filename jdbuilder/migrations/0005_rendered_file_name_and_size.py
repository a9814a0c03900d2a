"""Keep each stored file's download name and size with it, so a stored PDF is served without
building its revision's Document; existing rows get theirs from their revision's snapshot."""

from django.db import migrations, models


def fill_names_and_sizes(apps, schema_editor):
    # The name is made exactly as a download makes it: the revision's Document (read from its
    # frozen snapshot, which never changes) and the format's naming rule. Imported here: only
    # this step of the migration needs them.
    from jdbuilder.documents.formats import FORMATS
    from jdbuilder.snapshots import read_snapshot

    rendered_file = apps.get_model("jdbuilder", "RenderedFile")
    rows = rendered_file.objects.select_related("revision").order_by("pk")
    for row in rows.iterator(chunk_size=200):
        export_format = FORMATS.get(row.format)
        if export_format is not None:
            revision = row.revision
            document = read_snapshot(revision.snapshot, date_posted=revision.finalized_at.date())
            row.filename = export_format.filename(document)
        row.size = len(row.content)
        row.save(update_fields=["filename", "size"])


class Migration(migrations.Migration):
    dependencies = [("jdbuilder", "0004_one_store_per_draft_fact")]

    operations = [
        migrations.AddField(
            model_name="renderedfile",
            name="filename",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="renderedfile",
            name="size",
            field=models.PositiveIntegerField(default=0, help_text="len(content), in bytes."),
        ),
        migrations.RunPython(fill_names_and_sizes, migrations.RunPython.noop, elidable=True),
    ]
