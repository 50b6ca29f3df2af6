"""Groups of parents or children: the modules, their sessions and who attended."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, AmbitoScopedQuerySet, Implementation, Project, Role
from families.models import Family, Member, Objective

from .intervention import InterventionType

GROUP_OBJECTIVES_RULE = _(
    "Un gruppo risponde solo agli obiettivi dei Progetti Quadro in vigore delle famiglie che vi partecipano, "
    "nel progetto e nell'ambito del gruppo."
)


class GroupQuerySet(AmbitoScopedQuerySet):
    def visible_to(self, user):
        """The ambito's groups; for a partner's referent only those its organisation runs (`run_by_partner`)."""
        groups = super().visible_to(user)
        if user.is_authenticated and user.role == Role.REFERENTE_ENTE:
            return groups.run_by_partner(user.organisation_id)
        return groups

    def run_by_partner(self, organisation_id: int | None):
        """The groups a partner organisation runs (001: the partner manages the groups with its facilitators):
        of a project it is a partner of, with at least one of its staff among the facilitators."""
        if organisation_id is None:
            return self.none()
        facilitated = Group.facilitators.through.objects.filter(user__organisation_id=organisation_id)
        return self.filter(project__partners=organisation_id, pk__in=facilitated.values("group_id"))


class Group(models.Model):
    """A module of group meetings (as many as its project's rule says, 6–8 in 001) for parents, children or both."""

    class Frequency(models.TextChoices):
        SETTIMANALE = "settimanale", _("Settimanale")
        QUINDICINALE = "quindicinale", _("Quindicinale")

    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="groups", verbose_name=_("ambito"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="groups", verbose_name=_("progetto")
    )
    # Required in the form; null only for groups recorded before groups belonged to an implementation and that
    # the data migration could not place (no implementation of their project or ambito around their start).
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("implementazione"),
    )
    type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="groups", verbose_name=_("tipo"))
    module_number = models.PositiveSmallIntegerField(_("modulo n."))
    name = models.CharField(_("nome"), max_length=150)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", verbose_name=_("facilitatori")
    )
    venue = models.CharField(_("sede"), max_length=200)
    # The module's length is the project's rule (`group_module_min_sessions`…`max`, 6–8 in 001), checked by
    # the form; the database only keeps it sensible.
    planned_sessions = models.PositiveSmallIntegerField(
        _("incontri previsti"), validators=[MinValueValidator(1), MaxValueValidator(30)], default=6
    )
    frequency = models.CharField(_("frequenza"), max_length=20, choices=Frequency.choices)
    start_date = models.DateField(_("inizio"))
    participants = models.ManyToManyField(Member, blank=True, related_name="groups", verbose_name=_("partecipanti"))
    # Issue 13 §2: a group "may serve Progetto Quadro objectives", those of the families taking part in it, in
    # the group's project and ambito (`objective_choices`; `services.group_set_objectives` checks it).
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="groups", verbose_name=_("obiettivi dei Progetti Quadro a cui risponde")
    )

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("gruppo")
        verbose_name_plural = _("gruppi")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_sessions__gte=1, planned_sessions__lte=30), name="group_planned_sessions_range"
            ),
            models.UniqueConstraint(fields=["ambito", "type", "module_number"], name="group_module_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (modulo {self.module_number})"

    def get_absolute_url(self) -> str:
        return reverse("interventions:group-detail", args=[self.pk])

    def families_taking_part(self):
        """The families with a member among the participants or at a session (attendance is recorded only for
        participants, but a participant taken off the list keeps the sessions attended)."""
        return Family.objects.filter(
            Q(members__groups=self) | Q(members__attendances__session__group=self, members__attendances__present=True)
        ).distinct()

    def objective_choices(self):
        """The objectives the group may serve: those of the plans in force of the families taking part, when the
        family is of the group's ambito and of its project (a group recorded without a project serves none)."""
        if self.project_id is None:
            return Objective.objects.none()
        return Objective.objects.filter(
            plan__superseded_at__isnull=True,
            plan__family__in=self.families_taking_part().values("pk"),
            plan__family__ambito_id=self.ambito_id,
            plan__family__implementation__project_id=self.project_id,
        )


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("gruppo"))
    date = models.DateField(_("data"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durata (minuti)"), validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    topic = models.CharField(_("tema"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("incontro di gruppo")
        verbose_name_plural = _("incontri di gruppo")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["group", "date"], name="group_session_unique_per_day")]

    def __str__(self) -> str:
        return f"{self.group} {self.date:%d/%m/%Y}"


class Attendance(models.Model):
    session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("incontro")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("componente")
    )
    present = models.BooleanField(_("presente"), default=False)

    class Meta:
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.session}: {'presente' if self.present else 'assente'}"
