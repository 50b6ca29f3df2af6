"""Pages of the family path: the list, the referral, the family's page and register, its members, consents,
closure, équipe and diary (the assessments and the Progetto Quadro are in `plan_views`). Each view fetches
the family through `get_family_for` (404 outside scope), checks what the role may do with `rules`, and renders
through `family_page`, which logs the access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from equipes.models import Role, User
from equipes.project_rules import missing_mooc_warning
from pippi_portal import compiled, shortcuts
from pippi_portal.forms import choice_loaders
from pippi_portal.idempotency import once_per_submission
from pippi_portal.query_batch import gather
from pippi_portal.uploads import protected_file_response

from . import services
from .filters import FamilyFilter
from .forms import (
    ClosureForm,
    ConsentForm,
    DiaryNoteForm,
    FamilyForm,
    MemberForm,
    MemberFormSet,
    PlacementForm,
    PreassessmentForm,
    ReferralForm,
    TeamMeetingForm,
    TeamMemberForm,
    TransitionForm,
)
from .history import family_history
from .models import (
    ENDED_STATES,
    AccessLog,
    Closure,
    Consent,
    DuplicateConfirmation,
    Family,
    Member,
    Placement,
    Preassessment,
    State,
)
from .pseudonymisation import (
    FamilyView,
    ambito_redactor,
    family_redactor,
    labels_of,
    member_views,
    team_members_of,
    team_views,
)
from .rules import ended_path_notice, ended_path_refusal
from .selectors import (
    diary_notes_for,
    family_placements,
    family_timeline,
    family_warnings,
    get_consent_for,
    get_family_detail_for,
    get_family_for,
    get_member_for,
    get_placement_for,
    get_team_member_for,
    placements_of,
)
from .sinba_gaps import child_panels, may_see_panel, panel_rows


def require_perm(user, perm: str, obj=None) -> None:
    """`pippi_portal.shortcuts.require_perm`, saying that the refusal is about this family, and why when it is
    its ended path rather than the role."""
    message = ended_path_refusal(user, perm, obj) or _(
        "Il tuo ruolo non consente questa operazione su questa famiglia."
    )
    shortcuts.require_perm(user, perm, obj, message=message)


def family_page(request, template: str, family: Family, context: dict | None = None, action=AccessLog.Action.VIEW):
    """Render a page about one family: log the access, give the template the role-appropriate view."""
    services.record_access(request.user, family, request.get_full_path(), action)
    user = request.user
    page_context = {
        "family": FamilyView(family, user),
        "redactor": family_redactor(user, family),
        "can_change": user.has_perm("families.change_family", family),
        "can_contribute": user.has_perm("families.contribute", family),
        "ended_notice": ended_path_notice(family) if family.state in ENDED_STATES else "",
    }
    page_context.update(context or {})
    return render(request, template, page_context)


def form_page(request, family: Family, form, title: str, back: str | None = None, *, read_only: bool = False):
    """The one form page (`form_page.html`), under the family's header. `read_only`: what was recorded, shown in
    the form's own fields, disabled and without its button (an ended family's data are read, not changed)."""
    if read_only:
        for field in form.fields.values():
            field.disabled = True
        form.helper.inputs = []
    context = {"form": form, "title": title, "cancel_url": back or family.get_absolute_url(), "read_only": read_only}
    return family_page(request, "form_page.html", family, context)


# --- List, referral, detail -------------------------------------------------------------------------


#: What a row of the family list shows (the labels are the related objects' `__str__`).
LIST_COLUMNS = (
    "code",
    "year",
    "sequence",
    "state",
    "comune__name",
    "implementation__number",
    "case_manager__username",
    "case_manager__first_name",
    "case_manager__last_name",
)


@require_GET
def family_list(request):
    user = request.user
    require_perm(user, "families.view_family")
    listing = lambda: family_listing(user)  # noqa: E731
    family_filter = FamilyFilter(request.GET or None, queryset=Family.objects.none(), user=user)
    filtered = family_filter.is_bound and any(family_filter.data.get(name) for name in family_filter.filters)
    if filtered:
        family_filter.queryset = listing()
    # The number of rows and the filters' options in one round trip; the page's rows after them. Without
    # filters (the list as it opens) their SQL is compiled once per user and process (`compiled`).
    key = ("family-list", user.scope_key)
    options = choice_loaders(family_filter.form, "comune", "implementation", "case_manager", key=key)
    if filtered:
        rows = family_filter.qs
        count = gather(rows.count, *options)[0]
    else:
        rows = None
        count = gather(lambda: compiled.count(key, listing), *options)[0]
    listed = Family.objects.none() if rows is None else rows
    page = shortcuts.paginate(request, listed, request.GET.get("page"), count=count)
    if rows is None:
        bottom = (page.number - 1) * page.paginator.per_page
        top = bottom + page.paginator.per_page
        page.object_list = compiled.rows((key, bottom), lambda: listing()[bottom:top]) if count else []
    return render(
        request,
        "families/family_list.html",
        {
            "filter": family_filter,
            "page": page,
            "rows": family_rows_html(page),
            "can_add": user.has_perm("families.add_family"),
            "reviews_duplicates": user.role == Role.COORDINATORE,
        },
    )


def family_listing(user: User) -> QuerySet:
    """The family list's rows before the filters: the user's families, newest first. Only what the rows show
    (issue 16): no équipe, whose join multiplied the join orders PostgreSQL weighs, no address or phone,
    encrypted and decrypted for each row, none of the other columns."""
    return (
        Family.objects.visible_to(user)
        .with_due_dates()
        .select_related("comune", "implementation", "case_manager")
        .only(*LIST_COLUMNS)
        .order_by("-year", "-sequence")
    )


def family_rows_html(families) -> list[str]:
    """The rows of the family list: code (a link to the family's page), state, comune, implementation, case
    manager and next deadline, "scaduta" when past. Written here rather than in the template, where the rows
    were a third of the page's time; every value escaped as the template language escapes it. What is the same
    for every row (today, the states' labels, the link's prefix, the words) is made once."""
    e = conditional_escape
    today = timezone.localdate()
    states = {value: e(label) for value, label in State.choices}
    prefix = e(reverse("families:family-detail", args=[0]).removesuffix("0/"))
    overdue = f' <span class="badge text-bg-danger">{e(_("scaduta"))}</span>'
    rows = []
    for f in families:
        if f.next_due:
            due = f"{e(f.next_due_point)} {f.next_due:%d/%m/%Y}{overdue if f.next_due < today else ''}"
        else:
            due = "—"
        rows.append(
            mark_safe(  # every value is escaped
                f'\n  <tr>\n    <td><a href="{prefix}{e(f.pk)}/">{e(f.code)}</a></td>\n'
                f"    <td>{states.get(f.state)}</td>\n"
                f"    <td>{e(f.comune)}</td>\n"
                f"    <td>{e(f.implementation or '—')}</td>\n"
                f"    <td>{e(f.case_manager)}</td>\n"
                f"    <td>{due}</td>\n  </tr>\n  "
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@once_per_submission
def family_create(request):
    """Register a referral: the family, the referral and its members in one step."""
    user = request.user
    require_perm(user, "families.add_family")
    if user.ambito_id is None:
        raise PermissionDenied(_("Le segnalazioni si registrano dall'utenza di un ambito."))
    data = request.POST or None
    family_form = FamilyForm(data, user=user, prefix="family", embedded=True)
    referral_form = ReferralForm(data, prefix="referral", embedded=True)
    members = MemberFormSet(data, prefix="members", form_kwargs={"user": user, "ambito_id": user.ambito_id})
    if request.method == "POST" and all([family_form.is_valid(), referral_form.is_valid(), members.is_valid()]):
        new_members = members.new_members()
        family = services.family_refer(
            by=user,
            family=family_form.save(commit=False),
            referral=referral_form.save(commit=False),
            members=[f.save(commit=False) for f in new_members],
            duplicates={
                position: confirmed
                for position, f in enumerate(new_members)
                if (confirmed := f.duplicate_confirmation())
            },
        )
        messages.success(request, _("Segnalazione registrata: famiglia %(code)s.") % {"code": family.code})
        return redirect(family)
    forms = [("referral", referral_form, None), ("family", family_form, None)]
    forms += [("member", form, number) for number, form in members.numbered() if number is not None]
    return render(
        request,
        "families/family_create.html",
        {
            "family_form": family_form,
            "referral_form": referral_form,
            "members": members,
            "error_summary": error_summary(forms, members.non_form_errors()),
        },
    )


def error_summary(forms, non_form_errors) -> list[dict]:
    """The referral page's errors, in page order, each with the id of the field it is about (the summary at
    the top links to them). A member's errors are named with its block ("Componente 2 — Codice fiscale")."""
    entries = [{"href": "#componenti", "label": _("Componenti"), "message": e} for e in non_form_errors]
    for kind, form, number in forms:
        if not form.is_bound:
            continue
        where = _("Componente %(n)s") % {"n": number} if kind == "member" else ""
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            if field is not None and field.is_hidden:
                field = None
            label = field.label if field is not None else where or _("Dati generali")
            if where and field is not None:
                label = f"{where} — {label}"
            href = f"#{field.id_for_label}" if field is not None else f"#{form.prefix}-block"
            entries.extend({"href": href, "label": label, "message": message} for message in errors)
    return entries


