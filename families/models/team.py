"""What the family's équipe multidisciplinare (EM) keeps: its members and meetings, the consents, the diary
and the closure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pippi_portal import sinba_codes
from pippi_portal.crypto import EncryptedTextField
from pippi_portal.uploads import document_upload_path, validate_document

from .family import Family, FamilyScopedQuerySet, Member
from .reference import ClosureOutcome


class TeamMember(models.Model):
    """A member of the family's équipe multidisciplinare: a professional, a family member or an outside
    person (teacher, paediatrician) named with a role."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="team", verbose_name=_("famiglia"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_teams",
        verbose_name=_("operatore"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("familiare")
    )
    external_name = models.CharField(_("persona esterna"), max_length=120, blank=True)
    role = models.CharField(_("ruolo"), max_length=80)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("componente dell'EM")
        verbose_name_plural = _("équipe multidisciplinare")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, member__isnull=True, external_name="")
                    | Q(user__isnull=True, member__isnull=False, external_name="")
                    | (Q(user__isnull=True, member__isnull=True) & ~Q(external_name=""))
                ),
                name="team_member_is_one_kind",
            ),
            models.UniqueConstraint(fields=["family", "user"], name="team_user_unique"),
            models.UniqueConstraint(fields=["family", "member"], name="team_family_member_unique"),
        ]

    def __str__(self) -> str:
        who = self.user or self.member or self.external_name
        return f"{who} ({self.role})"


class TeamMeeting(models.Model):
    """An EM meeting, the family included."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="team_meetings", verbose_name=_("famiglia")
    )
    date = models.DateField(_("data"))
    participants = models.ManyToManyField(TeamMember, related_name="meetings", verbose_name=_("partecipanti"))
    minutes = models.TextField(_("verbale"), blank=True)
    decisions = models.TextField(_("decisioni"), blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incontro dell'EM")
        verbose_name_plural = _("incontri dell'EM")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"EM {self.date:%d/%m/%Y}"


def consent_upload_to(instance: Consent, filename: str) -> str:
    # The stored path reveals neither the family nor the original file name.
    return document_upload_path(f"consents/{instance.family.ambito_id}", instance.file, filename)


class Consent(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Informativa privacy")
        ADESIONE = "adesione", _("Adesione al programma")
        SCUOLA = "condivisione_scuola", _("Condivisione dati con la scuola")
        SANITA = "condivisione_sanita", _("Condivisione dati con i servizi sanitari")
        PARTNER = "condivisione_partner", _("Condivisione dati con l'ente partner")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents", verbose_name=_("famiglia"))
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    signed_on = models.DateField(_("firmato il"))
    signed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("firmato da")
    )
    file = models.FileField(_("documento firmato"), upload_to=consent_upload_to, validators=[validate_document])
    revoked_on = models.DateField(_("revocato il"), null=True, blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consenso")
        verbose_name_plural = _("consensi")
        ordering = ["kind", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("signed_on")),
                name="consent_revoked_after_signature",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None


class DiaryNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notes of visible families; a "riservata" note only to the author's profession and the case manager."""
        notes = self.filter(family__in=Family.objects.visible_to(user))
        if user.is_admin_role:
            return notes
        if not user.sees_identities:
            return notes.none()
        return notes.filter(
            Q(sensitivity=DiaryNote.Sensitivity.ORDINARIA)
            | Q(author__profile=user.profile, author__profile__gt="")
            | Q(author=user)
            | Q(family__case_manager=user)
        )


class DiaryNote(models.Model):
    class Sensitivity(models.TextChoices):
        ORDINARIA = "ordinaria", _("Ordinaria")
        RISERVATA = "riservata", _("Riservata (solo la stessa professione e il case manager)")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="notes", verbose_name=_("famiglia"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("autore")
    )
    date = models.DateField(_("data"))
    text = EncryptedTextField(_("testo"))
    sensitivity = models.CharField(
        _("riservatezza"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.ORDINARIA
    )
    created_at = models.DateTimeField(_("scritta il"), auto_now_add=True)

    objects = DiaryNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("nota di diario")
        verbose_name_plural = _("diario")
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"Nota del {self.date:%d/%m/%Y}"


class Closure(models.Model):
    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="closure", verbose_name=_("famiglia"))
    date = models.DateField(_("data di chiusura"))
    outcome = models.ForeignKey(ClosureOutcome, on_delete=models.PROTECT, related_name="+", verbose_name=_("esito"))
    child_at_home = models.BooleanField(_("il bambino vive ancora in famiglia"))
    notes = models.TextField(_("note di post-valutazione"), blank=True)
    # The SINBA return: why the case is closed and where the children are then (the same for each child).
    sinba_closure_reason = models.CharField(
        _("motivo della chiusura (SINBA)"),
        max_length=2,
        choices=sinba_codes.motivazione_chiusura,
        blank=True,
        default="",
        db_default="",
    )
    sinba_closure_situation = models.CharField(
        _("situazione dei minori alla chiusura (SINBA)"),
        max_length=2,
        choices=sinba_codes.situazione_chiusura,
        blank=True,
        default="",
        db_default="",
    )

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")

    def __str__(self) -> str:
        return f"{self.family} — {self.outcome.code}"
