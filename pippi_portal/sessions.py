"""The session engine (SESSION_ENGINE): Django's database sessions, whose read at every request runs SQL
compiled once per process (`pippi_portal.compiled`, issue 16) instead of building and compiling the same
query each time."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from . import compiled


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            found = compiled.rows(
                ("session", self.model),
                lambda key, now: self.model.objects.filter(session_key=key, expire_date__gt=now),
                self.session_key,
                timezone.now(),
            )
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            found = []
        if not found:
            self._session_key = None
            return None
        return found[0]
