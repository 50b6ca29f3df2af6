"""AnonymisationLog moves here from pippi_portal (whose 0003 drops it from its state). Only Django's state
changes: the model keeps its table, `pippi_portal_anonymisationlog`, with its rows and the application
role's grants (append-only). The content type moves with it, so permissions given on the model are kept."""

import django.db.models.deletion
from django.db import migrations, models


def _rename_content_type(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="anonymisationlog").exists():
        ContentType.objects.filter(app_label=source, model="anonymisationlog").update(app_label=target)


def move_content_type(apps, schema_editor):
    _rename_content_type(apps, "pippi_portal", "families")


def move_content_type_back(apps, schema_editor):
    _rename_content_type(apps, "families", "pippi_portal")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("families", "0002_reference_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AnonymisationLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("family_code", models.CharField(max_length=20, verbose_name="codice famiglia")),
                        ("ended_state", models.CharField(max_length=20, verbose_name="stato finale")),
                        ("ended_on", models.DateField(verbose_name="percorso terminato il")),
                        ("anonymised_at", models.DateTimeField(auto_now_add=True, verbose_name="anonimizzata il")),
                        (
                            "performed_by",
                            models.CharField(default="system", max_length=150, verbose_name="eseguita da"),
                        ),
                        ("counts", models.JSONField(default=dict, verbose_name="dati cancellati")),
                        (
                            "family",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="families.family",
                                verbose_name="famiglia",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "anonimizzazione",
                        "verbose_name_plural": "registro delle anonimizzazioni",
                        "db_table": "pippi_portal_anonymisationlog",
                        "ordering": ["-anonymised_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
