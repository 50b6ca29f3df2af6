"""Pages of a family's interventions, of hours (the weekly grid, the monthly timesheets) and of the budget.
The groups and the other community work are in `community_views`."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escapejs
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from equipes.project_rules import missing_mooc_warning
from equipes.selectors import get_project_for
from families.models import AccessLog, Family
from families.pseudonymisation import FamilyView, ambito_redactor
from families.selectors import family_rules, get_family_for
from families.services import record_access, record_accesses
from pippi_portal import compiled
from pippi_portal.formatting import format_minutes
from pippi_portal.idempotency import once_per_submission
from pippi_portal.pdf import PdfMetadata, render_pdf
from pippi_portal.query_batch import gather
from pippi_portal.shortcuts import download, paginate, require_perm
from pippi_portal.uploads import protected_file_response

from . import charts, selectors, services
from .forms import (
    BudgetLineForm,
    CostItemForm,
    InterventionForm,
    ReopenForm,
)
from .models import (
    FAMILY_ACTIVITIES,
    Activity,
    CostItem,
    Group,
    Intervention,
    Pairing,
    Timesheet,
    month_start,
)
from .selectors import (
    ambito_budgets_for,
    can_set_up_budget,
    family_group_attendance,
    family_hours_by_activity,
    get_budget_line_for,
    get_budget_project_for,
    get_cost_item_for,
    get_intervention_for,
    get_timesheet_for,
    long_days,
    parse_hours,
    project_budget,
    sedt_educators_without_mooc,
    sedt_weeks,
    week_grid,
    week_start,
)


def require_hours_user(user) -> None:
    """Hours are logged by the professionals of an ambito (not by the administrators)."""
    require_perm(user, "interventions.log_hours")
    if user.ambito_id is None:
        raise PermissionDenied(_("Le ore si registrano dall'utenza di un ambito."))


def render_form(request, form, title: str, cancel_url: str, family: Family | None = None):
    """The one form page (`form_page.html`), under the family's header when the form is about a family."""
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    if family is not None:
        context["family"] = FamilyView(family, request.user)
    return render(request, "form_page.html", context)


# --- A family's interventions ----------------------------------------------------------------------------


@require_GET
def family_interventions(request, pk: int):
    user = request.user
    family = get_family_for(user, pk)
    record_access(user, family, request.get_full_path())
    interventions = (
        Intervention.objects.filter(family=family)
        .select_related("type")
        .prefetch_related("assigned_users", "objectives__subdimension")
        .annotate(minutes=Sum("time_entries__minutes"))
    )
    # Independent reads, sent together (one round trip per round: pippi_portal/query_batch.py).
    interventions, weeks, without_mooc, hour_rows, groups, pairings = gather(
        lambda: list(interventions),
        lambda: sedt_weeks(family),
        lambda: sedt_educators_without_mooc(family),
        lambda: list(family_hours_by_activity(family)),
        lambda: family_group_attendance(family),
        lambda: list(Pairing.objects.filter(family=family).select_related("support_family")),
    )
    return render(
        request,
        "interventions/family_interventions.html",
        {
            "family": FamilyView(family, user),
            "intervention_sections": intervention_sections(family, interventions),
            "sedt_weeks": weeks,
            "sedt_below": [w for w in weeks if w.below_minimum],
            "sedt_minimum": family_rules(family).sedt_minimum_text,
            "sedt_without_mooc": without_mooc,
            "hours": [
                {
                    "activity": Activity(row["activity"]).label,
                    "hours": format_minutes(row["minutes"]),
                    "people": row["people"],
                }
                for row in hour_rows
            ],
            "groups": groups,
            "pairings": pairings,
            "can_change": user.has_perm("families.change_family", family),
        },
    )


def intervention_sections(family: Family, interventions: list[Intervention]) -> list[dict]:
    """The family's interventions in two tables: the P.I.P.P.I. devices (and the other interventions of the
    project), then, when there are any, the child-protection services of the ambito (seed 002), which the PNRR
    does not fund."""
    sections = [
        {
            "id": "interventions-pippi",
            "title": _("Dispositivi P.I.P.P.I. e altri interventi"),
            "interventions": [i for i in interventions if not i.type.child_protection],
            "empty": _("Nessun intervento attivato."),
        }
    ]
    protection = [i for i in interventions if i.type.child_protection]
    if protection:
        explanation = _(
            "Servizi dell'ambito non finanziati dal PNRR: le ore registrate su di essi non sono rendicontabili."
        )
        if family.under_judicial_authority:
            court = family.get_judicial_authority_court_display() or _("autorità giudiziaria")
            explanation = _("In esecuzione del provvedimento (%(court)s). %(explanation)s") % {
                "court": court,
                "explanation": explanation,
            }
        sections.append(
            {
                "id": "interventions-tutela",
                "title": _("Servizi di tutela minori"),
                "explanation": explanation,
                "interventions": protection,
                "empty": "",
            }
        )
    return sections


