"""The home page (the URL named `dashboard`, at "/"). It gathers what every app has to say to the user's role,
so it lives in the app that may import all the others."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from equipes.models import Ambito, Equipe, Implementation, Project, Role
from families.models import ACTIVE_STATES, Family, State
from families.selectors import implementation_stats
from interventions.selectors import sedt_flagged_families

from .pending import pending_work
from .targets import project_target_progress


@require_GET
def dashboard(request):
    """The home page: what the user's role needs first, inside the user's ambito."""
    user = request.user
    projects = list(
        Project.objects.visible_to(user)
        .select_related("ambito")
        .prefetch_related(Prefetch("implementations", queryset=Implementation.objects.order_by("number")))
        .order_by("ambito__name", "-start_date")
    )
    # The targets' progress, for the roles that follow the programme as a whole.
    show_targets = user.role in (Role.UFFICIO_PIANO, Role.COORDINATORE) or user.is_admin_role
    if show_targets:
        progress = project_target_progress(projects)
        for project in projects:
            project.target_progress = progress.get(project.pk, [])
    equipes = (
        Equipe.objects.visible_to(user)
        .select_related("ambito")
        .annotate(member_count=Count("memberships"))
        .order_by("ambito__name", "name")
    )
    context = {
        "ambito": user.ambito,
        "projects": projects,
        "show_targets": show_targets,
        "equipes": equipes,
        "ambiti": Ambito.objects.annotate(project_count=Count("projects")) if user.is_admin_role else None,
    }
    if user.role != Role.REFERENTE_ENTE:
        context.update(_family_sections(user))
    context["pending"] = pending_work(user, deadlines=context.get("deadlines"), today=timezone.localdate())
    return render(request, "reporting/dashboard.html", context)


def _family_sections(user) -> dict:
    """My caseload, the deadlines (T1/T2 overdue or due within the project's window, 30 days unless it says
    otherwise: a case manager's own families, every visible family for the other roles) and the method's
    warnings."""
    visible = Family.objects.visible_to(user).select_related("comune", "implementation", "case_manager")
    caseload = None
    # A case manager's deadlines are those of its own families; the other roles see those of every family they may.
    followed = visible.filter(case_manager=user) if user.role == Role.CASE_MANAGER else visible
    if user.role in (Role.CASE_MANAGER, Role.OPERATORE):
        caseload = followed.filter(state__in=[*ACTIVE_STATES, State.SOSPESA]).with_due_dates().order_by("code")
    deadlines = list(followed.due_within().order_by("next_due"))
    warnings = []
    if user.role in (Role.UFFICIO_PIANO, Role.COORDINATORE) or user.is_admin_role:
        implementations = Implementation.objects.visible_to(user).select_related("project")
        warnings = [w for stats in implementation_stats(list(implementations)) for w in stats.warnings]
    sedt = sedt_flagged_families(Family.objects.visible_to(user)) if user.role != Role.OPERATORE else []
    return {"caseload": caseload, "deadlines": deadlines, "family_warnings": warnings, "sedt_flags": sedt}
