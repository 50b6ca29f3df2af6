"""Fetch-and-authorise helpers: one per resource, each answering 404 outside the user's scope."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import Equipe, GovernanceMeeting, Implementation, Project, ProjectTarget, StaffTraining, User


def get_project_for(user: User, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(user).select_related("ambito", "predecessor", "concluded_by"), pk=pk
    )


def get_implementation_for(user: User, pk: int) -> Implementation:
    return get_object_or_404(Implementation.objects.visible_to(user).select_related("project__ambito"), pk=pk)


def get_target_for(user: User, pk: int) -> ProjectTarget:
    return get_object_or_404(ProjectTarget.objects.visible_to(user).select_related("project__ambito"), pk=pk)


def get_equipe_for(user: User, pk: int) -> Equipe:
    return get_object_or_404(Equipe.objects.visible_to(user).select_related("ambito"), pk=pk)


def get_staff_member_for(user: User, pk: int) -> User:
    """A professional in the user's staff register (Ufficio di Piano: the ambito; referent: its organisation)."""
    return get_object_or_404(User.objects.staff_register_for(user).select_related("ambito", "organisation"), pk=pk)


def get_training_for(user: User, pk: int) -> StaffTraining:
    return get_object_or_404(StaffTraining.objects.visible_to(user).select_related("user"), pk=pk)


def get_meeting_for(user: User, pk: int) -> GovernanceMeeting:
    return get_object_or_404(GovernanceMeeting.objects.visible_to(user), pk=pk)
