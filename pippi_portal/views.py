"""Views that belong to no single app: the dashboard that gathers them all, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from equipes.models import Ambito, Equipe, Implementation, Project


@require_GET
def dashboard(request):
    """The home page: what the user's role needs first, inside the user's ambito."""
    user = request.user
    projects = (
        Project.objects.visible_to(user)
        .select_related("ambito")
        .prefetch_related(Prefetch("implementations", queryset=Implementation.objects.order_by("number")))
        .order_by("ambito__name", "-start_date")
    )
    equipes = (
        Equipe.objects.visible_to(user)
        .select_related("ambito")
        .annotate(member_count=Count("memberships"))
        .order_by("ambito__name", "name")
    )
    context = {
        "ambito": user.ambito,
        "projects": projects,
        "equipes": equipes,
        "ambiti": Ambito.objects.annotate(project_count=Count("projects")) if user.is_admin_role else None,
    }
    return render(request, "dashboard.html", context)


@login_not_required
@never_cache
@transaction.non_atomic_requests
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
