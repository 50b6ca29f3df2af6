"""What the SINBA return still misses for each minor of a family: the per-child panel of the family page.

The rules are those of `sinba/records.py` for the fields the case work gives (the child's, the family's and the
referral's); the ente, the region and the service codes are the Ufficio di Piano's and are not shown here.
`sinba/tests/test_panel_agrees.py` checks that both say the same. Everything is read from objects already loaded
by the family page (the family with its referral, the members): no query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _

from equipes.models import Role

from .models import Family, Member, Referral, age_on

#: A minor below this age is inactive for the XSD's CondizioneLavoro (sinba.records.WORKING_AGE).
WORKING_AGE = 16
ADULT_AGE = 18
#: The referral sources that say the XSD's FonteSegnalazione alone (sinba.records.SOURCE_CODES, COURT_SOURCES).
SOURCES_ENOUGH = {Referral.Source.SCUOLA, Referral.Source.PEDIATRA, Referral.Source.NPI}
#: The child's fields, asked on the member form: (XSD field, model field).
CHILD_FIELDS = (
    ("CondizioneMinore", "sinba_condition"),
    ("LuogoVita", "sinba_living_place"),
    ("ScuolaFrequentata", "sinba_school"),
    ("Disabilita", "sinba_disability"),
    ("ValutazioneMinore", "sinba_assessment"),
)
#: The family's fields, asked on the family form.
FAMILY_FIELDS = (
    ("ValutazioneFamigliaMinore", "sinba_family_assessment"),
    ("SegnalazioneAutoritaGiudiziaria", "sinba_judicial_report"),
)


@dataclass(frozen=True)
class Gap:
    field: str  # the XSD's attribute
    label: str  # Italian, for the page
    url: str  # where it is entered ("" when the user may not change it)


@dataclass(frozen=True)
class ChildPanel:
    pk: int
    label: str
    gaps: tuple[Gap, ...]
    adult: bool = False


def _label(model, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name).removesuffix(" (SINBA)")
    return text[:1].upper() + text[1:]


def child_gaps(*, family: Family, child, others, on: datetime.date, can_change: bool = True) -> tuple[list[Gap], bool]:
    """The gaps of `child` (a Member, or any object with its sinba fields, kind and birth date) among `others`
    (objects with `kind`), and whether the child is already of age (then outside the return)."""
    if age_on(child.birth_date, on) >= ADULT_AGE:
        return [], True
    member_url = reverse("families:member-edit", args=[family.pk, child.pk]) if can_change else ""
    family_url = reverse("families:family-edit", args=[family.pk]) if can_change else ""
    add_url = reverse("families:member-create", args=[family.pk]) if can_change else ""

    def at(url: str, name: str) -> str:
        return f"{url}#id_{name}" if url else ""

    gaps = []
    kinds = [m.kind for m in others]
    if Member.Kind.FIGURA_GENITORIALE not in kinds:
        gaps.append(Gap("MinoreStranieroNoAcc", _("Figura genitoriale (o minore straniero non accompagnato)"), add_url))
    for xsd, name in CHILD_FIELDS:
        if not getattr(child, name):
            gaps.append(Gap(xsd, _label(Member, name), at(member_url, name)))
    if not child.sinba_work and age_on(child.birth_date, on) >= WORKING_AGE:
        gaps.append(Gap("CondizioneLavoro", _label(Member, "sinba_work"), at(member_url, "sinba_work")))
    referral = getattr(family, "referral", None)
    if referral is None:
        gaps.append(Gap("DataPrimaSegnalazione", _("Segnalazione"), ""))
    elif not (
        referral.sinba_source
        or referral.source in SOURCES_ENOUGH
        or (referral.source == Referral.Source.AUTORITA_GIUDIZIARIA and family.judicial_authority_court)
    ):
        gaps.append(Gap("FonteSegnalazione", _label(Referral, "sinba_source"), at(family_url, "referral_sinba_source")))
    for xsd, name in FAMILY_FIELDS:
        if not getattr(family, name):
            gaps.append(Gap(xsd, _label(Family, name), at(family_url, name)))
    if not others:
        gaps.append(Gap("ComposizioneFamiglia", _("Altri componenti della famiglia"), add_url))
    return gaps, False


#: What the panel reads of each member: no name, so the same for pseudonymised roles.
PANEL_FIELDS = ("pk", "kind", "birth_date", "sinba_work", *(name for _xsd, name in CHILD_FIELDS))


def may_see_panel(user, family: Family) -> bool:
    """The family's case manager and the coordinators who see the family (the page already checked the scope)."""
    return family.case_manager_id == user.pk or user.role == Role.COORDINATORE


def panel_rows(family: Family) -> list[dict]:
    """The members' SINBA fields: one query, whatever their number."""
    return list(Member.objects.filter(family=family).values(*PANEL_FIELDS))


def child_panels(
    family: Family, labels: dict[int, str], *, can_change: bool, on: datetime.date, rows: list[dict] | None = None
) -> list[ChildPanel]:
    """One panel per minor, in the members' order of `labels` (the page's labels: names or pseudonyms), from the
    members' SINBA fields (`panel_rows`, read here unless given)."""
    rows = [SimpleNamespace(**row) for row in (panel_rows(family) if rows is None else rows)]
    by_pk = {row.pk: row for row in rows}
    panels = []
    for pk, label in labels.items():
        child = by_pk.get(pk)
        if child is None or child.kind != Member.Kind.MINORE:
            continue
        others = [row for row in rows if row.pk != pk]
        gaps, adult = child_gaps(family=family, child=child, others=others, on=on, can_change=can_change)
        panels.append(ChildPanel(pk=pk, label=label, gaps=tuple(gaps), adult=adult))
    return panels
