"""Each revision stores how many skills it requires (derived from its snapshot, as its quality is),
so the insights average it in the database. Existing revisions are counted from their snapshots."""

from django.db import migrations, models

BATCH = 500


def count_required_skills(apps, schema_editor):
    Revision = apps.get_model("jdbuilder", "JobDescriptionRevision")
    last = 0
    while True:
        rows = list(
            Revision.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "snapshot")[:BATCH]
        )
        if not rows:
            return
        changed = []
        for pk, snapshot in rows:
            skills = (snapshot or {}).get("skills") or []
            count = sum(
                1 for s in skills if isinstance(s, dict) and s.get("importance") == "required"
            )
            if count:
                changed.append(Revision(pk=pk, required_skills=count))
        Revision.objects.bulk_update(changed, ["required_skills"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("jdbuilder", "0011_publishing"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobdescriptionrevision",
            name="required_skills",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, help_text="How many skills the revision requires."
            ),
        ),
        migrations.RunPython(count_required_skills, migrations.RunPython.noop, elidable=True),
    ]
