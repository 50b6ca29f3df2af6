"""Reference data of the method: the Mondo del Bambino triangle, the rating scale and the closure outcomes.
Editable afterwards in the admin; a new version of the triangle is a new Framework."""

from django.db import migrations

SIDES = [
    (
        1,
        "Di cosa ho bisogno per crescere",
        "Bisogni del bambino",
        [
            "Salute e crescita",
            "Emozioni, pensieri, comunicazione e comportamenti",
            "Identità e autostima",
            "Autonomia",
            "Relazioni familiari e sociali",
            "Apprendimento",
            "Gioco e tempo libero",
        ],
    ),
    (
        2,
        "Chi si prende cura di me",
        "Risposte delle figure genitoriali",
        [
            "Cura di base, sicurezza e protezione",
            "Calore, affetto e stabilità emotiva",
            "Guida, regole e valori",
            "Divertimento, stimoli e incoraggiamento",
            "Autorealizzazione delle figure genitoriali",
        ],
    ),
    (
        3,
        "Il luogo in cui vivo",
        "Famiglia e ambiente",
        [
            "Famiglia allargata",
            "Relazioni e sostegno sociale",
            "Lavoro e condizione economica",
            "Abitazione",
            "Partecipazione e inclusione sociale",
        ],
    ),
]
LEVELS = [
    (1, "Problema grave"),
    (2, "Problema"),
    (3, "Lieve problema"),
    (4, "Adeguato"),
    (5, "Buono"),
    (6, "Punto di forza"),
]
OUTCOMES = [
    ("A", "La famiglia prosegue senza sostegno intensivo"),
    ("B", "La famiglia prosegue con i servizi ordinari"),
    ("C", "È necessario un percorso di tutela"),
]


def load(apps, schema_editor):
    Framework = apps.get_model("families", "Framework")
    Side = apps.get_model("families", "Side")
    SubDimension = apps.get_model("families", "SubDimension")
    RatingLevel = apps.get_model("families", "RatingLevel")
    ClosureOutcome = apps.get_model("families", "ClosureOutcome")
    framework, _ = Framework.objects.get_or_create(
        version="2023", defaults={"name": "Il Mondo del Bambino", "is_current": True}
    )
    for number, title, short_title, subdimensions in SIDES:
        side, _ = Side.objects.get_or_create(
            framework=framework, number=number, defaults={"title": title, "short_title": short_title}
        )
        for order, name in enumerate(subdimensions, start=1):
            SubDimension.objects.get_or_create(side=side, order=order, defaults={"name": name})
    for value, label in LEVELS:
        RatingLevel.objects.get_or_create(value=value, defaults={"label": label})
    for code, label in OUTCOMES:
        ClosureOutcome.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
