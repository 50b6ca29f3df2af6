"""The child-protection services (tutela minori) of the Ambito di Seregno in the synthetic demo, from the
co-design notice of seed `002_…`: the Comune di Seregno, lead of the ambito, co-designs them "per sei dei dieci
Comuni dell'Ambito: Barlassina, Giussano, Lentate sul Seveso, Meda, Seregno e Seveso".

The services and the six comuni are the notice's. Invented for the demo (the notice does not say): the
professional profile that delivers each service, which services are activated for a family and which are
services of the ambito only (direction and coordination, supervision and training, administration), the codes,
and which demo families follow a court decree and receive which service, with its hours a week and its start.

The services are the ambito's, not the PNRR's: never P.I.P.P.I. devices, their hours never PNRR-eligible.
Running it twice leaves the same data.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from equipes.models import Ambito, Profile, User
from families.models import PATH_STATES, Family, State, TransitionLog
from interventions.models import Intervention, InterventionType

#: "per sei dei dieci Comuni dell'Ambito" (002).
TUTELA_COMUNI = ["Barlassina", "Giussano", "Lentate sul Seveso", "Meda", "Seregno", "Seveso"]

FAMILY = InterventionType.Category.INDIVIDUALE
AMBITO_ONLY = InterventionType.Category.SERVIZIO_AMBITO

#: code: (name as in 002, activated for a family or a service of the ambito, profile that delivers it).
TUTELA_SERVICES = {
    "tutela_penale_minorile": ("Servizio Penale Minorile", FAMILY, Profile.ASSISTENTE_SOCIALE),
    "tutela_regolamentazione_rapporti": (
        "Servizio per la regolamentazione dei rapporti",
        FAMILY,
        Profile.PSICOLOGO,
    ),
    "tutela_spazio_neutro": ("Servizio «Spazio Neutro»", FAMILY, Profile.EDUCATORE),
    "tutela_affidi": ("Servizio Associato Affidi", FAMILY, Profile.ASSISTENTE_SOCIALE),
    "tutela_consulenza_legale": ("Servizio di Consulenza Legale", FAMILY, Profile.ALTRO),
    "tutela_direzione_etim": (
        "Direzione e Coordinamento dei Servizi Associati e dell'ETIM (Equipe Territoriale Integrata Minori)",
        AMBITO_ONLY,
        Profile.ASSISTENTE_SOCIALE,
    ),
    "tutela_supervisione_formazione": ("Servizio di Supervisione e Formazione", AMBITO_ONLY, Profile.PSICOLOGO),
    "tutela_amministrativi": ("Servizi amministrativi per la gestione associata", AMBITO_ONLY, Profile.ALTRO),
    "tutela_equipe_territoriale": (
        "Équipe territoriale tutela minori del Comune",
        FAMILY,
        Profile.ASSISTENTE_SOCIALE,
    ),
}

COURT = Family.Court


def seed(ambiti: dict[str, Ambito]) -> None:
    seregno = ambiti["SER"]
    services = _services(seregno)
    _families(seregno, services)


def _services(seregno: Ambito) -> dict[str, InterventionType]:
    comuni = list(seregno.comuni.filter(name__in=TUTELA_COMUNI))
    services = {}
    for code, (name, category, profile) in TUTELA_SERVICES.items():
        kind, _created = InterventionType.objects.update_or_create(
            ambito=seregno,
            code=code,
            defaults={
                "name": name,
                "category": category,
                "profile": profile,
                "is_pippi_device": False,
                "child_protection": True,
            },
        )
        kind.comuni.set(comuni)
        services[code] = kind
    return services


def _families(seregno: Ambito, services: dict[str, InterventionType]) -> None:
    """The three families that the pre-assessment oriented to a protection path (one per implementation) follow
    a court decree and receive a service; so does a reunification path, whose visits with the child placed
    out are in the Spazio Neutro beside its educational intervention. All are families of the Équipe Seregno –
    Seveso (the case manager `assistente`), whose comuni are among the six."""
    staff = {u.username: u for u in User.objects.filter(ambito=seregno)}
    oriented_to_protection = Family.objects.filter(
        ambito=seregno, state=State.NON_INCLUSA, case_manager=staff["assistente"]
    ).order_by("code")
    plans = [
        (COURT.TRIBUNALE_MINORENNI, "tutela_affidi", "assistente", "2"),
        (COURT.TRIBUNALE_MINORENNI, "tutela_spazio_neutro", "educatore", "1.5"),
        (COURT.TRIBUNALE_ORDINARIO, "tutela_regolamentazione_rapporti", "psicologo", "1"),
    ]
    for family, (court, code, who, weekly) in zip(oriented_to_protection, plans, strict=False):
        excluded = TransitionLog.objects.get(family=family, to_state=State.NON_INCLUSA).effective_on
        _follow_decree(family, court)
        _activate(family, services[code], staff[who], excluded + datetime.timedelta(days=21), weekly)
    reunification = (
        Family.objects.filter(
            ambito=seregno, reunification=True, state__in=PATH_STATES, case_manager=staff["assistente"]
        )
        .order_by("code")
        .first()
    )
    if reunification is not None:
        sedt = reunification.interventions.filter(type__code="sedt").order_by("start_date").first()
        educator = sedt.assigned_users.first() if sedt else staff["educatore"]
        start = (sedt.start_date if sedt else reunification.created_at.date()) + datetime.timedelta(days=28)
        _follow_decree(reunification, COURT.TRIBUNALE_MINORENNI)
        _activate(reunification, services["tutela_spazio_neutro"], educator, start, "1.5")


def _follow_decree(family: Family, court: str) -> None:
    if not family.under_judicial_authority:
        family.under_judicial_authority = True
        family.judicial_authority_court = court
        family.save(update_fields=["under_judicial_authority", "judicial_authority_court", "updated_at"])


def _activate(family: Family, kind: InterventionType, user: User, start: datetime.date, weekly: str) -> None:
    intervention, created = Intervention.objects.get_or_create(
        family=family, type=kind, defaults={"start_date": start, "planned_hours_per_week": Decimal(weekly)}
    )
    if created:
        intervention.assigned_users.add(user)
