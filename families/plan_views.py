"""Pages of a family's assessments (T0/T1/T2, SDQ) and of its Progetto Quadro: versions, objectives, actions,
verifications and comments. Same shape as `views`: fetch through `get_family_for`, check the role, call one
service or form, render through `family_page`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pippi_portal.idempotency import once_per_submission

from . import charts, services
from .forms import (
    ActionForm,
    AssessmentForm,
    ObjectiveForm,
    PlanCommentForm,
    PlanForm,
    PlanReviseForm,
    PlanShareForm,
    SDQForm,
    VerificationForm,
)
from .models import AccessLog, Assessment, Family, ProgettoQuadro, SDQScore, TimePoint
from .pseudonymisation import member_labels
from .selectors import current_plan, get_family_for, get_objective_for, get_plan_for
from .views import family_page, form_page, require_perm

# --- Assessments and SDQ ------------------------------------------------------------------------------------


@require_GET
def assessments(request, pk: int):
    user = request.user
    family = get_family_for(user, pk)
    by_time_point = {a.time_point: a for a in family.assessments.all()}
    ratings = charts.ratings_by_side(family)
    sdq = SDQScore.objects.filter(member__family=family).select_related("member").order_by("member", "time_point")
    labels = member_labels(user, family)
    return family_page(
        request,
        "families/assessments.html",
        family,
        {
            "time_points": [(tp, by_time_point.get(tp)) for tp in TimePoint.values],
            "chart": charts.side_chart_svg(ratings),
            "ratings": ratings,
            "sdq": [(labels.get(s.member_id, "—"), s) for s in sdq],
            "can_read_work": user.has_perm("families.read_work", family),
        },
    )


def reads_only(request, family: Family) -> bool:
    """Whether a page that records the family's work (an assessment, a verification) is shown read-only: a GET
    by a role that worked on the family, once its path has ended. Anything else needs the right to contribute
    (the refusal says when it is the ended path that stands in the way)."""
    user = request.user
    if request.method == "GET" and not user.has_perm("families.contribute", family):
        require_perm(user, "families.read_work", family)
        return True
    require_perm(user, "families.contribute", family)
    return False


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk: int, time_point: str):
    family = get_family_for(request.user, pk)
    if time_point not in TimePoint.values:
        raise Http404
    read_only = reads_only(request, family)
    assessment = Assessment.objects.filter(family=family, time_point=time_point).first()
    if read_only and assessment is None:
        raise Http404
    form = AssessmentForm(request.POST or None, family=family, time_point=time_point, assessment=assessment)
    if read_only:
        for field in form.fields.values():
            field.disabled = True
    if form.is_valid():
        saved = services.assessment_save(
            family=family,
            time_point=time_point,
            date=form.cleaned_data["date"],
            ratings=form.ratings(),
            framework=form.framework,
            by=request.user,
        )
        if saved.is_complete:
            messages.success(request, _("Valutazione %(tp)s completa.") % {"tp": time_point})
        else:
            messages.warning(
                request, _("Valutazione %(tp)s salvata: restano sottodimensioni da valutare.") % {"tp": time_point}
            )
        return redirect("families:assessments", pk=family.pk)
    return family_page(
        request,
        "families/assessment_form.html",
        family,
        {"form": form, "time_point": time_point, "assessment": assessment, "read_only": read_only},
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def sdq_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    form = SDQForm(request.POST or None, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Punteggi SDQ registrati."))
        return redirect("families:assessments", pk=family.pk)
    return form_page(request, family, form, _("Punteggi SDQ"), reverse("families:assessments", args=[family.pk]))


# --- Progetto Quadro -----------------------------------------------------------------------------------------


def _plan_context(request, family: Family, plan: ProgettoQuadro) -> dict:
    labels = member_labels(request.user, family)
    objectives = (
        plan.objectives.select_related("subdimension__side")
        # `interventions` is the reverse relation of the interventions app's Intervention.actions, `groups` that
        # of its Group.objectives.
        .prefetch_related("actions__responsible_user", "actions__interventions__type", "verifications", "groups")
        .order_by("subdimension__side__number", "subdimension__order", "pk")
    )
    sides: dict[int, dict] = {}
    for objective in objectives:
        side = objective.subdimension.side
        entry = sides.setdefault(side.number, {"side": side, "objectives": []})
        actions = [
            {
                "action": action,
                "who": str(action.responsible_user)
                if action.responsible_user_id
                else labels.get(action.responsible_member_id)
                if action.responsible_member_id
                else (action.responsible_other if request.user.sees_identities else _("Risorsa informale")),
                "interventions": [str(intervention.type) for intervention in action.interventions.all()],
            }
            for action in objective.actions.all()
        ]
        verifications = {v.time_point: v for v in objective.verifications.all()}
        groups = [str(group) for group in objective.groups.all()]
        entry["objectives"].append(
            {"objective": objective, "actions": actions, "verifications": verifications, "groups": groups}
        )
    return {
        "plan": plan,
        "sides": [sides[number] for number in sorted(sides)],
        "versions": family.plans.order_by("-version").values("version", "date", "superseded_at"),
        "comments": plan.comments.select_related("author"),
    }


@require_GET
def plan_detail(request, pk: int):
    family = get_family_for(request.user, pk)
    version = request.GET.get("versione")
    plan = current_plan(family)
    if version:
        if not version.isdigit():
            raise Http404
        plan = get_plan_for(family, int(version))
    if plan is None:
        return family_page(
            request,
            "families/plan_empty.html",
            family,
            {"form": PlanForm() if request.user.has_perm("families.contribute", family) else None},
        )
    context = _plan_context(request, family, plan)
    context.update(
        {
            "share_form": PlanShareForm(plan=plan),
            "comment_form": PlanCommentForm() if request.user.has_perm("families.comment_plan") else None,
            "editable": plan.is_current and request.user.has_perm("families.contribute", family),
        }
    )
    return family_page(request, "families/plan_detail.html", family, context)


@require_GET
def plan_print(request, pk: int):
    family = get_family_for(request.user, pk)
    plan = get_plan_for(family)
    context = _plan_context(request, family, plan)
    # The printed plan carries the funding line of the family's project (the EU emblem for a PNRR project).
    context["project"] = family.implementation.project if family.implementation_id else None
    return family_page(request, "families/plan_print.html", family, context, AccessLog.Action.PRINT)


@require_POST
@once_per_submission
def plan_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_create(
                family=family, date=form.cleaned_data["date"], general_aims=form.cleaned_data["general_aims"]
            )
        except services.TransitionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Progetto Quadro creato."))
        return redirect("families:plan", pk=family.pk)
    return family_page(request, "families/plan_empty.html", family, {"form": form})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    plan = get_plan_for(family)
    form = PlanForm(request.POST or None, instance=plan)
    if form.is_valid():
        form.save()
        messages.success(request, _("Progetto Quadro aggiornato."))
        return redirect("families:plan", pk=family.pk)
    return form_page(request, family, form, _("Progetto Quadro"), reverse("families:plan", args=[family.pk]))


@require_POST
def plan_share(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    plan = get_plan_for(family)
    form = PlanShareForm(request.POST, plan=plan)
    if form.is_valid():
        plan.shared_with_family = True
        plan.shared_on = form.cleaned_data["shared_on"]
        plan.save(update_fields=["shared_with_family", "shared_on"])
        messages.success(request, _("Condivisione con la famiglia registrata."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("families:plan", pk=family.pk)


@require_http_methods(["GET", "POST"])
def plan_revise(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    plan = get_plan_for(family)
    form = PlanReviseForm(request.POST or None, plan=plan)
    if form.is_valid():
        new = services.plan_revise(plan=plan, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"])
        messages.success(request, _("Nuova versione %(v)d del Progetto Quadro.") % {"v": new.version})
        return redirect("families:plan", pk=family.pk)
    return form_page(
        request, family, form, _("Revisione del Progetto Quadro"), reverse("families:plan", args=[family.pk])
    )


@require_POST
@once_per_submission
def plan_comment(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.comment_plan")
    plan = get_plan_for(family)
    form = PlanCommentForm(request.POST)
    if form.is_valid():
        comment = form.save(commit=False)
        comment.plan, comment.author = plan, request.user
        comment.save()
        messages.success(request, _("Commento aggiunto."))
    else:
        messages.error(request, _("Scrivi il testo del commento."))
    return redirect("families:plan", pk=family.pk)


@require_http_methods(["GET", "POST"])
@once_per_submission
def objective_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    plan = get_plan_for(family)
    form = ObjectiveForm(request.POST or None, plan=plan)
    if form.is_valid():
        form.save()
        messages.success(request, _("Obiettivo aggiunto."))
        return redirect("families:plan", pk=family.pk)
    return form_page(request, family, form, _("Nuovo obiettivo"), reverse("families:plan", args=[family.pk]))


@require_http_methods(["GET", "POST"])
def objective_edit(request, pk: int, objective_pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    objective = get_objective_for(family, objective_pk)
    form = ObjectiveForm(request.POST or None, instance=objective, plan=objective.plan)
    if form.is_valid():
        form.save()
        messages.success(request, _("Obiettivo aggiornato."))
        return redirect("families:plan", pk=family.pk)
    return form_page(request, family, form, _("Modifica obiettivo"), reverse("families:plan", args=[family.pk]))


@require_http_methods(["GET", "POST"])
@once_per_submission
def action_create(request, pk: int, objective_pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    objective = get_objective_for(family, objective_pk)
    form = ActionForm(request.POST or None, objective=objective, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Azione aggiunta."))
        return redirect("families:plan", pk=family.pk)
    return form_page(
        request,
        family,
        form,
        _("Nuova azione per: %(o)s") % {"o": objective},
        reverse("families:plan", args=[family.pk]),
    )


@require_http_methods(["GET", "POST"])
def verification_edit(request, pk: int, objective_pk: int, time_point: str):
    family = get_family_for(request.user, pk)
    read_only = reads_only(request, family)
    if time_point not in (TimePoint.T1, TimePoint.T2):
        raise Http404
    objective = get_objective_for(family, objective_pk)
    existing = objective.verifications.filter(time_point=time_point).first()
    if read_only and existing is None:
        raise Http404
    initial = {"date": existing.date, "outcome": existing.outcome, "notes": existing.notes} if existing else None
    form = VerificationForm(request.POST or None, initial=initial, family=family, time_point=time_point)
    if form.is_valid():
        services.verification_save(objective=objective, time_point=time_point, **form.cleaned_data)
        messages.success(request, _("Verifica %(tp)s registrata.") % {"tp": time_point})
        return redirect("families:plan", pk=family.pk)
    return form_page(
        request,
        family,
        form,
        _("Verifica %(tp)s: %(o)s") % {"tp": time_point, "o": objective},
        reverse("families:plan", args=[family.pk]),
        read_only=read_only,
    )
