"""Cross-app bookkeeping: the submissions already processed (see pippi_portal.idempotency)."""

from django.conf import settings
from django.db import models


class SubmittedForm(models.Model):
    """A form submission that was processed, by its one-time token, so that a second submission of the same
    page (a double click, a reload, a retry) is recognised and not processed again."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.token
