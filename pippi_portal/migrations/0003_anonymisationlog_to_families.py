"""AnonymisationLog moves to the families app (families.0003). Only Django's state changes: the table
`pippi_portal_anonymisationlog`, its rows and the grants on it stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pippi_portal", "0002_security_records"),
        ("families", "0003_anonymisationlog"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AnonymisationLog")],
            database_operations=[],
        ),
    ]