@require_http_methods(["GET", "POST"])
@once_per_submission
def intervention_create(request, pk: int):
    family = get_family_for(request.user, pk)
    require_perm(request.user, "families.change_family", family)
    form = InterventionForm(request.POST or None, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Intervento attivato."))
        if without_mooc := form.educators_without_mooc():
            messages.warning(request, missing_mooc_warning(without_mooc))
        return redirect("interventions:family", pk=family.pk)
    return render_form(
        request, form, _("Attiva un intervento"), reverse("interventions:family", args=[family.pk]), family
    )


@require_http_methods(["GET", "POST"])
def intervention_edit(request, pk: int):
    intervention = get_intervention_for(request.user, pk)
    family = intervention.family
    require_perm(request.user, "families.change_family", family)
    form = InterventionForm(request.POST or None, instance=intervention, family=family, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Intervento aggiornato."))
        if without_mooc := form.educators_without_mooc():
            messages.warning(request, missing_mooc_warning(without_mooc))
        return redirect("interventions:family", pk=family.pk)
    return render_form(
        request, form, _("Modifica intervento"), reverse("interventions:family", args=[family.pk]), family
    )


# --- Hours: the weekly grid ----------------------------------------------------------------------------------


def _week_from(request, first: datetime.date) -> datetime.date:
    """The Monday of the week asked for (`settimana`), kept between the week of the user's first day of hours
    (`first`, `selectors.hours_first_day`) and this week (with a message when it had to be moved); an unreadable
    date means this week."""
    this_week = week_start(timezone.localdate())
    try:
        day = datetime.date.fromisoformat(request.GET.get("settimana") or request.POST.get("settimana") or "")
    except ValueError:
        return this_week
    wanted = min(max(week_start(day), week_start(first)), this_week)
    if wanted != week_start(day):
        messages.info(
            request,
            _("Le ore si registrano dal %(first)s a oggi: ecco la settimana più vicina a quella chiesta.")
            % {"first": f"{first:%d/%m/%Y}"},
        )
    return wanted


@require_GET
def week(request):
    require_hours_user(request.user)
    first_day = selectors.hours_first_day(request.user)
    start = _week_from(request, first_day)
    grid = week_grid(request.user, start, first_day)
    long = dict(long_days(grid.totals))
    days = [_day_strings(day) for day in grid.days]
    cell_url = reverse("interventions:cell-save")
    for row in grid.rows:
        row_strings = _row_strings(row.key, row.label)
        row.cells = [_cell(row_strings, row.label, day, **cell) for day, cell in zip(days, row.cells, strict=True)]
        for cell in row.cells:
            cell["html"] = _cell_html(cell, row.key, format_minutes(cell["minutes"]), cell_url)
    return render(
        request,
        "interventions/week.html",
        {
            "rows": grid.rows,
            "days": grid.days,
            "day_totals": [
                {"date": day, "minutes": minutes, "long": day in long} for day, minutes in grid.totals.items()
            ],
            "warning_hours": format_minutes(selectors.day_warning_minutes()),
            "week_minutes": sum(grid.totals.values()),
            "start": start,
            "previous": start - datetime.timedelta(days=7) if start > week_start(grid.first_day) else None,
            "next": start + datetime.timedelta(days=7),
            "is_current": start == week_start(timezone.localdate()),
        },
    )


# The strings of a grid cell (its id, name, label and htmx values) and the cell itself, made in Python: the page
# draws a hundred cells or more, and the strings a row's or a column's cells share are made once (the template
# filters that made them per cell, then the template partial that drew them, were most of the page's time).


def _row_strings(key: str, label: str) -> dict:
    return {"slug": slugify(key), "key_js": escapejs(key), "label_js": escapejs(label)}


def _day_strings(day: datetime.date | None) -> dict:
    if day is None:
        return {"iso": "", "compact": "", "day_label": ""}
    return {"iso": day.isoformat(), "compact": day.strftime("%Y%m%d"), "day_label": date_format(day, "l d/m")}


def _cell(row_strings: dict, label: str, day_strings: dict, **state) -> dict:
    """A cell as `_cell_html` draws it: the row's and the day's strings, its aria-label and its state
    (`minutes`, `locked`, and `date` on the full page)."""
    aria = _("Ore %(row)s, %(day)s") % {"row": label, "day": day_strings["day_label"]}
    return {**row_strings, **day_strings, "aria": aria, **state}


def _cell_html(cell: dict, row_key: str, value: str, cell_url: str, *, error: str = "", saved: bool = False) -> str:
    """The input of a grid cell, with the refusal's message or "salvato" under it: the full page draws a hundred
    of them or more, the answer to a saved cell one. Written here rather than in a template partial, which took
    a third of the page's time; every value escaped as the template language escapes it."""
    e = conditional_escape
    slug, compact, iso = e(cell["slug"]), e(cell["compact"]), e(cell["iso"])
    state = " is-invalid" if error else (" is-saved" if saved else "")
    html = (
        f'<input type="text" inputmode="decimal" class="form-control text-end hours-cell{state}" '
        f'id="cell-{slug}-{compact}" name="cell-{e(row_key)}-{iso}" value="{e(value)}" size="4" autocomplete="off"'
        f'\n aria-label="{e(cell["aria"])}"'
    )
    if cell["locked"]:
        html += " disabled"
    else:
        html += (
            f'\n hx-post="{e(cell_url)}" hx-trigger="change" hx-target="closest td" hx-swap="innerHTML" '
            f"""hx-vals='{{"row": "{e(cell["key_js"])}", "date": "{iso}", "row_label": "{e(cell["label_js"])}"}}'"""
        )
    if error:
        html += f' aria-invalid="true" aria-describedby="err-{slug}-{compact}"'
    html += ">\n"
    if error:
        html += f'<div class="invalid-feedback d-block small" id="err-{slug}-{compact}" role="alert">{e(error)}</div>'
    elif saved:
        html += (
            f'<div class="hours-saved small" role="status"><span aria-hidden="true">✓</span> {e(_("salvato"))}</div>'
        )
    return mark_safe(html)  # every value above is escaped


class BadCell(ValueError):
    """A grid cell the page never makes (unknown activity, a target that is not a number, no date)."""


def _row_target(request, key: str):
    """Parse a grid row key "activity:id" into (activity, family, group), checking the scope: BadCell for a key
    the grid never makes, 404 for a family or group outside the user's ambito."""
    activity, _sep, target = key.partition(":")
    if activity not in Activity.values:
        raise BadCell(key)
    if activity == Activity.GRUPPO or activity in FAMILY_ACTIVITIES:
        if not (target.isascii() and target.isdigit()):
            raise BadCell(key)
        scope = Family if activity in FAMILY_ACTIVITIES else Group
        ambito_id = request.user.ambito_id
        # SQL compiled once per ambito and process (`pippi_portal.compiled`, issue 16).
        found = compiled.get_by_pk(
            ("grid-row", scope, ambito_id), lambda: scope.objects.filter(ambito_id=ambito_id), int(target)
        )
        if found is None:
            raise Http404
        return (activity, found, None) if scope is Family else (activity, None, found)
    if target:
        raise BadCell(key)
    return activity, None, None


def _cell_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise BadCell(text) from error


@require_POST
def cell_save(request):
    """Save one cell of the grid (htmx) and answer with the cell re-rendered, saved or with the refusal's
    message in it, and its row's, day's and week's totals swapped in place (out of band); a cell the grid never
    makes answers 400."""
    require_hours_user(request.user)
    key = request.POST.get("row", "")
    row_label = request.POST.get("row_label", "")[:200]
    try:
        day = _cell_date(request.POST.get("date", ""))
        activity, family, group = _row_target(request, key)
    except BadCell:
        message = _("Casella non valida: ricarica la pagina delle ore.")
        if not request.htmx:
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        cell = _cell(_row_strings(key, row_label), row_label, _day_strings(None), locked=True)
        context = {"cell_html": _cell_html(cell, key, "", "", error=message)}
        return render(request, "interventions/week.html#cell", context, status=400)
    value = request.POST.get(f"cell-{key}-{day.isoformat()}", request.POST.get("value", ""))
    error = ""
    try:
        minutes = parse_hours(value)
        entry = services.time_entry_set(
            user=request.user, day=day, activity=activity, minutes=minutes, family=family, group=group
        )
        value = format_minutes(entry.minutes if entry else 0)
    except (ValueError, services.HoursRefused) as refused:
        error = str(refused)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('interventions:week')}?settimana={week_start(day).isoformat()}")
    totals = selectors.week_cell_totals(
        request.user, day, activity, family.pk if family else None, group.pk if group else None
    )
    warning = selectors.day_warning_minutes()
    cell = _cell(_row_strings(key, row_label), row_label, _day_strings(day), date=day, locked=False)
    context = {
        "cell_html": _cell_html(cell, key, value, reverse("interventions:cell-save"), error=error, saved=not error),
        "row_key": key,
        "row_total": totals["row"],
        "day": day,
        "day_minutes": totals["day"],
        "long": totals["day"] > warning,
        "week_minutes": totals["week"],
        "warning_hours": format_minutes(warning),
    }
    return render(request, "interventions/week.html#cell-saved", context)


@require_POST
def week_save(request):
    """Save the whole grid at once (the same page without JavaScript). Lowered cells are saved before raised
    ones, so that hours moved from one activity to another of the same day are not refused by the ceiling."""
    require_hours_user(request.user)
    first_day = selectors.hours_first_day(request.user)
    start = _week_from(request, first_day)
    grid = week_grid(request.user, start, first_day)
    errors, changes = [], []
    for row in grid.rows:
        for cell in row.cells:
            name = f"cell-{row.key}-{cell['date'].isoformat()}"
            if name not in request.POST or cell["locked"]:
                continue
            text = request.POST[name]
            if text.strip() == format_minutes(cell["minutes"]):
                continue
            try:
                minutes = parse_hours(text)
            except ValueError as refused:
                errors.append(f"{row.label}, {cell['date']:%d/%m}: {refused}")
                continue
            changes.append((minutes - cell["minutes"], row, cell, minutes))
    saved = 0
    for _delta, row, cell, minutes in sorted(changes, key=lambda change: change[0]):
        activity, family, group = _row_target(request, row.key)
        try:
            services.time_entry_set(
                user=request.user, day=cell["date"], activity=activity, minutes=minutes, family=family, group=group
            )
            saved += 1
        except services.HoursRefused as refused:
            errors.append(f"{row.label}, {cell['date']:%d/%m}: {refused}")
    for error in errors:
        messages.error(request, error)
    if saved:
        messages.success(request, _("Ore salvate."))
    return redirect(f"{reverse('interventions:week')}?settimana={start.isoformat()}")


# --- Hours: the monthly timesheet ---------------------------------------------------------------------------------


def _timesheet_context(timesheet: Timesheet) -> dict:
    entries = list(
        timesheet.entries.select_related("family", "group", "intervention__type").order_by("date", "activity")
    )
    by_activity = timesheet.entries.values("activity").annotate(minutes=Sum("minutes")).order_by("activity")
    total = sum(e.minutes for e in entries)
    eligible = sum(e.minutes for e in entries if e.is_pnrr_eligible)
    by_day = Counter()
    for e in entries:
        by_day[e.date] += e.minutes
    long = dict(long_days(by_day))
    # What the charged hours are called: PNRR-eligible on a PNRR project, charged to the project on one funded
    # otherwise (the LEPS follow-on), so that a non-PNRR month never reads "PNRR: sì".
    pnrr = timesheet.project is not None and timesheet.project.is_pnrr
    return {
        "timesheet": timesheet,
        "charged_header": _("Rendicontabile PNRR") if pnrr else _("Imputata al progetto"),
        "charged_total": _("rendicontabili PNRR") if pnrr else _("imputate al progetto"),
        "entries": [
            {
                "entry": e,
                "hours": format_minutes(e.minutes),
                "activity": Activity(e.activity).label,
                "long_day": e.date in long,
            }
            for e in entries
        ],
        "long_days": [{"date": day, "hours": format_minutes(minutes)} for day, minutes in long.items()],
        "warning_hours": format_minutes(selectors.day_warning_minutes()),
        "by_activity": [
            {"label": Activity(r["activity"]).label, "hours": format_minutes(r["minutes"])} for r in by_activity
        ],
        "total": format_minutes(total),
        "eligible": format_minutes(eligible),
        "events": timesheet.log.select_related("by"),
    }


@require_GET
def my_month(request, year: int, month: int):
    require_hours_user(request.user)
    try:
        day = datetime.date(year, month, 1)
    except (ValueError, OverflowError) as error:  # the URL takes any digits: month 13, year 0 or 10^20
        raise Http404 from error
    timesheet = Timesheet.objects.filter(user=request.user, month=day).first()
    if timesheet is not None:
        return redirect(timesheet)
    return render(request, "interventions/timesheet_empty.html", {"month": day})


@require_GET
def my_timesheets(request):
    require_hours_user(request.user)
    sheets = (
        Timesheet.objects.filter(user=request.user)
        .annotate(minutes=Sum("entries__minutes"))
        .select_related("validated_by")
        .order_by("-month")
    )
    page = paginate(request, sheets, request.GET.get("page"))
    for sheet in page:
        sheet.hours = format_minutes(sheet.minutes or 0)
    return render(
        request, "interventions/my_timesheets.html", {"page": page, "this_month": month_start(timezone.localdate())}
    )


@require_GET
def timesheet_detail(request, pk: int):
    timesheet = get_timesheet_for(request.user, pk)
    context = _timesheet_context(timesheet)
    context.update(
        {
            "is_owner": timesheet.user_id == request.user.pk,
            "can_validate": services.can_validate(request.user, timesheet),
            "reopen_form": ReopenForm(),
        }
    )
    return render(request, "interventions/timesheet_detail.html", context)


def _timesheet_action(request, pk: int, action, *, owner_only: bool):
    timesheet = get_timesheet_for(request.user, pk)
    allowed = timesheet.user_id == request.user.pk if owner_only else services.can_validate(request.user, timesheet)
    if not allowed:
        raise PermissionDenied(_("Non puoi cambiare lo stato di questo foglio ore."))
    try:
        action(timesheet)
    except services.HoursRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Foglio ore aggiornato."))
    return redirect(timesheet)


@require_POST
def timesheet_confirm(request, pk: int):
    return _timesheet_action(
        request, pk, lambda t: services.timesheet_confirm(timesheet=t, by=request.user), owner_only=True
    )


@require_POST
def timesheet_withdraw(request, pk: int):
    return _timesheet_action(
        request, pk, lambda t: services.timesheet_withdraw(timesheet=t, by=request.user), owner_only=True
    )


@require_POST
def timesheet_validate(request, pk: int):
    return _timesheet_action(
        request, pk, lambda t: services.timesheet_validate(timesheet=t, by=request.user), owner_only=False
    )


@require_POST
def timesheet_reopen(request, pk: int):
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _timesheet_action(
        request, pk, lambda t: services.timesheet_reopen(timesheet=t, by=request.user, reason=reason), owner_only=False
    )


@require_GET
def timesheet_pdf(request, pk: int):
    timesheet = get_timesheet_for(request.user, pk)
    context = _timesheet_context(timesheet)
    context["generated_at"] = timezone.localtime()
    project = timesheet.project
    subject = _("Foglio ore di %(user)s, %(month)s") % {"user": timesheet.user, "month": f"{timesheet.month:%m/%Y}"}
    if project is not None:
        subject += f" — {project.short_label}"
    metadata = PdfMetadata(
        author=str(project.ambito if project is not None else timesheet.user.ambito or ""), subject=subject
    )
    pdf = render_pdf("interventions/timesheet_pdf.html", context, metadata=metadata)
    # The PDF names families by code only.
    families = {e["entry"].family_id for e in context["entries"] if e["entry"].family_id}
    record_accesses(request.user, families, request.get_full_path(), AccessLog.Action.PRINT, identities_shown=False)
    return download(pdf, f"foglio-ore-{timesheet.user.username}-{timesheet.month:%Y-%m}.pdf", "application/pdf")


@require_GET
def timesheet_list(request):
    """The validation queue of the Ufficio di Piano or of a partner's referent."""
    require_perm(request.user, "interventions.validate_timesheets")
    sheets = (
        Timesheet.objects.visible_to(request.user)
        .exclude(user=request.user)
        .select_related("user__organisation", "validated_by")
        .annotate(minutes=Sum("entries__minutes"))
        .order_by("-month", "user__last_name")
    )
    state = request.GET.get("stato", "confermato")
    if state in Timesheet.State.values:
        sheets = sheets.filter(state=state)
    page = paginate(request, sheets, request.GET.get("page"))
    for sheet in page:
        sheet.hours = format_minutes(sheet.minutes or 0)
    return render(
        request,
        "interventions/timesheet_list.html",
        {"page": page, "state": state, "states": Timesheet.State.choices},
    )


# --- Budget -------------------------------------------------------------------------------------------------------


@require_GET
def budget(request, project_pk: int):
    project = get_project_for(request.user, project_pk)
    require_perm(request.user, "interventions.view_budget")
    data = project_budget(project)
    return render(
        request,
        "interventions/budget.html",
        {
            "project": project,
            "budget": data,
            "ambiti": ambito_budgets_for(request.user, data),
            "chart": charts.budget_chart_svg(data.lines),
            "can_change": can_set_up_budget(request.user, project),
            "redactor": ambito_redactor(request.user, project.ambito_id),
        },
    )


def _budget_form_page(request, form, title: str, project):
    return render_form(request, form, title, reverse("interventions:budget", args=[project.pk]))


def _budget_row_saved(request, form) -> bool:
    """Save a valid budget form through its service; a refusal (the financed amount passed meanwhile by another
    save) becomes the form's error and the form is shown again."""
    row = form.save(commit=False)
    try:
        if isinstance(row, CostItem):
            services.cost_item_save(item=row, by=request.user)
        else:
            services.budget_line_save(line=row, by=request.user)
    except services.BudgetRefused as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


def _back_to_budget(request, project_pk: int, done: str):
    messages.success(request, done)
    return redirect("interventions:budget", project_pk)


@require_http_methods(["GET", "POST"])
@once_per_submission
def budget_line_create(request, project_pk: int):
    project = get_budget_project_for(request.user, project_pk)
    require_perm(request.user, "interventions.change_budget")
    form = BudgetLineForm(request.POST or None, project=project)
    if form.is_valid() and _budget_row_saved(request, form):
        return _back_to_budget(request, project.pk, _("Voce di budget aggiunta."))
    return _budget_form_page(request, form, _("Nuova voce di budget del personale"), project)


@require_http_methods(["GET", "POST"])
def budget_line_edit(request, pk: int):
    line = get_budget_line_for(request.user, pk)
    require_perm(request.user, "interventions.change_budget")
    form = BudgetLineForm(request.POST or None, instance=line, project=line.project)
    if form.is_valid() and _budget_row_saved(request, form):
        return _back_to_budget(request, line.project.pk, _("Voce di budget aggiornata."))
    return _budget_form_page(
        request, form, _("Voce di budget: %(profile)s") % {"profile": line.get_profile_display()}, line.project
    )


@require_POST
def budget_line_delete(request, pk: int):
    line = get_budget_line_for(request.user, pk)
    require_perm(request.user, "interventions.change_budget")
    services.budget_line_delete(line=line, by=request.user)
    return _back_to_budget(request, line.project_id, _("Voce di budget eliminata."))


@require_http_methods(["GET", "POST"])
@once_per_submission
def cost_item_create(request, project_pk: int):
    project = get_budget_project_for(request.user, project_pk)
    require_perm(request.user, "interventions.change_budget")
    form = CostItemForm(request.POST or None, request.FILES or None, project=project)
    if form.is_valid() and _budget_row_saved(request, form):
        return _back_to_budget(request, project.pk, _("Voce di costo aggiunta."))
    return _budget_form_page(request, form, _("Nuova voce di costo (non di personale)"), project)


@require_http_methods(["GET", "POST"])
def cost_item_edit(request, pk: int):
    item = get_cost_item_for(request.user, pk, to_change=True)
    project = item.project
    require_perm(request.user, "interventions.change_budget")
    form = CostItemForm(request.POST or None, request.FILES or None, instance=item, project=project)
    if form.is_valid() and _budget_row_saved(request, form):
        return _back_to_budget(request, project.pk, _("Voce di costo aggiornata."))
    return _budget_form_page(request, form, _("Voce di costo"), project)


@require_POST
def cost_item_delete(request, pk: int):
    item = get_cost_item_for(request.user, pk, to_change=True)
    require_perm(request.user, "interventions.change_budget")
    services.cost_item_delete(item=item, by=request.user)
    return _back_to_budget(request, item.project_id, _("Voce di costo eliminata."))


@require_GET
def cost_item_document(request, pk: int):
    """The supporting document of a cost item, for whoever reads the project's budget."""
    item = get_cost_item_for(request.user, pk)
    require_perm(request.user, "interventions.view_budget")
    return protected_file_response(item.document, f"giustificativo-{item.pk}")
