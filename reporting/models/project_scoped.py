"""What every quality record shares: it belongs to a PNRR project, and through it to an ambito."""

from __future__ import annotations

from django.db import models


class ProjectScopedQuerySet(models.QuerySet):
    """Objects that belong to an ambito through their PNRR project (`project_path`)."""

    project_path = "project"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(**{f"{self.project_path}__ambito_id": user.ambito_id})


class ProjectScoped(models.Model):
    """An object of a project: its ambito is the project's."""

    class Meta:
        abstract = True

    @property
    def ambito_id(self) -> int:
        return self.project.ambito_id
