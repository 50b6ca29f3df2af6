"""What every quality record shares: it belongs to a PNRR project, and through it to an ambito."""

from __future__ import annotations

from django.db import models

from equipes.models import Project


class ProjectScopedQuerySet(models.QuerySet):
    """Objects that belong to a PNRR project (`project_path`): seen in every ambito of the project, lead or
    associated; changed by the lead's Ufficio di Piano (their `ambito_id` is the lead's)."""

    project_path = "project"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(**{f"{self.project_path}__in": Project.objects.of_ambito(user.ambito_id)})


class ProjectScoped(models.Model):
    """An object of a project: its ambito is the project's."""

    class Meta:
        abstract = True

    @property
    def ambito_id(self) -> int:
        return self.project.ambito_id
