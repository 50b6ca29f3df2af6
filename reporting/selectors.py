"""Fetch-and-authorise helpers: one per resource, each answering 404 outside the user's scope."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from equipes.models import Organisation, Project, Role, User

from .models import (
    Complaint,
    ImpactIndicator,
    IndicatorValue,
    QualityControl,
    SatisfactionSurvey,
    SurveyLink,
    SurveyLinkBatch,
    hash_token,
)


def get_survey_for(user: User, pk: int) -> SatisfactionSurvey:
    return get_object_or_404(SatisfactionSurvey.objects.visible_to(user).select_related("project"), pk=pk)


def get_link_batch_for(user: User, pk: int) -> SurveyLinkBatch:
    return get_object_or_404(SurveyLinkBatch.objects.visible_to(user).select_related("survey__project"), pk=pk)


def get_complaint_for(user: User, pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.visible_to(user).select_related("project", "organisation", "created_by"), pk=pk
    )


def get_control_for(user: User, pk: int) -> QualityControl:
    return get_object_or_404(
        QualityControl.objects.visible_to(user).select_related("project", "organisation", "created_by"), pk=pk
    )


def get_indicator_for(user: User, pk: int) -> ImpactIndicator:
    return get_object_or_404(ImpactIndicator.objects.visible_to(user).select_related("project"), pk=pk)


def get_indicator_value_for(user: User, pk: int) -> IndicatorValue:
    return get_object_or_404(
        IndicatorValue.objects.filter(indicator__in=ImpactIndicator.objects.visible_to(user)).select_related(
            "indicator__project"
        ),
        pk=pk,
    )


def get_link_for_token(token: str) -> SurveyLink:
    """The link a respondent opened, whoever they are (no login): 404 when the token is unknown or its batch
    has expired. A used link is returned: the page says so kindly."""
    link = (
        SurveyLink.objects.select_related("batch__survey__project__ambito")
        .filter(token_hash=hash_token(token), batch__expires_on__gte=timezone.localdate())
        .first()
    )
    if link is None:
        raise Http404
    return link


def projects_for(user: User):
    """The projects a user may file surveys, complaints, controls and indicators under: the ambito's, or
    for a partner's referent those its organisation takes part in."""
    projects = Project.objects.visible_to(user).order_by("-start_date")
    if user.role == Role.REFERENTE_ENTE:
        return projects.filter(partners=user.organisation_id)
    return projects


def organisations_for(user: User):
    if user.is_admin_role:
        return Organisation.objects.select_related("ambito").order_by("ambito__name", "name")
    return Organisation.objects.filter(ambito_id=user.ambito_id).order_by("name")


def projects_reported_by_their_lead(user: User):
    """The projects the user's ambito takes part in as an associated ambito: their reports are started and
    approved by the lead ambito's Ufficio di Piano (`Project.objects.led_by`), the user reads them."""
    if user.is_admin_role or user.ambito_id is None:
        return Project.objects.none()
    return (
        Project.objects.visible_to(user)
        .exclude(ambito_id=user.ambito_id)
        .select_related("ambito")
        .order_by("-start_date")
    )
