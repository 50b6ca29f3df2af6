"""Erasing identities at the end of the retention period (docs/security.md, "Retention").

A family whose path ended (conclusa, interrotta, non inclusa) more than the retention period ago keeps
what reports need — its code, states and dates, ratings, SDQ scores, objectives' statuses, outcomes,
counts, the birth year of each member (so that age bands still work) — and loses everything that can
name a person: names, codice fiscale and its hash, address, phone, school, diary text, every free text
(referral reason, pre-assessment, voices, plan texts, minutes, notes, reasons), and the signed consent
files. The change history that still holds the old values is purged. What was done is written to
`AnonymisationLog`, which also makes the operation idempotent.

Purging history rows needs the owner role (the application role may not delete them), so
`manage.py anonymise_closed` runs as the owner, like the migrations.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Cast, ExtractYear

from .history import family_event_querysets
from .models import (
    AFFIDO_FIELDS,
    ENDED_STATES,
    RESIDENTIAL_FIELDS,
    Action,
    AnonymisationLog,
    Assessment,
    AssessmentRating,
    Closure,
    Consent,
    DiaryNote,
    DuplicateConfirmation,
    Family,
    Member,
    Objective,
    Placement,
    PlanComment,
    Preassessment,
    ProgettoQuadro,
    ProjectTakeover,
    Referral,
    SDQScore,
    TeamMeeting,
    TeamMember,
    TransitionLog,
    Verification,
)

logger = logging.getLogger(__name__)

PLACEHOLDER = "[anonimizzato]"

# Free-text columns that can name people, by model, with the path from the model to its family.
FREE_TEXTS = {
    Family: ("pk", ["suspension_reason"]),
    Referral: ("family", ["reason"]),
    Preassessment: ("family", ["risk_factors", "protective_factors", "motivation"]),
    AssessmentRating: ("assessment__family", ["child_voice", "parents_voice", "operators_voice"]),
    ProgettoQuadro: ("family", ["general_aims", "revision_reason"]),
    Objective: ("plan__family", ["expected_result", "verification_method"]),
    Action: ("objective__plan__family", ["description", "responsible_other", "frequency"]),
    Verification: ("objective__plan__family", ["notes"]),
    PlanComment: ("plan__family", ["text"]),
    TeamMember: ("family", ["external_name"]),
    TeamMeeting: ("family", ["minutes", "decisions"]),
    Closure: ("family", ["notes"]),
    TransitionLog: ("family", ["reason"]),
    DuplicateConfirmation: ("family", ["reason"]),
}
# Columns of the same models that stay: codes, states, choices and short functional labels that name no one.
# The SINBA fields (sinba_*) are codes of the national return's lists (pippi_portal.sinba_codes): categories
# that name no one, kept for the statistics like the kind and sex of a member.
SINBA_FAMILY = ["sinba_judicial_report", "sinba_family_assessment", "sinba_order_type", "sinba_parental_responsibility"]
SINBA_MEMBER = ["sinba_condition", "sinba_living_place", "sinba_school", "sinba_work", "sinba_disability"]
KEPT = {
    Family: [
        "code",
        "state",
        "suspended_from",
        "interruption_reason",
        "language",
        "judicial_authority_court",
        *SINBA_FAMILY,
        "sinba_isee_band",
        "sinba_collaboration",
    ],
    Member: [
        "kind",
        "sex",
        "school_class",
        *SINBA_MEMBER,
        "sinba_assessment",
        "sinba_education",
        "sinba_occupation",
        "sinba_disability_type",
        "sinba_disability_certification",
        "citizenship",
    ],
    Referral: ["source", "sinba_source"],
    Closure: ["sinba_closure_reason", "sinba_closure_situation"],
    # A placement's kind and codes (the XSD's lists, like the sinba_* fields); its dates stay like the others.
    Placement: ["kind", "form", *AFFIDO_FIELDS, "affido_outcome", *RESIDENTIAL_FIELDS, "residential_outcome"],
    Preassessment: ["orientation"],
    Assessment: ["time_point"],
    SDQScore: ["time_point", "respondent"],
    Objective: ["status"],
    Verification: ["time_point", "outcome"],
    TeamMember: ["role"],
    Consent: ["kind"],
    DiaryNote: ["sensitivity"],
    TransitionLog: ["from_state", "to_state"],
    ProjectTakeover: ["state"],
}


@dataclass(frozen=True)
class DueFamily:
    family: Family
    ended_state: str
    ended_on: datetime.date


def families_due(older_than_years: int, today: datetime.date) -> list[DueFamily]:
    """Ended families whose path ended more than `older_than_years` ago and are not anonymised yet. The end
    is the day (`effective_on`) of the latest transition into the state the family is in."""
    cutoff = today - relativedelta(years=older_than_years)
    ending = TransitionLog.objects.filter(family=OuterRef("pk"), to_state=OuterRef("state")).order_by(
        "-effective_on", "-at", "-pk"
    )
    families = (
        Family.objects.filter(state__in=ENDED_STATES)
        .exclude(pk__in=AnonymisationLog.objects.values("family_id"))
        .annotate(ended_on=Subquery(ending.values("effective_on")[:1]))
        .filter(ended_on__lt=cutoff)
        .order_by("ended_on", "pk")
    )
    return [DueFamily(f, f.state, f.ended_on) for f in families]


def mid_year(date_column: str) -> models.Func:
    """1 July of the date's year: the birth year survives (age bands), the birthday does not."""
    return models.Func(
        Cast(ExtractYear(date_column), models.IntegerField()),
        Value(7),
        Value(1),
        function="make_date",
        output_field=models.DateField(),
    )


