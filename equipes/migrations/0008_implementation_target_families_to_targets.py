"""An implementation's "famiglie target" becomes its project's target of families included per implementation
(a `ProjectTarget`, issue 13 §2), and the field goes.

A project keeps the target it already has (the Ufficio di Piano or the demo wrote it from the document); one
without gets it from its implementations' values. A target has one minimum for every implementation: where the
values differ the lowest is the minimum (every implementation committed to at least that many) and the note keeps
each value. Going back, every implementation takes the minimum of its project's target (10, the old default,
where there is none); the targets stay.
"""

from django.db import migrations

FAMILIES, PER_IMPLEMENTATION = "famiglie_incluse", "implementazione"


def targets_from_implementations(apps, schema_editor):
    Implementation = apps.get_model("equipes", "Implementation")
    ProjectTarget = apps.get_model("equipes", "ProjectTarget")
    values: dict[int, list[tuple[int, int]]] = {}
    rows = Implementation.objects.exclude(target_families__isnull=True).order_by("project_id", "number")
    for project_id, number, families in rows.values_list("project_id", "number", "target_families"):
        values.setdefault(project_id, []).append((number, families))
    present = set(
        ProjectTarget.objects.filter(kind=FAMILIES, scope=PER_IMPLEMENTATION).values_list("project_id", flat=True)
    )
    targets = []
    for project_id, numbers in values.items():
        if project_id in present:
            continue
        minimum = min(families for _number, families in numbers)
        note = "Dalle «famiglie target» delle implementazioni."
        if len({families for _number, families in numbers}) > 1:
            each = "; ".join(f"P.I.P.P.I. {number}: {families}" for number, families in numbers)
            note = f"Dalle «famiglie target» delle implementazioni, che erano diverse ({each}): vale la più bassa."
        targets.append(
            ProjectTarget(project_id=project_id, kind=FAMILIES, scope=PER_IMPLEMENTATION, minimum=minimum, note=note)
        )
    ProjectTarget.objects.bulk_create(targets)


def implementations_from_targets(apps, schema_editor):
    Implementation = apps.get_model("equipes", "Implementation")
    ProjectTarget = apps.get_model("equipes", "ProjectTarget")
    targets = ProjectTarget.objects.filter(kind=FAMILIES, scope=PER_IMPLEMENTATION)
    for project_id, minimum in targets.values_list("project_id", "minimum"):
        # The old field was a small integer.
        Implementation.objects.filter(project_id=project_id).update(target_families=min(minimum, 32767))


class Migration(migrations.Migration):
    dependencies = [
        ("equipes", "0007_project_lifecycle"),
    ]

    operations = [
        migrations.RunPython(targets_from_implementations, implementations_from_targets),
        migrations.RemoveConstraint(
            model_name="implementation",
            name="implementation_target_positive",
        ),
        migrations.RemoveField(
            model_name="implementation",
            name="target_families",
        ),
    ]
