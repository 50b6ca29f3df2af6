"""The rules a project's document sets and the code once hard-wired: the SEDT weekly minimum, the length of a
group module, the shares of older children and of reunifications, the age bands of the reports, the survey
scale, the dashboards' deadline window and the judicial-authority warning.

Each is a field of `Project` (one block, see `PROJECT_RULE_FIELDS`) whose default is the value of the Seregno
notice (`001_…`); `ProjectRules` is the same set as a plain value, so that a family or a group that belongs to no
project yet follows the defaults (`rules_of(None)`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pippi_portal.formatting import format_number

# The widest survey scale a project may choose; the answers' database constraint allows up to it.
LIKERT_POINTS_MIN, LIKERT_POINTS_MAX = 4, 7
# The ages the programme reaches (0–17): the age bands of the reports must lie inside them.
AGE_MIN, AGE_MAX = 0, 17


@dataclass(frozen=True)
class ProjectRules:
    # "I singoli interventi educativi non possono essere inferiori ad otto ore settimanali" (001).
    sedt_minimum_weekly_hours: Decimal = Decimal("8")
    # No seed allows fewer hours: an exception with a written reason is off unless the project allows it.
    sedt_exception_allowed: bool = False
    # "moduli da 6/8 incontri" (001).
    group_module_min_sessions: int = 6
    group_module_max_sessions: int = 8
    # "possono costituire mediamente il 20% delle famiglie incluse" (001), in percent of included families.
    older_children_share_percent: int = 20
    reunification_share_percent: int = 20
    # The bands of the children reached in the reports: 0–11 the programme's target, 12–17 the adolescents (001).
    report_age_bands: str = "0-3, 4-6, 7-11, 12-14, 15-17"
    # The agreement scale of the satisfaction surveys.
    likert_points: int = 5
    # Days ahead in which a T1/T2 counts as "in scadenza" on the dashboards.
    deadline_window_days: int = 30
    # "Non target PNRR" for families under a court order: in no seed (001 admits families with a removal in
    # progress), so off by default.
    judicial_authority_warning: bool = False

    @property
    def sedt_minimum_text(self) -> str:
        """The weekly minimum as Italians write it: '8', '7,5'."""
        hours = self.sedt_minimum_weekly_hours
        return format_number(hours, 0 if hours == hours.to_integral_value() else 1)

    @property
    def age_bands(self) -> list[tuple[str, int, int]]:
        return parse_age_bands(self.report_age_bands)

    @property
    def likert_scale(self) -> list[tuple[int, str]]:
        return likert_scale(self.likert_points)


DEFAULT_RULES = ProjectRules()

# The fields of `Project` that hold its rules, in the order of the project form.
PROJECT_RULE_FIELDS = [
    "sedt_minimum_weekly_hours",
    "sedt_exception_allowed",
    "group_module_min_sessions",
    "group_module_max_sessions",
    "older_children_share_percent",
    "reunification_share_percent",
    "report_age_bands",
    "likert_points",
    "deadline_window_days",
    "judicial_authority_warning",
]


def rules_of(project) -> ProjectRules:
    """The rules that apply to a thing of `project`; the defaults when it belongs to no project."""
    if project is None:
        return DEFAULT_RULES
    return ProjectRules(**{name: getattr(project, name) for name in PROJECT_RULE_FIELDS})


def parse_age_bands(text: str) -> list[tuple[str, int, int]]:
    """ "0-11, 12-17" -> [("0-11", 0, 11), ("12-17", 12, 17)]. The bands cover 0–17 in order, without gaps or
    overlaps (older children fall in "18+"); ValidationError (in Italian) otherwise."""
    bands: list[tuple[str, int, int]] = []
    for part in (p.strip() for p in text.split(",")):
        low_text, sep, high_text = part.replace("–", "-").partition("-")
        if not (sep and low_text.strip().isdigit() and high_text.strip().isdigit()):
            raise ValidationError(
                _("Scrivi le fasce come 0-3, 4-6, 7-11: «%(part)s» non è una fascia.") % {"part": part or "—"}
            )
        low, high = int(low_text), int(high_text)
        if not AGE_MIN <= low <= high <= AGE_MAX:
            raise ValidationError(
                _("La fascia %(part)s deve stare tra %(min)d e %(max)d anni, dal più giovane al più grande.")
                % {"part": part, "min": AGE_MIN, "max": AGE_MAX}
            )
        expected = bands[-1][2] + 1 if bands else AGE_MIN
        if low != expected:
            raise ValidationError(
                _("Le fasce vanno in ordine, senza buchi né sovrapposizioni: %(part)s dovrebbe iniziare da %(n)d.")
                % {"part": part, "n": expected}
            )
        bands.append((f"{low}-{high}", low, high))
    if bands[-1][2] != AGE_MAX:
        raise ValidationError(_("L'ultima fascia deve arrivare a %(max)d anni.") % {"max": AGE_MAX})
    return bands


def validate_age_bands(text: str) -> None:
    parse_age_bands(text)


# The words of the points of the agreement scale; the scales in between name only their ends.
_LIKERT_WORDS = {
    4: [_("per niente d'accordo"), _("poco d'accordo"), _("abbastanza d'accordo"), _("del tutto d'accordo")],
    5: [
        _("per niente d'accordo"),
        _("poco d'accordo"),
        _("né d'accordo né in disaccordo"),
        _("abbastanza d'accordo"),
        _("del tutto d'accordo"),
    ],
}


def likert_scale(points: int) -> list[tuple[int, str]]:
    """The points 1…`points` of the agreement scale with their words."""
    words = _LIKERT_WORDS.get(points)
    if words is None:
        words = [_("per niente d'accordo"), *([""] * (points - 2)), _("del tutto d'accordo")]
    return list(zip(range(1, points + 1), words, strict=True))


def missing_mooc_warning(users) -> str:
    """The warning shown when professionals without the programme's MOOC are put on a family's work (001: the
    SEDT educators are trained "preventivamente" with the MOOC and take part in every phase of the EM)."""
    return _(
        "Attenzione: %(names)s non risulta aver seguito la formazione MOOC del programma, che l'avviso chiede "
        "agli educatori prima di iniziare. Registrala nel registro del personale."
    ) % {"names": ", ".join(str(user) for user in users)}