@require_GET
def family_detail(request, pk: int):
    """The family's page. Each relation is read once: the family with its referral, pre-assessment, closure,
    due dates and timeline events in one query, then members, team, consents, notes, placements, the SINBA panel's
    fields and the guards of the next steps, whatever their number. These do not depend on each other: they are
    read together, in one round trip (`query_batch.gather`)."""
    user = request.user
    family = get_family_detail_for(user, pk)
    can_change = user.has_perm("families.change_family", family)
    shows_panel = may_see_panel(user, family)
    members, consents, placements, sinba_rows, transitions, notes, team = gather(
        lambda: member_views(user, family),
        lambda: compiled.rows(("consents",), lambda pk: Consent.objects.filter(family_id=pk), family.pk),
        lambda: placements_of(family),
        lambda: panel_rows(family) if shows_panel else None,
        # What the next steps still need (their guards read the assessments and the plan).
        lambda: services.available_transitions(family) if can_change else [],
        lambda: diary_notes_for(user, family) if user.sees_identities else [],
        lambda: team_members_of(family),
    )
    sinba = (
        child_panels(family, labels_of(members), can_change=can_change, on=timezone.localdate(), rows=sinba_rows)
        if shows_panel
        else None
    )
    timeline = family_timeline(user, family, consents=consents, notes=notes)
    return family_page(
        request,
        "families/family_detail.html",
        family,
        {
            "members": members,
            "sinba_panels": sinba,
            "placements": family_placements(family, labels_of(members), placements),
            "has_minors": any(m.kind == Member.Kind.MINORE for m in members),
            "team": team_views(user, family, labels=labels_of(members), team=team),
            "timeline": timeline.entries,
            "timeline_years": timeline.years,
            "transitions": transitions,
            "transition_form": TransitionForm(),
            "consents": consents,
            "notes": notes,
            "warnings": family_warnings(family),
            "due": {"t1_due": family.t1_due, "t2_due": family.t2_due, "next_due": family.next_due},
            "referral": getattr(family, "referral", None) if user.sees_identities else None,
            "preassessment": getattr(family, "preassessment", None),
            "closure": getattr(family, "closure", None),
            "can_note": user.has_perm("families.add_diarynote") and user.sees_identities,
            "can_see_audit": can_see_audit(user, family),
        },
    )


