from django.db import migrations, models

from pippi_portal.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # An index built CONCURRENTLY cannot run inside a transaction: the time entries stay writable meanwhile.
    atomic = False

    dependencies = [
        ("interventions", "0013_timesheet_project_state_idx"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="timeentry",
            index=models.Index(
                fields=["timesheet"],
                include=["eligible", "minutes", "intervention", "user", "date"],
                name="time_entry_timesheet_sums_idx",
            ),
        ),
    ]
