"""The work waiting for the user, at the top of the dashboard: one line per kind of pending item with how many
there are and a link to the page that lists exactly them. Every kind is a QuerySet method of its own app; the
counts are taken in one query (`count_each`), the T1/T2 deadlines from the list the dashboard already shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from equipes.models import Role, User
from families.models import DuplicateConfirmation, Family
from interventions.models import Timesheet
from pippi_portal.queries import count_each

from .models import COMPLAINT_RESPONSE_DAYS, Complaint, ReportRun, SurveyResultsReport, answer_due_received_on


@dataclass(frozen=True)
class PendingItem:
    count: int
    text: str
    url: str
    late: bool = False
    entries: list[tuple[str, str]] = field(default_factory=list)  # (label, url) when the items are listed


def _url(name: str, query: dict | None = None) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _families_url(user: User, **query) -> str:
    """The family list narrowed as the pending line counts: a case manager's own families."""
    if user.role == Role.CASE_MANAGER:
        query["case_manager"] = user.pk
    return _url("families:family-list", query)


def follows_families(user: User) -> bool:
    """The roles whose pending work includes the families' T1/T2 and plans: the case manager (its own families)
    and the Referente di Ambito (the ambito's)."""
    return user.role in (Role.CASE_MANAGER, Role.COORDINATORE)


def pending_work(user: User, *, deadlines: list[Family] | None, today: datetime.date) -> list[PendingItem]:
    """What waits for `user` today, in the order it should be done; nothing for the administrators."""
    if user.ambito_id is None:
        return []
    querysets = {"months": Timesheet.objects.to_confirm_by(user, today)}
    if user.role in (Role.UFFICIO_PIANO, Role.REFERENTE_ENTE):
        querysets["timesheets"] = Timesheet.objects.to_validate_by(user)
    if user.role == Role.UFFICIO_PIANO:
        querysets["complaints"] = Complaint.objects.unanswered_by(user, today)
        querysets["runs"] = ReportRun.objects.to_approve_by(user)
        querysets["survey_reports"] = SurveyResultsReport.objects.to_approve_by(user)
    if follows_families(user):
        families = Family.objects.visible_to(user)
        if user.role == Role.CASE_MANAGER:
            families = families.filter(case_manager=user)
        querysets["plans"] = families.plans_to_verify()
    if user.role == Role.COORDINATORE:
        querysets["duplicates"] = DuplicateConfirmation.objects.to_review_by(user)
    counts = count_each(querysets)

    items: list[PendingItem] = []
    if deadlines is not None and follows_families(user):
        overdue = sum(1 for family in deadlines if family.next_due < today)
        if overdue:
            text = ngettext("valutazione T1/T2 scaduta", "valutazioni T1/T2 scadute", overdue)
            items.append(PendingItem(overdue, text, _families_url(user, overdue="on"), late=True))
        upcoming = len(deadlines) - overdue
        if upcoming:
            text = ngettext("valutazione T1/T2 in scadenza", "valutazioni T1/T2 in scadenza", upcoming)
            items.append(PendingItem(upcoming, text, "#deadlines-title"))
    if counts.get("plans"):
        n = counts["plans"]
        text = ngettext("Progetto Quadro con obiettivi da verificare", "Progetti Quadro con obiettivi da verificare", n)
        items.append(PendingItem(n, text, _families_url(user, to_verify="on")))
    if counts.get("duplicates"):
        n = counts["duplicates"]
        text = ngettext(
            "codice fiscale registrato due volte da verificare", "codici fiscali registrati due volte da verificare", n
        )
        items.append(PendingItem(n, text, _url("families:duplicate-list")))
    if counts.get("timesheets"):
        n = counts["timesheets"]
        text = ngettext("foglio ore da validare", "fogli ore da validare", n)
        items.append(PendingItem(n, text, _url("interventions:timesheet-list", {"stato": "confermato"})))
    if counts.get("complaints"):
        n = counts["complaints"]
        text = ngettext("reclamo aperto da più di %(days)d giorni", "reclami aperti da più di %(days)d giorni", n) % {
            "days": COMPLAINT_RESPONSE_DAYS
        }
        query = {"status": "aperti", "received_to": answer_due_received_on(today).isoformat()}
        items.append(PendingItem(n, text, _url("reporting:complaint-list", query), late=True))
    if counts.get("runs"):
        n = counts["runs"]
        text = ngettext("rendicontazione in revisione da approvare", "rendicontazioni in revisione da approvare", n)
        items.append(PendingItem(n, text, _url("reporting:report-list", {"stato": ReportRun.State.IN_REVISIONE})))
    if counts.get("survey_reports"):
        n = counts["survey_reports"]
        text = ngettext(
            "relazione sugli esiti di un questionario da approvare",
            "relazioni sugli esiti dei questionari da approvare",
            n,
        )
        query = {"relazione": SurveyResultsReport.State.INVIATA}
        items.append(PendingItem(n, text, _url("reporting:survey-list", query)))
    if user.role == Role.REFERENTE_ENTE:
        items.extend(_returned_to(user))
    if counts.get("months"):
        n = counts["months"]
        text = ngettext("mese di ore da confermare", "mesi di ore da confermare", n)
        items.append(PendingItem(n, text, _url("interventions:my-timesheets")))
    return items


def _returned_to(user: User) -> list[PendingItem]:
    """The reports the Ufficio di Piano sent back to the partner's referent, each with its link (two queries)."""
    entries = [
        (
            _("%(report)s, riportata in bozza il %(day)s")
            % {"report": run, "day": f"{localtime(run.returned_at):%d/%m/%Y}"},
            run.get_absolute_url(),
        )
        for run in ReportRun.objects.returned_to(user).select_related("project").order_by("-returned_at")
    ]
    entries += [
        (
            _("Relazione sugli esiti di «%(survey)s», rimandata il %(day)s")
            % {"survey": report.survey.title, "day": f"{localtime(report.returned_at):%d/%m/%Y}"},
            report.get_absolute_url(),
        )
        for report in SurveyResultsReport.objects.returned_to(user).select_related("survey").order_by("-returned_at")
    ]
    if not entries:
        return []
    n = len(entries)
    text = ngettext(
        "testo rimandato dall'Ufficio di Piano da correggere", "testi rimandati dall'Ufficio di Piano da correggere", n
    )
    return [PendingItem(n, text, entries[0][1], entries=entries)]