def _delete_files(files) -> None:
    for stored in files:
        stored.storage.delete(stored.name)


def _erase_texts(family: Family) -> int:
    erased = 0
    for model, (path, columns) in FREE_TEXTS.items():
        rows = model.objects.filter(**{path: family.pk})
        for column in columns:
            erased += rows.exclude(**{column: ""}).exclude(**{column: PLACEHOLDER}).update(**{column: PLACEHOLDER})
    return erased


def family_anonymise(*, due: DueFamily, by: str = "system", dry_run: bool = False) -> dict[str, int]:
    """Erase the identities of one ended family and purge its change history; return what was erased.
    With `dry_run` everything is counted in a transaction that is rolled back, and no file is deleted."""
    family = due.family
    with pgtrigger.ignore(), transaction.atomic():
        # Only the anonymisation's own log records this change: the history triggers stay silent.
        members = Member.objects.filter(family=family)
        counts = {
            "componenti": members.update(
                first_name=PLACEHOLDER,
                last_name=PLACEHOLDER,
                codice_fiscale=None,
                codice_fiscale_hash="",
                birth_comune_code="",
                relationship="",
                school="",
                birth_date=mid_year("birth_date"),
            ),
            "note_di_diario": DiaryNote.objects.filter(family=family).update(text=PLACEHOLDER),
            "testi_liberi": _erase_texts(family),
        }
        Family.objects.filter(pk=family.pk).update(address=None, phone=None)
        consents = list(Consent.objects.filter(family=family).exclude(file=""))
        counts["documenti_di_consenso"] = len(consents)
        Consent.objects.filter(pk__in=[c.pk for c in consents]).update(file="")
        # Collect every history row first: the lookups of child tables go through their parents' rows.
        doomed = [
            (qs.model, list(qs.values_list("pgh_id", flat=True))) for _tracked, qs in family_event_querysets(family.pk)
        ]
        counts["eventi_di_storico"] = sum(len(ids) for _model, ids in doomed)
        for model, ids in doomed:
            model.objects.filter(pgh_id__in=ids).delete()
        if dry_run:
            transaction.set_rollback(True)
            return counts
        AnonymisationLog.objects.create(
            family=family,
            family_code=family.code,
            ended_state=due.ended_state,
            ended_on=due.ended_on,
            performed_by=by,
            counts=counts,
        )
        files = [c.file for c in consents]
        # Files go only once the database change is committed: a rolled-back run keeps them.
        transaction.on_commit(lambda: _delete_files(files))
    logger.info("Famiglia %s anonimizzata da %s: %s", family.code, by, counts)
    return counts
