"""The progress of a project's targets, as a page and as the fragment the project page loads (the project page
lives in `equipes`, which may not read the other apps' figures)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from equipes.selectors import get_project_for

from .targets import project_target_progress


@require_GET
def project_targets(request, pk: int):
    """Every role that sees the project sees its targets' progress: counts and shares, no family."""
    project = get_project_for(request.user, pk)
    targets = project_target_progress([project])[project.pk]
    template = "reporting/project_targets.html#progress" if request.htmx else "reporting/project_targets.html"
    return render(request, template, {"project": project, "targets": targets})
