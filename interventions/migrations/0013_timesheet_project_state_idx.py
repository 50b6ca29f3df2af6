from django.db import migrations, models

from pippi_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # An index built CONCURRENTLY cannot run inside a transaction: the timesheets stay writable meanwhile.
    atomic = False

    dependencies = [
        ("interventions", "0012_italian_verbose_names"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="timesheet",
            index=models.Index(fields=["project", "state", "month"], name="timesheet_project_state_idx"),
        ),
    ]
