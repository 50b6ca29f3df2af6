"""The SINBA record of one child and one service, from what the portal holds (docs/sinba.md maps every field).

`build()` returns the attributes of the XSD's `SINBA` element, the family's composition and the service codes,
with the gaps: the fields the return needs that the portal does not have yet, each with the field's XSD name and
an Italian reason for the Ufficio di Piano. A record with a gap is never sent; the codes are never guessed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from families.models import Family, Member, Placement, Referral

from .identifiers import beneficiary_id

ITALY = "380"  # ISO 3166 numeric: the XSD's CodiceNazioneResidenza
YES, NO = "1", "2"
#: The age from which a minor may work in Italy (16): below it the XSD's CondizioneLavoro is "1", inactive.
WORKING_AGE = 16
#: FasciaEtaBeneficiario: 1 = 0-3 anni … 6 = 15-18 anni; the band of an age is the one it starts (3 -> "3-6").
AGE_BANDS = ((3, "1"), (6, "2"), (9, "3"), (12, "4"), (15, "5"), (18, "6"))
#: The portal's referral sources that say the XSD's FonteSegnalazione alone; the others need `sinba_source`.
SOURCE_CODES = {
    Referral.Source.SCUOLA: "13",  # scuola
    Referral.Source.PEDIATRA: "3",  # servizi sanitari/medico di base/pediatra
    Referral.Source.NPI: "3",
}
#: The court of the order (Family.judicial_authority_court) as the XSD's AutoritaProvvedimento.
COURT_CODES = {
    Family.Court.TRIBUNALE_MINORENNI: "2",  # Tribunale per i minori
    Family.Court.TRIBUNALE_ORDINARIO: "4",  # Tribunale ordinario
}
#: A referral by the judicial authority, as FonteSegnalazione, by the court of the order.
COURT_SOURCES = {Family.Court.TRIBUNALE_MINORENNI: "11", Family.Court.TRIBUNALE_ORDINARIO: "10"}
# The specification's rule the XSD lacks (Specifica Tecnica v2.0.1, Allegato C, §6.1, Tabella 15).
REGION_RULE = "Specifica tecnica WaaS-SIUSS v2.0.1, Allegato C §6.1, Tabella 15"


@dataclass
class Record:
    attributes: dict[str, str] = field(default_factory=dict)
    composition: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    #: [(XSD field, Italian reason)]
    gaps: list[tuple[str, str]] = field(default_factory=list)

    def need(self, name: str, value: str | None, reason: str) -> None:
        if value:
            self.attributes[name] = value
        else:
            self.gaps.append((name, reason))


def month_year(day: datetime.date) -> str:
    return f"{day:%m/%Y}"


def age_band(age: int) -> str | None:
    return next((band for upper, band in AGE_BANDS if age < upper), None)


def composition(child: Member, others: list[Member]) -> list[str]:
    """ComposizioneFamiglia: who lives with the child. A parent figure is the mother or the father by sex unless
    the relationship says partner ("compagno/a"); other minors are brothers and sisters; another cohabitant is a
    grandparent when the relationship says so, else "altri conviventi"."""
    codes = []
    for member in others:
        relationship = (member.relationship or "").lower()
        if member.kind == Member.Kind.FIGURA_GENITORIALE:
            if "compagn" in relationship:
                codes.append("5")
            else:
                codes.append("1" if member.sex == Member.Sex.F else "2")
        elif member.kind == Member.Kind.MINORE:
            codes.append("3")
        elif "nonn" in relationship:
            codes.append("4")
        else:
            codes.append("6")
    return sorted(set(codes), key=int)


def referral_source(family: Family, referral: Referral | None) -> str | None:
    if referral is None:
        return None
    if referral.sinba_source:
        return referral.sinba_source
    if referral.source == Referral.Source.AUTORITA_GIUDIZIARIA:
        return COURT_SOURCES.get(family.judicial_authority_court)
    return SOURCE_CODES.get(referral.source)


def optional(attrs: dict[str, str], name: str, value: str | None) -> None:
    """An optional field of the XSD: written when the portal has it, left out otherwise (never a gap)."""
    if value:
        attrs[name] = value


def judicial_details(attrs: dict[str, str], family: Family) -> None:
    """DataSegnalazione when the situation was reported to the judicial authority; the order's date, type and
    parental responsibility when the family is under an order (the form refuses them otherwise)."""
    if family.sinba_judicial_report == YES and family.sinba_report_date:
        attrs["DataSegnalazione"] = month_year(family.sinba_report_date)
    if family.under_judicial_authority:
        if family.sinba_order_date:
            attrs["DataProvvedimentoGiudiziario"] = month_year(family.sinba_order_date)
        optional(attrs, "TipoProvvedimentoGiudiziario", family.sinba_order_type)
        optional(attrs, "PotestaTutela", family.sinba_parental_responsibility)


def parents(others: list[Member]) -> dict[str, Member]:
    """The XSD's father and mother ("Padre", "Madre"): the first parent figure of each sex who is not the
    partner of a parent (the relationship says "compagn…", as in `composition`)."""
    found: dict[str, Member] = {}
    for member in others:
        if member.kind != Member.Kind.FIGURA_GENITORIALE or "compagn" in (member.relationship or "").lower():
            continue
        found.setdefault("Madre" if member.sex == Member.Sex.F else "Padre", member)
    return found


def parents_details(attrs: dict[str, str], others: list[Member], region: str) -> None:
    """The parents' citizenship (ISO 3166-1 numeric, as Tabella 15 says), education and occupation when
    recorded; their region of residence is the child's (a parent figure of the family lives with it, in a comune
    of the ambito)."""
    for suffix, parent in parents(others).items():
        optional(attrs, f"CodiceCittadinanza{suffix}", parent.citizenship)
        optional(attrs, f"CodiceRegioneResidenza{suffix}", region)
        optional(attrs, f"TitoloStudio{suffix}", parent.sinba_education)
        optional(attrs, f"Occupazione{suffix}", parent.sinba_occupation)


def more_details(attrs: dict[str, str], family: Family, child: Member) -> None:
    """The optional details of the disability (only when the child has one: TipoDisabilita and
    InvCivCertificazioni describe it; the member form asks them only then) and the collaboration with other
    services (CollaborazioniInterventi, one value in the XSD: the family's prevailing one)."""
    if child.sinba_disability == YES:
        optional(attrs, "TipoDisabilita", child.sinba_disability_type)
        optional(attrs, "InvCivCertificazioni", child.sinba_disability_certification)
    optional(attrs, "CollaborazioniInterventi", family.sinba_collaboration)


#: A placement's fields as the XSD's attributes, by kind; the outcome is written once the placement has ended.
PLACEMENT_ATTRIBUTES = {
    Placement.Kind.AFFIDO: (
        ("FormaInterventoAffido", "form"),
        ("TipoInterventoAffido", "affido_type"),
        ("DurataAffido", "affido_time"),
        ("CarattereAffido", "affido_character"),
        ("EsitoAffido", "affido_outcome"),
    ),
    Placement.Kind.RESIDENZIALE: (
        ("FormaInserimentoResidenziale", "form"),
        ("TipoInserimentoResidenziale", "residential_type"),
        ("CarattereInserimentoResidenziale", "residential_character"),
        ("EsitoInserimentoStruttura", "residential_outcome"),
    ),
}


def reported_placement(placements, kind: str, on: datetime.date) -> Placement | None:
    """The child's placement of `kind` that the record describes on `on`: the one in progress that day, else the
    latest that had ended by then (its outcome is what the XSD's Esito… asks for). One that starts later is
    not yet reported. The specification says nothing on this choice (docs/sinba.md)."""
    of_kind = [p for p in placements if p.kind == kind and p.start_date <= on]
    current = [p for p in of_kind if p.end_date is None or p.end_date >= on]
    if current:
        return max(current, key=lambda p: p.start_date)
    return max(of_kind, key=lambda p: (p.end_date, p.start_date), default=None)


def placement_details(attrs: dict[str, str], placements, on: datetime.date) -> None:
    """The affido and the residential placement of the child (each optional in the XSD and in the specification's
    Tabella 15, which adds no rule between them); the model keeps each placement's codes complete, so a
    placement gives no gap (docs/decisions.md)."""
    for kind, names in PLACEMENT_ATTRIBUTES.items():
        placement = reported_placement(placements, kind, on)
        for attribute, name in names if placement else ():
            optional(attrs, attribute, getattr(placement, name))


def build(
    *,
    ambito_code: str,
    region: str,
    family: Family,
    referral: Referral | None,
    child: Member,
    others: list[Member],
    service_code: str,
    service_name: str,
    on: datetime.date,
) -> Record:
    """The record of `child` of `family` for the service `service_name` (its SIUSS code `service_code`, empty if
    the catalogue has none), with the child's age on `on`."""
    record = Record()
    attrs = record.attributes
    attrs["IDBeneficiario"] = beneficiary_id(ambito_code, child.pk)
    has_parent = any(m.kind == Member.Kind.FIGURA_GENITORIALE for m in others)
    record.need(
        "MinoreStranieroNoAcc",
        NO if has_parent else None,
        _("Nessuna figura genitoriale in famiglia: indicare se il minore è straniero non accompagnato."),
    )
    record.need("CondizioneMinore", child.sinba_condition, _("Manca la condizione del minore (orfano o no)."))
    record.need("LuogoVita", child.sinba_living_place, _("Manca dove vive il minore."))
    record.need("ScuolaFrequentata", child.sinba_school, _("Manca la scuola frequentata dal minore."))
    age = child.age_on(on)
    record.need(
        "CondizioneLavoro",
        child.sinba_work or ("1" if age < WORKING_AGE else None),
        _("Il minore ha 16 anni o più: manca la sua condizione lavorativa."),
    )
    record.need("Disabilita", child.sinba_disability, _("Manca se il minore ha una disabilità."))
    more_details(attrs, family, child)
    record.need(
        "DataPrimaSegnalazione",
        month_year(referral.date) if referral else None,
        _("La famiglia non ha una segnalazione registrata."),
    )
    record.need(
        "FonteSegnalazione",
        referral_source(family, referral),
        _("La fonte della segnalazione non basta a dire la fonte SINBA: indicarla nella segnalazione."),
    )
    record.need("ValutazioneMinore", child.sinba_assessment, _("Manca la valutazione del minore."))
    record.need("ValutazioneFamigliaMinore", family.sinba_family_assessment, _("Manca la valutazione della famiglia."))
    record.need(
        "SegnalazioneAutoritaGiudiziaria",
        family.sinba_judicial_report,
        _("Manca se la situazione è stata segnalata all'autorità giudiziaria."),
    )
    attrs["ProvvedimentoGiudiziario"] = YES if family.under_judicial_authority else NO
    if family.under_judicial_authority and family.judicial_authority_court:
        attrs["AutoritaProvvedimento"] = COURT_CODES[family.judicial_authority_court]
    judicial_details(attrs, family)
    parents_details(attrs, others, region)
    placement_details(attrs, child.placements.all(), on)
    closure = getattr(family, "closure", None)
    optional(attrs, "MotivazioneChiusuraCarico", closure.sinba_closure_reason if closure else "")
    optional(attrs, "SituazioneChiusuraCarico", closure.sinba_closure_situation if closure else "")
    optional(attrs, "FasciaISEEBeneficiario", family.sinba_isee_band)
    optional(attrs, "NumeroComponentiISEE", str(family.sinba_isee_members or ""))
    record.need(
        "FasciaEtaBeneficiario",
        age_band(age),
        _("Il beneficiario ha compiuto 18 anni: non è più un minore del ritorno SINBA."),
    )
    attrs["AnnoNascita"] = f"{child.birth_date.year:04d}"
    attrs["CodiceNazioneResidenza"] = ITALY
    if attrs["CodiceNazioneResidenza"] == ITALY:
        record.need(
            "CodiceRegioneResidenza",
            region,
            _("Residente in Italia: la regione è obbligatoria (%(rule)s).") % {"rule": REGION_RULE},
        )
    record.composition = composition(child, others)
    if not record.composition:
        record.gaps.append(("ComposizioneFamiglia", _("Il minore risulta solo: nessun altro componente registrato.")))
    if service_code:
        record.services = [service_code]
    else:
        record.gaps.append(
            (
                "CodicePrestazione",
                _("L'intervento «%(name)s» non ha un codice prestazione SIUSS verificato.") % {"name": service_name},
            )
        )
    return record
