"""One store per draft fact, and a pointer to the latest revision.

`wizard_state` (formtools' storage: the current step again, and every step's posted data beside
its cleaned choices) becomes `pending_input`: only what was typed and not yet saved, by step.
Every step's posted data is kept there, so nothing typed is lost; a step that had posted data
counts as saved (`choices["saved_steps"]`), as formtools counted it. `latest_revision` points at
each JD's newest revision, set at finalizing from now on.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    JobDescription = apps.get_model("jdbuilder", "JobDescription")
    Revision = apps.get_model("jdbuilder", "JobDescriptionRevision")
    newest = Revision.objects.filter(job_description=OuterRef("pk")).order_by("-number")
    JobDescription.objects.update(latest_revision=Subquery(newest.values("pk")[:1]))
    for jd in JobDescription.objects.only("pending_input", "choices").iterator():
        step_data = (jd.pending_input or {}).get("step_data") or {}
        jd.pending_input = {step: data for step, data in step_data.items() if data}
        jd.choices = {**(jd.choices or {}), "saved_steps": sorted(step_data)}
        jd.save(update_fields=["pending_input", "choices"])


def backwards(apps, schema_editor):
    JobDescription = apps.get_model("jdbuilder", "JobDescription")
    for jd in JobDescription.objects.all().iterator():
        choices = dict(jd.choices or {})
        choices.pop("saved_steps", None)
        # formtools knew a saved step only by its posted data, which is no longer kept: the
        # old wizard asks again for the steps that have none before finalizing.
        jd.pending_input = {
            "step": jd.current_step or None,
            "step_data": jd.pending_input or {},
            "step_files": {},
            "extra_data": {},
        }
        jd.choices = choices
        jd.save(update_fields=["pending_input", "choices"])


class Migration(migrations.Migration):
    dependencies = [
        ("jdbuilder", "0003_quality_summaries"),
    ]

    operations = [
        migrations.RenameField(
            model_name="jobdescription",
            old_name="wizard_state",
            new_name="pending_input",
        ),
        migrations.AddField(
            model_name="jobdescription",
            name="latest_revision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="jdbuilder.jobdescriptionrevision",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
