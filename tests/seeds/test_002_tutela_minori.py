"""Seed 002: the co-design of the child-protection services (tutela minori) of the Ambito di Seregno, published on
04/11/2022, as the notice reads — on the demo (`demo/tutela.py`) and on small factories.

The notice: "Il Comune di Seregno, in qualità di ente capofila dell'Ambito Territoriale, [...] intende proseguire
con l'attivazione di un procedimento ad evidenza pubblica per la co-progettazione per servizi a favore della
tutela dei minori per sei dei dieci Comuni dell'Ambito: Barlassina, Giussano, Lentate sul Seveso, Meda, Seregno e
Seveso."
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from demo.tutela import TUTELA_COMUNI, TUTELA_SERVICES
from equipes.models import Ambito, Comune, Equipe, Project, User
from families.forms import FamilyForm
from families.models import Family, Member, Preassessment, State
from interventions import services
from interventions.admin import InterventionTypeForm
from interventions.forms import InterventionForm
from interventions.models import Intervention, InterventionType, TimeEntry
from interventions.selectors import delivered_minutes_by_profile
from reporting.indicators.work_figures import families_by_intervention_type
from tests import factories as f

SEREGNO_PNRR = "B24H22000190001"
ASSOCIATED_SERVICES = [
    "Servizio Penale Minorile",
    "Servizio per la regolamentazione dei rapporti",
    "Servizio «Spazio Neutro»",
    "Servizio Associato Affidi",
    "Servizio di Consulenza Legale",
    "Direzione e Coordinamento dei Servizi Associati e dell'ETIM (Equipe Territoriale Integrata Minori)",
    "Servizio di Supervisione e Formazione",
]
TUTELA_DAY = datetime.date(2024, 3, 19)


def seregno() -> Ambito:
    return Ambito.objects.get(code="SER")


def tutela_types():
    return InterventionType.objects.filter(ambito=seregno(), child_protection=True)


def activation(family: Family, kind: InterventionType, user: User, **extra) -> InterventionForm:
    data = {
        "type": kind.pk,
        "start_date": "2024-03-18",
        "planned_hours_per_week": "2",
        "assigned_users": [user.pk],
        **extra,
    }
    return InterventionForm(data, family=family, user=user)


# --- On factories -----------------------------------------------------------------------------------------------


@pytest.fixture
def tutela(world):
    """A child-protection service of the world's ambito, for the world's comune only. (These tests come before
    the demo's: the demo, seeded once for the module, would clash with the world's users.)"""
    kind = InterventionType.objects.create(
        ambito=world.ambito,
        code="tutela_spazio_neutro",
        name="Servizio «Spazio Neutro»",
        category=InterventionType.Category.INDIVIDUALE,
        profile="educatore",
        is_pippi_device=False,
        child_protection=True,
    )
    kind.comuni.set([world.comune])
    return kind


@pytest.mark.django_db
class TestTheNoticeOnFactories:
    def test_a_service_for_some_comuni_is_refused_in_the_others(self, world, tutela):
        """ "per sei dei dieci Comuni dell'Ambito": coverage is the type's, checked when it is activated."""
        elsewhere = f.make_comune(world.ambito, "Comune Beta")
        inside = f.make_family(world)
        outside = f.make_family(world, comune=elsewhere)
        assert activation(inside, tutela, world.users.case_manager).is_valid()
        form = activation(outside, tutela, world.users.case_manager)
        assert not form.is_valid()
        assert "la famiglia risiede a Comune Beta" in form.errors["type"][0]
        tutela.comuni.clear()  # no comuni: every comune of the ambito
        assert activation(outside, tutela, world.users.case_manager).is_valid()

    def test_the_coverage_is_made_of_comuni_of_the_types_ambito(self, world, tutela):
        """The six comuni are the ambito's: the catalogue refuses a comune of another ambito, and a shared type
        (of every ambito) is not restricted to comuni."""
        data = {
            "ambito": world.ambito.pk,
            "code": "tutela_affidi",
            "name": "Servizio Associato Affidi",
            "category": "individuale",
            "profile": "assistente_sociale",
            "is_pippi_device": "",
            "child_protection": "on",
            "is_active": "on",
            "comuni": [world.other.comune.pk],
        }
        form = InterventionTypeForm(data)
        assert not form.is_valid()
        assert "devono essere dell'ambito" in form.errors["comuni"][0]
        form = InterventionTypeForm({**data, "ambito": "", "comuni": [world.comune.pk]})
        assert not form.is_valid() and "non si limita a dei comuni" in form.errors["comuni"][0]
        form = InterventionTypeForm({**data, "is_pippi_device": "on", "comuni": [world.comune.pk]})
        assert not form.is_valid() and "non è un dispositivo P.I.P.P.I." in form.errors["is_pippi_device"][0]
        assert InterventionTypeForm({**data, "comuni": [world.comune.pk]}).is_valid()

    def test_a_child_protection_service_is_never_a_pippi_device(self, world, tutela):
        """The database keeps it: a child-protection service is not funded by the PNRR."""
        tutela.is_pippi_device = True
        with pytest.raises(IntegrityError, match="intervention_type_child_protection_not_pippi"), transaction.atomic():
            tutela.save()

    def test_the_shared_spazio_neutro_and_affido_are_child_protection_services(self, db):
        """The shared catalogue's Spazio neutro and Affido familiare are the same kind of service."""
        shared = InterventionType.objects.filter(ambito=None, child_protection=True)
        assert set(shared.values_list("code", flat=True)) == {"spazio_neutro", "affido"}

    def test_a_family_under_a_court_decree_receives_them(self, world, tutela, advance):
        """ "seguendo al meglio le disposizioni dei Tribunale per i Minorenni ed Ordinario": the decree and its
        court are the family's data; the services are activated for it, and no "non target PNRR" warning stops
        a family on a P.I.P.P.I. path (the project's setting, off by default)."""
        family = advance(
            f.make_family(
                world, under_judicial_authority=True, judicial_authority_court=Family.Court.TRIBUNALE_MINORENNI
            ),
            State.IN_CORSO,
        )
        assert not world.project.judicial_authority_warning
        form = activation(family, tutela, world.users.case_manager)
        assert form.is_valid(), form.errors
        form.save()
        assert family.interventions.get().type == tutela
        family.refresh_from_db()
        assert family.get_judicial_authority_court_display() == "Tribunale per i Minorenni"

    def test_the_court_is_said_only_of_a_family_under_a_decree(self, world, family):
        """A court without a decree is a form error, and the database refuses it too."""
        data = {
            "comune": world.comune.pk,
            "equipe": world.equipe.pk,
            "implementation": world.implementation.pk,
            "case_manager": world.users.case_manager.pk,
            "judicial_authority_court": Family.Court.TRIBUNALE_ORDINARIO,
        }
        form = FamilyForm(data, instance=family, user=world.users.case_manager)
        assert not form.is_valid()
        assert "solo per una famiglia sotto provvedimento" in form.errors["judicial_authority_court"][0]
        form = FamilyForm({**data, "under_judicial_authority": "on"}, instance=family, user=world.users.case_manager)
        assert form.is_valid(), form.errors
        family.refresh_from_db()
        family.judicial_authority_court = Family.Court.TRIBUNALE_ORDINARIO
        assert not family.under_judicial_authority
        with pytest.raises(IntegrityError, match="family_court_only_under_judicial_authority"), transaction.atomic():
            family.save()

    def test_hours_on_a_child_protection_service_are_never_pnrr_eligible(self, world, family, tutela, advance):
        """The services are the ambito's, not P.I.P.P.I.'s (a programme "del PNRR"): the hours an educator gives
        to a family's Spazio Neutro are recorded, and never reported on the PNRR project."""
        family = advance(family, State.IN_CORSO)
        educator = world.users.operatore
        intervention = Intervention.objects.create(
            family=family, type=tutela, start_date=TUTELA_DAY, planned_hours_per_week=Decimal("2")
        )
        intervention.assigned_users.add(educator)
        entry = services.time_entry_set(
            user=educator, day=TUTELA_DAY, activity="diretta_famiglia", minutes=120, family=family
        )
        assert (entry.intervention, entry.eligible, entry.is_pnrr_eligible) == (intervention, False, False)
        # Whatever the flag says (an edit in the admin, older data), they are never delivered on the PNRR.
        TimeEntry.objects.filter(pk=entry.pk).update(eligible=True)
        services.timesheet_confirm(timesheet=entry.timesheet, by=educator)
        services.timesheet_validate(timesheet=entry.timesheet, by=world.users.ufficio_piano)
        assert TimeEntry.objects.filter(timesheet__state="validato").count() == 1
        assert not TimeEntry.objects.select_related("intervention__type").get().is_pnrr_eligible  # the timesheet
        assert not TimeEntry.objects.delivered().exists()
        assert delivered_minutes_by_profile(world.project) == {}

    def test_hours_for_a_family_go_to_its_pippi_device_before_the_service(self, world, family, tutela, advance):
        """An educator assigned to both the family's educational intervention and its Spazio Neutro: the
        weekly grid has one row per family, and its hours go to the P.I.P.P.I. device, which the PNRR funds."""
        family = advance(family, State.IN_CORSO)
        educator = world.users.operatore
        for kind in (tutela, InterventionType.objects.get(code="sedt", ambito=None)):
            Intervention.objects.create(
                family=family, type=kind, start_date=TUTELA_DAY, planned_hours_per_week=Decimal("8")
            ).assigned_users.add(educator)
        entry = services.time_entry_set(
            user=educator, day=TUTELA_DAY, activity="diretta_famiglia", minutes=120, family=family
        )
        assert entry.intervention.type.code == "sedt" and entry.eligible

    def test_a_concluded_pnrr_project_does_not_stop_the_services(self, world, tutela):
        """The services are co-designed by the ambito, beyond the PNRR: the end of the family's P.I.P.P.I.
        project stops new devices, not the child-protection services."""
        family = f.make_family(world)
        world.project.concluded_on = datetime.date(2024, 2, 29)
        world.project.save()
        family.refresh_from_db()
        sedt = InterventionType.objects.get(code="sedt", ambito=None)
        refused = activation(family, sedt, world.users.case_manager, planned_hours_per_week="8")
        assert not refused.is_valid() and "si è concluso" in refused.errors["__all__"][0]
        assert activation(family, tutela, world.users.case_manager).is_valid()

    def test_the_services_are_not_counted_as_pippi_devices(self, world, family, tutela, advance):
        """The semester report counts families per P.I.P.P.I. device (and the other interventions of the
        project), never per child-protection service."""
        family = advance(family, State.IN_CORSO)
        Intervention.objects.create(
            family=family, type=tutela, start_date=TUTELA_DAY, planned_hours_per_week=Decimal("2")
        )
        Intervention.objects.create(
            family=family,
            type=InterventionType.objects.get(code="sedt", ambito=None),
            start_date=TUTELA_DAY,
            planned_hours_per_week=Decimal("8"),
        )
        figures = families_by_intervention_type(world.project, datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
        assert figures == {"Educativa domiciliare e territoriale (SEDT)": 1}


# --- On the demo ------------------------------------------------------------------------------------------------


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTheNoticeInTheDemo:
    """The Ambito di Seregno of the demo, with the services the notice co-designs."""

    def test_the_comune_di_seregno_leads_an_ambito_of_ten_comuni(self, seeded_demo):
        """ "Il Comune di Seregno, in qualità di ente capofila dell'Ambito Territoriale [...] per sei dei dieci
        Comuni dell'Ambito"."""
        ambito = seregno()
        assert ambito.lead_municipality == "Comune di Seregno"
        assert ambito.comuni.count() == 10
        assert set(TUTELA_COMUNI) < set(ambito.comuni.values_list("name", flat=True))

    def test_the_services_are_for_six_of_the_ten_comuni(self, seeded_demo):
        """ "per sei dei dieci Comuni dell'Ambito: Barlassina, Giussano, Lentate sul Seveso, Meda, Seregno e
        Seveso"."""
        assert tutela_types().count() == len(TUTELA_SERVICES)
        for kind in tutela_types().prefetch_related("comuni"):
            assert sorted(c.name for c in kind.comuni.all()) == TUTELA_COMUNI

    def test_the_associated_services_of_the_ambito_are_in_its_catalogue(self, seeded_demo):
        """ "I servizi in coprogettazione riguardano sia quelli associati di Ambito: Servizio Penale Minorile,
        Servizio per la regolamentazione dei rapporti, Servizio "Spazio Neutro", Servizio Associato Affidi,
        Servizio di Consulenza Legale, Direzione e Coordinamento dei Servizi Associati e dell'ETIM (Equipe
        Territoriale Integrata Minori), Servizio di Supervisione e Formazione"."""
        services_of_seregno = {kind.name: kind for kind in tutela_types()}
        assert set(ASSOCIATED_SERVICES) <= services_of_seregno.keys()
        for name in ASSOCIATED_SERVICES:
            kind = services_of_seregno[name]
            assert kind.profile  # each with the professional profile that delivers it
            assert not kind.is_pippi_device
        # The ambito's own catalogue: another ambito's staff do not see it.
        somma = User.objects.get(username="assistente_somma")
        assert not InterventionType.objects.visible_to(somma).filter(child_protection=True, ambito__isnull=False)
        assert InterventionType.objects.visible_to(User.objects.get(username="assistente")).filter(
            name="Servizio Penale Minorile"
        )

    def test_the_administrative_services_and_the_territorial_equipes_of_the_six_comuni(self, seeded_demo):
        """ "ai quali si affiancano i Servizi amministrativi per la gestione associata che le singole équipe
        territoriali dei sei Comuni"."""
        administration = tutela_types().get(name="Servizi amministrativi per la gestione associata")
        assert administration.category == InterventionType.Category.SERVIZIO_AMBITO
        territorial = tutela_types().get(code="tutela_equipe_territoriale")
        family = Family.objects.filter(ambito=seregno(), comune__name="Seregno").first()
        choices = InterventionForm(family=family, user=family.case_manager).fields["type"].queryset
        # The équipe of the comune is activated for a family; administration, direction and supervision are not.
        assert territorial in choices and administration not in choices
        assert not choices.filter(category=InterventionType.Category.SERVIZIO_AMBITO).exists()
        for comune in TUTELA_COMUNI:
            assert Equipe.objects.filter(ambito=seregno(), comuni__name=comune).exists()

    def test_a_family_outside_the_six_comuni_is_refused_the_services(self, seeded_demo):
        """The co-design is "per sei dei dieci Comuni": a family resident in Cogliate, a comune of the ambito
        outside the six, does not receive them; a family of Seveso does."""
        family = Family.objects.filter(ambito=seregno(), state=State.IN_CORSO).order_by("code").first()
        spazio_neutro = tutela_types().get(code="tutela_spazio_neutro")
        family.comune = Comune.objects.get(ambito=seregno(), name="Seveso")
        assert activation(family, spazio_neutro, family.case_manager).is_valid()
        family.comune = Comune.objects.get(ambito=seregno(), name="Cogliate")
        form = activation(family, spazio_neutro, family.case_manager)
        assert not form.is_valid()
        (error,) = form.errors["type"]
        assert "copre solo i comuni di Barlassina, Giussano, Lentate sul Seveso, Meda, Seregno, Seveso" in error
        assert "la famiglia risiede a Cogliate" in error

    def test_the_services_follow_the_dispositions_of_both_courts(self, seeded_demo):
        """ "seguendo al meglio le disposizioni dei Tribunale per i Minorenni ed Ordinario"."""
        followed = Family.objects.filter(ambito=seregno(), interventions__type__child_protection=True).distinct()
        assert followed.exists()
        assert not followed.filter(under_judicial_authority=False).exists()
        assert set(followed.values_list("judicial_authority_court", flat=True)) == set(Family.Court.values)

    def test_families_oriented_to_protection_at_the_preassessment_receive_the_services(self, seeded_demo):
        """ "tramite l'individuazione delle "idonee azioni"": the pre-assessment that orients a family to a
        protection path (not to P.I.P.P.I.) hands it to the child-protection services."""
        oriented = Family.objects.filter(
            ambito=seregno(), preassessment__orientation=Preassessment.Orientation.TUTELA
        ).distinct()
        assert oriented.exists()
        for family in oriented.filter(case_manager__username="assistente"):
            assert family.state == State.NON_INCLUSA
            assert family.interventions.filter(type__child_protection=True).exists()

    def test_the_family_page_shows_the_services_beside_the_pippi_devices(self, seeded_demo, client_for):
        """ "attivandosi anche in coerenza con la missione del programma del PNRR, P.I.P.P.I.": the family on a
        P.I.P.P.I. path who is also followed by the Spazio Neutro sees both, in two tables; pseudonymised roles
        see the services and the court, never a name."""
        family = Family.objects.filter(
            ambito=seregno(), interventions__type__code="sedt", interventions__type__child_protection=False
        )
        family = family.filter(interventions__type__code="tutela_spazio_neutro").distinct().get()
        url = reverse("interventions:family", args=[family.pk])
        page = client_for(family.case_manager).get(url).content.decode()
        pippi, tutela = page.index("Dispositivi P.I.P.P.I."), page.index("Servizi di tutela minori")
        assert pippi < page.index("Educativa domiciliare e territoriale (SEDT)") < tutela
        assert tutela < page.index("Servizio «Spazio Neutro»")
        assert "In esecuzione del provvedimento (Tribunale per i Minorenni)" in page
        names = {n for m in Member.objects.filter(family=family) for n in (m.first_name, m.last_name)}
        coordinatore = User.objects.get(username="coordinatore")
        page = client_for(coordinatore).get(url).content.decode()
        assert "Servizio «Spazio Neutro»" in page and "Tribunale per i Minorenni" in page
        assert not any(name in page for name in names)

    def test_the_report_does_not_count_the_services_as_pippi_devices(self, seeded_demo):
        """P.I.P.P.I. is a programme of the PNRR; the child-protection services are the ambito's: the semester
        report's "families with each intervention type" counts the devices only."""
        project = Project.objects.get(cup=SEREGNO_PNRR)
        by_type = families_by_intervention_type(project, project.start_date, project.end_date)
        assert "Educativa domiciliare e territoriale (SEDT)" in by_type
        assert not set(by_type) & set(tutela_types().values_list("name", flat=True))
        in_the_project = Intervention.objects.filter(
            family__implementation__project=project, type__child_protection=True
        )
        assert in_the_project.exists()  # they are there, and left out
