"""Pages of the community work of an ambito: groups with their sessions and attendance, solidarity families and
their pairings, school partnerships and parenting events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from families.pseudonymisation import ambito_redactor
from families.services import record_accesses
from pippi_portal.idempotency import once_per_submission
from pippi_portal.shortcuts import paginate, require_perm

from . import services
from .forms import (
    GroupForm,
    GroupObjectivesForm,
    GroupParticipantsForm,
    GroupSessionForm,
    PairingForm,
    ParentingEventForm,
    SchoolMeetingForm,
    SchoolPartnershipForm,
    SupportFamilyForm,
)
from .models import Group, GroupSession, Pairing, ParentingEvent, SchoolPartnership, SupportFamily
from .selectors import (
    get_group_for,
    get_parenting_event_for,
    group_attendance,
    group_objective_labels,
    group_participants_for,
)
from .views import render_form

# --- Groups ----------------------------------------------------------------------------------------------------


@require_GET
def group_list(request):
    require_perm(request.user, "interventions.view_group")
    groups = (
        Group.objects.visible_to(request.user)
        .select_related("type")
        .annotate(held=Count("sessions", distinct=True), members=Count("participants", distinct=True))
        .order_by("-start_date")
    )
    page = paginate(request, groups, request.GET.get("page"))
    return render(
        request,
        "interventions/group_list.html",
        {"page": page, "can_add": request.user.has_perm("interventions.add_group")},
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def group_create(request):
    require_perm(request.user, "interventions.add_group")
    form = GroupForm(request.POST or None, user=request.user)
    if form.is_valid():
        group = form.save()
        messages.success(request, _("Modulo di gruppo creato."))
        return redirect(group)
    return render_form(request, form, _("Nuovo modulo di gruppo"), reverse("interventions:group-list"))


@require_http_methods(["GET", "POST"])
@once_per_submission
def group_edit(request, pk: int):
    group = get_group_for(request.user, pk)
    require_perm(request.user, "interventions.change_group", group)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Modulo di gruppo aggiornato."))
        return redirect(group)
    return render_form(request, form, _("Modifica del modulo di gruppo"), group.get_absolute_url())


@require_http_methods(["GET", "POST"])
def group_detail(request, pk: int):
    """The group, its attendance grid and (for who runs it) the forms. Participants are named through
    `families.pseudonymisation`, and every family whose people the page shows is in the access log."""
    user = request.user
    group = get_group_for(user, pk)
    require_perm(user, "interventions.view_group")
    can_run = user.has_perm("interventions.run_group", group)
    can_choose = user.has_perm("interventions.choose_group_participants", group)
    participants_form = GroupParticipantsForm(request.POST or None, group=group, user=user) if can_choose else None
    if request.method == "POST":
        require_perm(user, "interventions.choose_group_participants", group)
        if participants_form.is_valid():
            services.group_set_participants(group=group, members=participants_form.cleaned_data["members"], by=user)
            messages.success(request, _("Partecipanti aggiornati."))
            return redirect(group)
    attendance = group_attendance(user, group)
    objectives = group_objective_labels(user, group)
    objectives_form = GroupObjectivesForm(group=group, user=user) if can_choose else None
    shown = attendance.family_ids | objectives.family_ids
    if participants_form is not None:
        shown |= set(participants_form.fields["members"].queryset.values_list("family_id", flat=True))
        shown |= set(objectives_form.fields["objectives"].queryset.values_list("plan__family_id", flat=True))
    record_accesses(user, shown, request.get_full_path())
    return render(
        request,
        "interventions/group_detail.html",
        {
            "group": group,
            "facilitators": group.facilitators.all(),
            "sessions": attendance.sessions,
            "grid": attendance.grid,
            "can_run": can_run,
            "can_change": user.has_perm("interventions.change_group", group),
            "participants_form": participants_form,
            "objectives": objectives.labels,
            "objectives_form": objectives_form,
            "session_form": GroupSessionForm(group=group) if can_run else None,
            "redactor": ambito_redactor(user, group.ambito_id),
        },
    )


@require_POST
def group_objectives(request, pk: int):
    """The Progetto Quadro objectives the group serves, from the form of the group's page."""
    group = get_group_for(request.user, pk)
    # Like the participants, the objectives served belong to the families' teams: not to the partner's referent.
    require_perm(request.user, "interventions.choose_group_participants", group)
    form = GroupObjectivesForm(request.POST, group=group, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(group)
    try:
        services.group_set_objectives(group=group, objectives=form.cleaned_data["objectives"], by=request.user)
    except services.GroupRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Obiettivi del gruppo aggiornati."))
    return redirect(group)


@require_POST
@once_per_submission
def session_create(request, pk: int):
    group = get_group_for(request.user, pk)
    require_perm(request.user, "interventions.run_group", group)
    form = GroupSessionForm(request.POST, group=group)
    if form.is_valid():
        form.save()
        messages.success(request, _("Incontro registrato."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(group)


@require_POST
def attendance_toggle(request, pk: int, session_pk: int, member_pk: int):
    group = get_group_for(request.user, pk)
    require_perm(request.user, "interventions.run_group", group)
    session = get_object_or_404(GroupSession, group=group, pk=session_pk)
    if not group_participants_for(request.user, group).filter(pk=member_pk).exists():
        raise Http404
    attendance = services.attendance_toggle(session=session, member_id=member_pk)
    if request.htmx:
        return render(
            request,
            "interventions/group_detail.html#attendance",
            {"group": group, "cell": {"session": session, "present": attendance.present}, "member_id": member_pk},
        )
    return redirect(group)


# --- Solidarity, schools, events ----------------------------------------------------------------------------------


@require_GET
def support_list(request):
    require_perm(request.user, "interventions.view_community")
    user = request.user
    support = (
        SupportFamily.objects.visible_to(user)
        .select_related("comune")
        .annotate(active_pairings=Count("pairings", filter=Q(pairings__end_date__isnull=True)))
        .order_by("name")
    )
    pairings = Pairing.objects.visible_to(user).select_related("support_family", "family").order_by("-start_date")
    return render(
        request,
        "interventions/support_list.html",
        {
            "support": support,
            "pairings": pairings,
            "can_add": user.has_perm("interventions.add_supportfamily"),
            "can_pair": user.has_perm("interventions.add_pairing"),
            "show_contacts": user.sees_identities,
        },
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def support_create(request):
    require_perm(request.user, "interventions.add_supportfamily")
    if request.user.ambito_id is None:
        raise PermissionDenied(_("Si registra dall'utenza di un ambito."))
    form = SupportFamilyForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Famiglia d'appoggio registrata."))
        return redirect("interventions:support-list")
    return render_form(request, form, _("Nuova famiglia d'appoggio"), reverse("interventions:support-list"))


@require_http_methods(["GET", "POST"])
@once_per_submission
def pairing_create(request):
    require_perm(request.user, "interventions.add_pairing")
    form = PairingForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Abbinamento registrato."))
        return redirect("interventions:support-list")
    return render_form(
        request, form, _("Nuovo abbinamento di vicinanza solidale"), reverse("interventions:support-list")
    )


@require_GET
def school_list(request):
    require_perm(request.user, "interventions.view_community")
    partnerships = (
        SchoolPartnership.objects.visible_to(request.user).prefetch_related("meetings").order_by("-signed_on")
    )
    return render(
        request,
        "interventions/school_list.html",
        {
            "partnerships": partnerships,
            "can_add": request.user.has_perm("interventions.add_schoolpartnership"),
            "meeting_form": SchoolMeetingForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def school_create(request):
    require_perm(request.user, "interventions.add_schoolpartnership")
    if request.user.ambito_id is None:
        raise PermissionDenied(_("Si registra dall'utenza di un ambito."))
    form = SchoolPartnershipForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Partenariato registrato."))
        return redirect("interventions:school-list")
    return render_form(request, form, _("Nuovo partenariato con la scuola"), reverse("interventions:school-list"))


@require_POST
@once_per_submission
def school_meeting_create(request, pk: int):
    require_perm(request.user, "interventions.add_schoolpartnership")
    partnership = get_object_or_404(SchoolPartnership.objects.visible_to(request.user), pk=pk)
    form = SchoolMeetingForm(request.POST)
    if form.is_valid():
        meeting = form.save(commit=False)
        meeting.partnership = partnership
        meeting.save()
        messages.success(request, _("Incontro con la scuola registrato."))
    else:
        messages.error(request, _("Controlla data e partecipanti dell'incontro."))
    return redirect("interventions:school-list")


@require_GET
def event_list(request):
    require_perm(request.user, "interventions.view_parentingevent")
    events = ParentingEvent.objects.visible_to(request.user).select_related("project").order_by("-date")
    page = paginate(request, events, request.GET.get("page"))
    # Whoever may record events may change every event the list shows: the list is already their scope.
    return render(
        request,
        "interventions/event_list.html",
        {"page": page, "can_add": request.user.has_perm("interventions.add_parentingevent")},
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def event_create(request):
    require_perm(request.user, "interventions.add_parentingevent")
    if request.user.ambito_id is None:
        raise PermissionDenied(_("Si registra dall'utenza di un ambito."))
    form = ParentingEventForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Momento formativo registrato."))
        return redirect("interventions:event-list")
    return render_form(
        request, form, _("Nuovo momento formativo sulla genitorialità"), reverse("interventions:event-list")
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def event_edit(request, pk: int):
    event = get_parenting_event_for(request.user, pk)
    require_perm(request.user, "interventions.change_parentingevent", event)
    form = ParentingEventForm(request.POST or None, instance=event, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Momento formativo aggiornato."))
        return redirect("interventions:event-list")
    return render_form(
        request, form, _("Modifica del momento formativo sulla genitorialità"), reverse("interventions:event-list")
    )
