"""The page where the Ufficio di Piano carries the families still on their path from a concluded project into
the project that follows it (issue 13 §5). It lives in reporting because the passage waits for the concluded
project's final report: its figures are frozen before its families leave."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from equipes.models import Implementation, Project
from equipes.selectors import get_project_for
from families.services import TransitionRefused, families_to_take_over
from pippi_portal.shortcuts import require_perm

from . import services
from .models import FINAL_REPORT_LABEL, ReportRun


class TakeoverForm(forms.Form):
    implementation = forms.ModelChoiceField(
        label=gettext_lazy("Implementazione del nuovo progetto"), queryset=Implementation.objects.none()
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementation"].queryset = project.implementations.order_by("number")
        first = self.fields["implementation"].queryset.first()
        if first is not None:
            self.initial.setdefault("implementation", first.pk)


@require_http_methods(["GET", "POST"])
def project_takeover(request, pk: int):
    """`pk` is the follow-on project. GET lists the families of the predecessor that would move; POST moves
    them into the chosen implementation, keeping their history. A second submission moves nobody: the
    families have left the predecessor."""
    project = get_project_for(request.user, pk)
    require_perm(request.user, "equipes.change_project", project)
    predecessor = project.predecessor
    form = TakeoverForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.project_take_over_families(
                implementation=form.cleaned_data["implementation"], by=request.user
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("%(n)d famiglie passate al progetto con la loro storia.") % {"n": len(moved)})
            return redirect(project)
    families = (
        families_to_take_over(predecessor).select_related("implementation").order_by("code")
        if predecessor is not None
        else []
    )
    return render(
        request,
        "reporting/project_takeover.html",
        {
            "project": project,
            "predecessor": predecessor,
            "families": families,
            "form": form,
            "final_reports": ReportRun.objects.filter(
                project=predecessor, kind=ReportRun.Kind.FINAL, label=FINAL_REPORT_LABEL
            ).order_by("-version")
            if predecessor is not None
            else [],
        },
    )
