"""Pages of the organisation: projects, implementations, équipes, staff register, profile, governance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Sum
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pippi_portal.idempotency import once_per_submission
from pippi_portal.shortcuts import paginate, require_perm
from pippi_portal.uploads import protected_file_response

from . import national_comuni, services
from .forms import (
    FollowOnProjectForm,
    GovernanceMeetingForm,
    ImplementationForm,
    ProfileForm,
    ProjectConcludeForm,
    ProjectForm,
    ProjectTargetForm,
    StaffCvForm,
    StaffTrainingForm,
)
from .models import Equipe, EquipeMembership, GovernanceMeeting, StaffTraining, User
from .selectors import (
    get_equipe_for,
    get_implementation_for,
    get_project_for,
    get_staff_member_for,
    get_target_for,
    get_training_for,
)


@require_GET
def project_detail(request, pk: int):
    project = get_project_for(request.user, pk)
    implementations = project.implementations.order_by("number")
    return render(
        request,
        "equipes/project_detail.html",
        {
            "project": project,
            "implementations": implementations,
            "partners": project.partners.all(),
            "associated_ambiti": project.associated_ambiti.order_by("name"),
            "targets": project.targets.order_by("kind", "scope"),
            "successor": project.successors.first(),
            "can_change": request.user.has_perm("equipes.change_project", project),
            "can_change_targets": request.user.has_perm("equipes.change_projecttarget", project),
        },
    )


@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = get_project_for(request.user, pk)
    require_perm(request.user, "equipes.change_project", project)
    form = ProjectForm(request.POST or None, instance=project)
    if form.is_valid():
        form.save()
        messages.success(request, _("Progetto aggiornato."))
        return redirect(project)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Modifica progetto"), "cancel_url": project.get_absolute_url()},
    )


@require_http_methods(["GET", "POST"])
def project_conclude(request, pk: int):
    """The Ufficio di Piano concludes the project on its last day."""
    project = get_project_for(request.user, pk)
    require_perm(request.user, "equipes.change_project", project)
    if project.is_concluded:
        messages.info(request, _("Il progetto è già concluso."))
        return redirect(project)
    form = ProjectConcludeForm(request.POST or None, project=project)
    if form.is_valid():
        try:
            services.project_conclude(project=project, on=form.cleaned_data["concluded_on"], by=request.user)
        except services.ProjectRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Progetto concluso: non prende più nuove famiglie né ore successive."))
            return redirect(project)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Concludi il progetto"), "cancel_url": project.get_absolute_url()},
    )


@require_http_methods(["GET", "POST"])
def project_follow_on(request, pk: int):
    """The Ufficio di Piano starts the project that follows this one, with its first implementation. A
    second submission is refused: a project has one follow-on."""
    predecessor = get_project_for(request.user, pk)
    require_perm(request.user, "equipes.change_project", predecessor)
    form = FollowOnProjectForm(request.POST or None, predecessor=predecessor)
    if form.is_valid():
        try:
            project = services.project_start_follow_on(predecessor=predecessor, by=request.user, **form.cleaned_data)
        except services.ProjectRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Progetto successivo avviato."))
            return redirect(project)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Avvia il progetto successivo"), "cancel_url": predecessor.get_absolute_url()},
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def implementation_create(request, project_pk: int):
    project = get_project_for(request.user, project_pk)
    require_perm(request.user, "equipes.add_implementation", project)
    form = ImplementationForm(request.POST or None, project=project)
    if form.is_valid():
        form.save()
        messages.success(request, _("Implementazione aggiunta."))
        return redirect(project)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Nuova implementazione"), "cancel_url": project.get_absolute_url()},
    )


@require_http_methods(["GET", "POST"])
def implementation_edit(request, pk: int):
    implementation = get_implementation_for(request.user, pk)
    require_perm(request.user, "equipes.change_implementation", implementation)
    form = ImplementationForm(request.POST or None, instance=implementation, project=implementation.project)
    if form.is_valid():
        form.save()
        messages.success(request, _("Implementazione aggiornata."))
        return redirect(implementation.project)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Modifica %(name)s") % {"name": implementation},
            "cancel_url": implementation.project.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def target_create(request, project_pk: int):
    project = get_project_for(request.user, project_pk)
    require_perm(request.user, "equipes.add_projecttarget", project)
    form = ProjectTargetForm(request.POST or None, project=project)
    if form.is_valid():
        form.save()
        messages.success(request, _("Obiettivo aggiunto."))
        return redirect(project)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Nuovo obiettivo del progetto"), "cancel_url": project.get_absolute_url()},
    )


@require_http_methods(["GET", "POST"])
def target_edit(request, pk: int):
    target = get_target_for(request.user, pk)
    require_perm(request.user, "equipes.change_projecttarget", target)
    form = ProjectTargetForm(request.POST or None, instance=target, project=target.project)
    if form.is_valid():
        form.save()
        messages.success(request, _("Obiettivo aggiornato."))
        return redirect(target.project)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Modifica obiettivo: %(name)s") % {"name": target.get_kind_display()},
            "cancel_url": target.project.get_absolute_url(),
        },
    )


@require_POST
def target_delete(request, pk: int):
    target = get_target_for(request.user, pk)
    require_perm(request.user, "equipes.delete_projecttarget", target)
    project = target.project
    target.delete()
    messages.success(request, _("Obiettivo eliminato."))
    return redirect(project)


@require_GET
def equipe_list(request):
    equipes = (
        Equipe.objects.visible_to(request.user)
        .select_related("ambito")
        .prefetch_related("comuni")
        .annotate(member_count=Count("memberships"))
        .order_by("ambito__name", "name")
    )
    page = paginate(request, equipes, request.GET.get("page"))
    return render(request, "equipes/equipe_list.html", {"page": page})


@require_GET
def equipe_detail(request, pk: int):
    equipe = get_equipe_for(request.user, pk)
    memberships = equipe.memberships.select_related("user__organisation").order_by(
        "user__last_name", "user__first_name"
    )
    return render(
        request,
        "equipes/equipe_detail.html",
        {"equipe": equipe, "memberships": memberships, "comuni": equipe.comuni.all()},
    )


@require_GET
def staff_list(request):
    require_perm(request.user, "equipes.view_staff_register")
    staff = (
        User.objects.staff_register_for(request.user)
        .filter(is_superuser=False)
        .select_related("organisation", "ambito")
        .annotate(training_count=Count("trainings"), training_hours=Sum("trainings__hours"))
        .with_programme_mooc()
        .order_by("last_name", "first_name")
    )
    page = paginate(request, staff, request.GET.get("page"))
    return render(request, "equipes/staff_list.html", {"page": page})


@require_GET
def staff_detail(request, pk: int):
    member = get_staff_member_for(request.user, pk)
    trainings = member.trainings.order_by("-completed_on")
    equipes = EquipeMembership.objects.filter(user=member).select_related("equipe")
    return render(
        request,
        "equipes/staff_detail.html",
        {
            "member": member,
            "trainings": trainings,
            "memberships": equipes,
            "can_add_training": request.user.has_perm("equipes.add_stafftraining", member),
            "can_change_cv": request.user.has_perm("equipes.change_staff_cv", member),
        },
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def training_create(request, staff_pk: int):
    member = get_staff_member_for(request.user, staff_pk)
    require_perm(request.user, "equipes.add_stafftraining", member)
    form = StaffTrainingForm(request.POST or None, request.FILES or None, staff_member=member)
    if form.is_valid():
        form.save()
        messages.success(request, _("Formazione registrata."))
        return redirect(member)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Nuova formazione per %(name)s") % {"name": member},
            "cancel_url": member.get_absolute_url(),
        },
    )


@require_GET
def training_certificate(request, pk: int):
    training = get_training_for(request.user, pk)
    return protected_file_response(training.certificate, f"attestato-{training.pk}")


@require_GET
def staff_cv(request, pk: int):
    member = get_staff_member_for(request.user, pk)
    return protected_file_response(member.cv, f"curriculum-{member.username}")


@require_http_methods(["GET", "POST"])
@once_per_submission
def staff_cv_upload(request, pk: int):
    member = get_staff_member_for(request.user, pk)
    require_perm(request.user, "equipes.change_staff_cv", member)
    form = StaffCvForm(request.POST or None, request.FILES or None, instance=member)
    if form.is_valid():
        form.save()
        messages.success(request, _("Curriculum caricato."))
        return redirect(member)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Curriculum di %(name)s") % {"name": member},
            "cancel_url": member.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Profilo aggiornato."))
        return redirect("equipes:profile")
    trainings = StaffTraining.objects.filter(user=request.user).order_by("-completed_on")
    memberships = request.user.equipe_memberships.select_related("equipe")
    return render(
        request,
        "equipes/profile.html",
        {"form": form, "trainings": trainings, "memberships": memberships},
    )


@require_GET
def meeting_list(request):
    require_perm(request.user, "equipes.view_governancemeeting")
    meetings = (
        GovernanceMeeting.objects.visible_to(request.user)
        .select_related("project")
        .prefetch_related(Prefetch("participants", queryset=User.objects.order_by("last_name")))
        .order_by("-date")
    )
    page = paginate(request, meetings, request.GET.get("page"))
    return render(
        request,
        "equipes/meeting_list.html",
        {"page": page, "can_add": request.user.has_perm("equipes.add_governancemeeting")},
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def meeting_create(request):
    require_perm(request.user, "equipes.add_governancemeeting")
    if request.user.ambito_id is None:
        raise PermissionDenied(_("Gli incontri si registrano dall'utenza di un ambito."))
    form = GovernanceMeetingForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Incontro registrato."))
        return redirect("equipes:meeting-list")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("Nuovo incontro di governance"), "cancel_url": reverse("equipes:meeting-list")},
    )


@require_GET
def comuni_search(request):
    """The national list of comuni, searched by name or cadastral code, for the choosers of the admin (select2's
    `term`) and of the portal; `estero=1` adds the foreign states (a place of birth). Public data, any user."""
    term = request.GET.get("term", "")
    foreign = request.GET.get("estero") == "1"
    places = national_comuni.search(term, foreign=foreign)
    return JsonResponse(
        {
            "results": [{"id": p.code, "text": p.label, "istat": p.istat} for p in places],
            "pagination": {"more": False},
        },
        json_dumps_params={"ensure_ascii": False},
    )
