"""A user's organisation must be in the user's ambito: a composite foreign key, which Django cannot declare."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("equipes", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=(
                "ALTER TABLE equipes_user ADD CONSTRAINT user_organisation_in_ambito "
                "FOREIGN KEY (organisation_id, ambito_id) REFERENCES equipes_organisation (id, ambito_id)"
            ),
            reverse_sql="ALTER TABLE equipes_user DROP CONSTRAINT user_organisation_in_ambito",
        ),
    ]
