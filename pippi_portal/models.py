"""Cross-app bookkeeping: the submissions already processed (see pippi_portal.idempotency) and the login
records of django-axes as the admin shows them."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmittedForm(models.Model):
    """A form submission that was processed, by its one-time token, so that a second submission of the same
    page (a double click, a reload, a retry) is recognised and not processed again."""

    token = models.CharField(_("codice monouso"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("utente")
    )
    redirect_url = models.CharField(_("pagina successiva"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("inviato il"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("modulo già inviato")
        verbose_name_plural = _("moduli già inviati")

    def __str__(self) -> str:
        return self.token


# django-axes' records under Italian names, for the admin (pippi_portal/admin.py).


class PortalLogin(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("accesso al portale")
        verbose_name_plural = _("accessi al portale")


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("accesso non riuscito")
        verbose_name_plural = _("accessi non riusciti")


class LoginLockout(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("tentativi falliti e blocco")
        verbose_name_plural = _("tentativi falliti e blocchi")


class BackgroundWorker(models.Model):
    """A running background worker (`manage.py run_worker`), as it last reported itself alive. Its row is written
    every few seconds while it runs and deleted when it stops cleanly; a job whose worker has not been seen for
    `TASK_LEASE_SECONDS` is taken up again by another worker (pippi_portal.tasks)."""

    worker_id = models.CharField(_("identificativo"), max_length=64, primary_key=True)
    hostname = models.CharField(_("server"), max_length=255)
    pid = models.PositiveIntegerField(_("processo"))
    started_at = models.DateTimeField(_("avviato il"))
    seen_at = models.DateTimeField(_("ultimo segnale"), db_index=True)

    class Meta:
        verbose_name = _("processo in background")
        verbose_name_plural = _("processi in background")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
