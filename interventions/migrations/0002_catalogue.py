"""The shared catalogue of devices (dispositivi) of the programme and of the child-protection services an
ambito commonly adds. Editable afterwards in the admin; ambiti add their own types."""

from django.db import migrations

CATALOGUE = [
    # code, name, category, profile, is a P.I.P.P.I. device
    ("sedt", "Educativa domiciliare e territoriale (SEDT)", "individuale", "educatore", True),
    ("gruppo_genitori", "Gruppo genitori", "gruppo", "educatore", True),
    ("gruppo_bambini", "Gruppo bambini", "gruppo", "educatore", True),
    ("gruppo_genitori_bambini", "Gruppo genitori e bambini", "gruppo", "educatore", True),
    ("vicinanza_solidale", "Vicinanza solidale (famiglie d'appoggio)", "comunita", "educatore", True),
    ("partenariato_scuola", "Partenariato scuola-famiglia-servizi", "comunita", "pedagogista", True),
    ("psicologico", "Sostegno psicologico", "individuale", "psicologo", True),
    ("pedagogico", "Consulenza pedagogica", "individuale", "pedagogista", True),
    ("mediazione_culturale", "Mediazione culturale", "individuale", "mediatore_culturale", True),
    ("formazione_genitorialita", "Momenti formativi sulla genitorialità", "comunita", "psicologo", True),
    ("centro_diurno", "Centro diurno", "individuale", "educatore", False),
    ("sostegno_economico", "Sostegno economico", "individuale", "assistente_sociale", False),
    ("spazio_neutro", "Spazio neutro", "individuale", "educatore", False),
    ("affido", "Affido familiare", "individuale", "assistente_sociale", False),
]


def load(apps, schema_editor):
    InterventionType = apps.get_model("interventions", "InterventionType")
    for code, name, category, profile, is_pippi_device in CATALOGUE:
        InterventionType.objects.get_or_create(
            ambito=None,
            code=code,
            defaults={"name": name, "category": category, "profile": profile, "is_pippi_device": is_pippi_device},
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