def can_see_audit(user, family: Family) -> bool:
    """The family's register (who viewed, who changed what) is for its case manager and the admin."""
    return user.is_admin_role or family.case_manager_id == user.pk


@require_GET
def family_audit(request, pk: int):
    """The family's register: who viewed its data (AccessLog) and who changed what (change history)."""
    user = request.user
    family = get_family_for(user, pk)
    if not can_see_audit(user, family):
        raise PermissionDenied(_("Il registro della famiglia è riservato al suo case manager e all'amministratore."))
    accesses = AccessLog.objects.filter(family=family).select_related("user").order_by("-at", "-pk")
    access_page = shortcuts.paginate(request, accesses, request.GET.get("accessi"), param="accessi")
    # Read the page now, before family_page logs this very visit, so that the rows match the count.
    access_page.object_list = list(access_page.object_list)
    return family_page(
        request,
        "families/family_audit.html",
        family,
        {
            "accesses": access_page,
            "changes": shortcuts.paginate(
                request, family_history(family.pk), request.GET.get("modifiche"), param="modifiche"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def family_edit(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    form = FamilyForm(request.POST or None, instance=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Dati della famiglia aggiornati."))
        return redirect(family)
    return form_page(request, family, form, _("Dati della famiglia %(code)s") % {"code": family.code})


@require_POST
def family_transition(request, pk: int, name: str):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    if name not in services.TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La data del passaggio non è valida."))
        return redirect(family)
    try:
        services.family_apply_transition(
            family=family,
            by=request.user,
            name=name,
            reason=form.cleaned_data.get("reason", ""),
            interruption_reason=form.cleaned_data.get("interruption_reason", ""),
            on=form.cleaned_data.get("on"),
        )
    except services.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Stato aggiornato: %(state)s.") % {"state": family.get_state_display()})
    return redirect(family)


# --- Members ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once_per_submission
def member_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    form = MemberForm(request.POST or None, instance=Member(family=family), user=request.user)
    if form.is_valid():
        services.member_add(member=form.save(commit=False), by=request.user, duplicate=form.duplicate_confirmation())
        messages.success(request, _("Componente aggiunto."))
        return redirect(family)
    return form_page(request, family, form, _("Nuovo componente"))


@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int, member_pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    member = get_member_for(request.user, family, member_pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if form.is_valid():
        services.member_add(member=form.save(commit=False), by=request.user, duplicate=form.duplicate_confirmation())
        messages.success(request, _("Componente aggiornato."))
        return redirect(family)
    return form_page(request, family, form, _("Modifica componente"))


# --- Foster care and residential placements (the SINBA return) -----------------------------------------


def placement_title(kind: str, *, new: bool) -> str:
    if kind == Placement.Kind.AFFIDO:
        return _("Nuovo affido") if new else _("Affido")
    return _("Nuovo inserimento in struttura") if new else _("Inserimento in struttura")


@require_http_methods(["GET", "POST"])
@once_per_submission
def placement_create(request, pk: int, kind: str):
    """Record a minor's affido or residential placement (whoever changes the members: the same rule)."""
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    if kind not in Placement.Kind.values:
        raise Http404
    form = PlacementForm(request.POST or None, instance=Placement(kind=kind), family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Collocamento registrato."))
        return redirect(family)
    return form_page(request, family, form, placement_title(kind, new=True))


@require_http_methods(["GET", "POST"])
def placement_edit(request, pk: int, placement_pk: int):
    """Change a placement, or end it with its date and outcome."""
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    placement = get_placement_for(request.user, family, placement_pk)
    form = PlacementForm(request.POST or None, instance=placement, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Collocamento aggiornato."))
        return redirect(family)
    return form_page(request, family, form, placement_title(placement.kind, new=False))


# --- Pre-assessment, consents, closure ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def preassessment_edit(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    instance = Preassessment.objects.filter(family=family).first() or Preassessment(family=family)
    form = PreassessmentForm(request.POST or None, instance=instance, family=family)
    if form.is_valid():
        services.preassessment_save(
            family=family, preassessment=form.save(commit=False), concerns=form.concerns(), by=request.user
        )
        messages.success(request, _("Pre-assessment salvato."))
        return redirect(family)
    return form_page(request, family, form, _("Pre-assessment"))


@require_http_methods(["GET", "POST"])
@once_per_submission
def consent_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    form = ConsentForm(request.POST or None, request.FILES or None, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Consenso registrato."))
        return redirect(family)
    return form_page(request, family, form, _("Nuovo consenso firmato"))


@require_GET
def consent_file(request, pk: int, consent_pk: int):
    family = get_family_for(request.user, pk)
    if not request.user.sees_identities:
        raise Http404
    consent = get_consent_for(request.user, family, consent_pk)
    services.record_access(request.user, family, request.get_full_path(), AccessLog.Action.DOWNLOAD)
    return protected_file_response(consent.file, f"consenso-{family.code}-{consent.kind}")


@require_POST
def consent_revoke(request, pk: int, consent_pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    consent = get_consent_for(request.user, family, consent_pk)
    if consent.revoked_on is None:
        consent.revoked_on = max(timezone.localdate(), consent.signed_on)
        consent.save(update_fields=["revoked_on"])
        messages.success(request, _("Consenso revocato."))
    return redirect(family)


@require_http_methods(["GET", "POST"])
def closure_edit(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    instance = Closure.objects.filter(family=family).first()
    form = ClosureForm(request.POST or None, instance=instance, family=family)
    if form.is_valid():
        form.save()
        messages.success(request, _("Scheda di chiusura salvata."))
        return redirect(family)
    return form_page(request, family, form, _("Chiusura del percorso"))


# --- The family équipe ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once_per_submission
def team(request, pk: int):
    family = get_family_for(request.user, pk)
    can_change = request.user.has_perm("families.change_family", family)
    form = TeamMemberForm(request.POST or None, family=family, user=request.user) if can_change else None
    if request.method == "POST":
        require_perm(request.user, "families.change_family", family)
        if form.is_valid():
            form.save()
            messages.success(request, _("Componente aggiunto all'équipe della famiglia."))
            if without_mooc := form.educators_without_mooc():
                messages.warning(request, missing_mooc_warning(without_mooc))
            return redirect("families:team", pk=family.pk)
    meetings = family.team_meetings.prefetch_related("participants__user")
    return family_page(
        request,
        "families/team.html",
        family,
        {"team": team_views(request.user, family), "form": form, "meetings": meetings},
    )


@require_POST
def team_remove(request, pk: int, member_pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    member = get_team_member_for(family, member_pk)
    if member.user_id == family.case_manager_id:
        messages.error(request, _("Il case manager non può essere tolto dall'équipe della famiglia."))
    else:
        member.delete()
        messages.success(request, _("Componente tolto dall'équipe."))
    return redirect("families:team", pk=family.pk)


@require_http_methods(["GET", "POST"])
@once_per_submission
def team_meeting_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.contribute", family)
    form = TeamMeetingForm(request.POST or None, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Incontro dell'EM registrato."))
        return redirect("families:team", pk=family.pk)
    return form_page(request, family, form, _("Nuovo incontro dell'EM"), reverse("families:team", args=[family.pk]))


# --- Diary ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once_per_submission
def note_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.add_diarynote")
    if not request.user.sees_identities:
        raise PermissionDenied
    form = DiaryNoteForm(request.POST or None)
    if form.is_valid():
        note = form.save(commit=False)
        note.family, note.author = family, request.user
        note.save()
        messages.success(request, _("Nota aggiunta al diario."))
        return redirect(family)
    return form_page(request, family, form, _("Nuova nota di diario"))


@require_http_methods(["GET", "POST"])
def duplicate_list(request):
    """The codici fiscali registered again after a confirmation, for the Referente di Ambito to check: the two
    families' codes, who confirmed and why (the names in the reason hidden, as on every page of the role)."""
    user = request.user
    if user.role != Role.COORDINATORE:
        raise PermissionDenied(
            _("Le conferme di codici fiscali già registrati sono verificate dal Referente di Ambito.")
        )
    to_review = DuplicateConfirmation.objects.to_review_by(user)
    if request.method == "POST":
        raw = request.POST.get("conferma", "")
        confirmation = to_review.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) <= 9 else None
        if confirmation is None:
            messages.info(request, _("La conferma era già stata verificata."))
        else:
            services.duplicate_review(confirmation=confirmation, by=user)
            messages.success(
                request, _("Conferma %(family)s segnata come verificata.") % {"family": confirmation.family.code}
            )
        return redirect("families:duplicate-list")
    confirmations = to_review.select_related("family", "existing_family", "by").order_by("at", "pk")
    return render(
        request, "families/duplicate_list.html", {"confirmations": confirmations, "redactor": ambito_redactor(user)}
    )
