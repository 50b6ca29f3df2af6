"""Existing groups get the implementation they belong to: among the implementations of the group's project (or,
for a group without a project, of the projects its ambito leads or joins), the one running on the group's
start date; failing that the last one started before it; failing that the first one. A group without a project
takes the chosen implementation's project."""

from django.db import migrations


def _choose(implementations, day):
    running = [i for i in implementations if i.start_date <= day <= i.end_date]
    if running:
        return running[0]
    started = [i for i in implementations if i.start_date <= day]
    if started:
        return started[-1]
    return implementations[0] if implementations else None


def set_group_implementation(apps, schema_editor):
    Group = apps.get_model("interventions", "Group")
    Implementation = apps.get_model("equipes", "Implementation")
    from django.db.models import Q

    for group in Group.objects.filter(implementation__isnull=True).order_by("pk"):
        if group.project_id:
            candidates = Implementation.objects.filter(project_id=group.project_id)
        else:
            candidates = Implementation.objects.filter(
                Q(project__ambito_id=group.ambito_id) | Q(project__associated_ambiti=group.ambito_id)
            ).distinct()
        chosen = _choose(list(candidates.order_by("start_date", "number")), group.start_date)
        if chosen is None:
            continue
        group.implementation_id = chosen.pk
        group.project_id = group.project_id or chosen.project_id
        group.save(update_fields=["implementation", "project"])


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0004_group_implementation"),
        ("equipes", "0003_project_associated_ambiti"),
    ]

    operations = [migrations.RunPython(set_group_implementation, migrations.RunPython.noop)]
