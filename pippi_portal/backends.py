"""The authentication backend: allauth's, loading the user with their ambito and organisation in one query
and leaving the portal's own permissions to `rules`.

Django asks every backend in turn; a `rules` permission that a role does not have would otherwise fall
through to ModelBackend, which reads the user's and groups' permission tables on every request. Those
tables only matter for the Django admin's model permissions."""

from __future__ import annotations

import rules
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from . import compiled


class PortalAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        """The user of the session, at every request: SQL compiled once per process (`compiled`)."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = compiled.get_by_pk(
            ("session-user", model), lambda: model._default_manager.select_related("ambito", "organisation"), pk
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False  # answered by rules.permissions.ObjectPermissionBackend
        return super().has_perm(user_obj, perm, obj)
