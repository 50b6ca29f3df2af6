"""The SINBA return of the demo: the ente of each ambito, the SIUSS code of the educational intervention, the data
the record needs on the demo's families, the optional details included (the parents' citizenship, a disability's
type and certification, the collaboration with other services). The flows are not generated here (they depend on
SINBA_ID_KEY and on the day): the Ufficio di Piano generates them from its page, or `manage.py sinba_generate` does.
Every flow validates but those of one family of Seregno, which has no school recorded for its children: its flows
and its panel show how a gap is reported. The other services, whose SIUSS code nobody has verified, make no flow:
the page lists them as "codice prestazione da verificare".
Seregno children have placements: the children of one family in foster care (ongoing), one child back home from a
mother-and-child community (ended, with its outcome). Every value is synthetic (the entes' tax codes are zeros and
a digit, not real ones)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from equipes.models import Ambito
from families.models import Family, Member, Placement, Referral
from interventions.models import InterventionType
from pippi_portal.sinba_codes import ITALY
from sinba.models import Ente, ServiceCode

# Ambito code -> (Belfiore of the lead comune, its name, region): public codes of real comuni; tax codes invented.
ENTI = {
    "SER": ("I625", "Comune di Seregno", "03"),
    "URF": ("D458", "Comune di Faenza", "08"),
    "UBR": ("E730", "Comune di Lugo", "08"),
    "SOM": ("I819", "Comune di Somma Lombardo", "03"),
}
SEDT_SOURCE = (
    "Demo: A2.02 «Sostegno socio-educativo territoriale o domiciliare», come lo indica l'issue 18; "
    "da verificare sul nomenclatore SIUSS prima di un invio reale"
)
#: The portal's referral sources that need the SINBA source spelled out, as the demo's social workers chose it.
SOURCES = {
    Referral.Source.SERVIZIO_SOCIALE: "2",  # altro servizio sociale
    Referral.Source.AUTOSEGNALAZIONE: "8",  # genitori/fratelli/altri familiari conviventi
    Referral.Source.AUTORITA_GIUDIZIARIA: "11",  # autorità giudiziarie minorili
    Referral.Source.ALTRO: "4",  # privato sociale/volontariato
}


FIELDS = (
    "sinba_condition",
    "sinba_living_place",
    "sinba_disability",
    "sinba_disability_type",
    "sinba_disability_certification",
    "sinba_assessment",
    "sinba_school",
    "sinba_work",
)
#: The parents of the families that need cultural mediation: Moroccan citizens (ISO 3166-1 numeric 504).
MOROCCO = "504"


def school(age: int) -> str:
    """ScuolaFrequentata by age: nido, infanzia, primaria, secondaria di I e II grado."""
    for upper, code in ((3, "3"), (6, "4"), (11, "5"), (14, "6")):
        if age < upper:
            return code
    return "7"


def gap_family(ambito: Ambito) -> Family | None:
    """The Seregno family whose children have no school recorded: the first with the educational intervention
    (the service with a verified code, so that it has flows), by code."""
    return Family.objects.filter(ambito=ambito, interventions__type__code="sedt").order_by("code").first()


def seed(ambiti: dict[str, Ambito]) -> None:
    for code, (belfiore, name, region) in ENTI.items():
        Ente.objects.get_or_create(
            ambito=ambiti[code],
            defaults={
                "code": belfiore,
                "name": name,
                "seat_code": belfiore,
                "tax_code": "0000000000" + str(len(name) % 10),
                "region": region,
            },
        )
    sedt = InterventionType.objects.get(code="sedt", ambito__isnull=True)
    ServiceCode.objects.get_or_create(intervention_type=sedt, defaults={"code": "A2.02", "source": SEDT_SOURCE})
    families = Family.objects.filter(ambito__in=ambiti.values())
    # Only what is still empty: a second run writes nothing.
    # The school is the service the demo's families work with most (CollaborazioniInterventi 7).
    families.filter(sinba_family_assessment="").update(sinba_family_assessment="2", sinba_collaboration="7")
    families.filter(sinba_judicial_report="", under_judicial_authority=True).update(sinba_judicial_report="1")
    families.filter(sinba_judicial_report="", under_judicial_authority=False).update(sinba_judicial_report="2")
    for source, sinba_source in SOURCES.items():
        Referral.objects.filter(family__in=families, source=source, sinba_source="").update(sinba_source=sinba_source)
    # The parents' education and occupation, and an ISEE band for the families that presented one (not those
    # under a judicial order, whose ISEE the demo leaves unknown): optional fields, filled where a worker would.
    parents = Member.objects.filter(family__in=families, kind=Member.Kind.FIGURA_GENITORIALE, sinba_education="")
    for mediation, citizenship in ((False, ITALY), (True, MOROCCO)):
        same = parents.filter(family__cultural_mediation=mediation)
        same.filter(sex=Member.Sex.F).update(sinba_education="5", sinba_occupation="1", citizenship=citizenship)
        same.filter(sex=Member.Sex.M).update(sinba_education="3", sinba_occupation="1", citizenship=citizenship)
    families.filter(sinba_isee_band="", under_judicial_authority=False).update(sinba_isee_band="3")
    gap = gap_family(ambiti["SER"])
    gap_pk = gap.pk if gap else None
    children = Member.objects.filter(family__in=families, kind=Member.Kind.MINORE).select_related("family__referral")
    todo = Q(sinba_condition="") | (Q(sinba_school="") & ~Q(family_id=gap_pk))
    for child in children.filter(todo):
        child.sinba_condition, child.sinba_disability, child.sinba_assessment = "1", "2", "2"
        child.sinba_disability_type = child.sinba_disability_certification = ""
        # The children referred by the child neuropsychiatry service have a disability it certified.
        referral = getattr(child.family, "referral", None)
        if referral is not None and referral.source == Referral.Source.NPI:
            child.sinba_disability, child.sinba_disability_type, child.sinba_disability_certification = "1", "2", "4"
        child.sinba_living_place = "3" if child.family.reunification else "1"
        child.sinba_school = "" if child.family_id == gap_pk else school(child.age)
        # From 16 a minor may work: the demo's older children study and do not look for work ("inattivo").
        child.sinba_work = "1" if child.age >= 16 else ""
        child.save(update_fields=[*FIELDS])
    seed_placements(ambiti["SER"])


def seed_placements(ambito: Ambito) -> None:
    """An ongoing affido of the children of a reunification family (who live in a foster family: sinba_living_place
    3), and an ended residential placement, with its mother, of a child of another family; both families have
    interventions, so their flows carry them. Once: a second run finds them and writes nothing."""
    if Placement.objects.filter(member__family__ambito=ambito).exists():
        return
    today = timezone.localdate()
    gap = gap_family(ambito)
    candidates = Family.objects.filter(ambito=ambito, interventions__isnull=False).exclude(pk=gap.pk if gap else None)
    fostered = candidates.filter(reunification=True).distinct().order_by("code").first()
    sheltered = candidates.filter(reunification=False).distinct().order_by("code").first()
    for child in fostered.members.filter(kind=Member.Kind.MINORE).order_by("pk") if fostered else ():
        Placement.objects.create(
            member=child,
            kind=Placement.Kind.AFFIDO,
            form="2" if fostered.under_judicial_authority else "1",  # giudiziario / consensuale
            start_date=max(child.birth_date, today - datetime.timedelta(days=300)),
            affido_type="2",  # eterofamiliare
            affido_time="1",  # tempo pieno
            affido_character="1",  # residenziale
        )
    if sheltered is not None:
        child = sheltered.members.filter(kind=Member.Kind.MINORE).order_by("birth_date", "pk").first()
        start = max(child.birth_date, today - datetime.timedelta(days=500))
        Placement.objects.create(
            member=child,
            kind=Placement.Kind.RESIDENZIALE,
            form="1",  # consensuale
            start_date=start,
            end_date=min(start + datetime.timedelta(days=180), today),
            residential_character="6",  # comunitario-prevalente funzione tutelare
            residential_type="1",  # con genitore
            residential_outcome="1",  # rientrato nella famiglia di origine
        )
