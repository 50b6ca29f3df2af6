"""The state machine of DESIGN.md §3.3: every transition allowed, and refused for each of its guards."""

import datetime
import random

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from families import services
from families.models import (
    Assessment,
    Closure,
    ClosureOutcome,
    Consent,
    Family,
    Member,
    Objective,
    Preassessment,
    SDQScore,
    State,
    SubDimension,
    TeamMember,
    TransitionLog,
    Verification,
)
from families.services import TransitionRefused
from tests import factories as f


def refused(call, *fragments):
    with pytest.raises(TransitionRefused) as error:
        call()
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    return error.value


@pytest.fixture
def consent(signed_pdf):
    """A signed consent of the given kind (revoked if asked)."""

    def make(family, kind, revoked=False):
        c = Consent(family=family, kind=kind, signed_on=datetime.date(2024, 1, 20))
        if revoked:
            c.revoked_on = datetime.date(2024, 1, 25)
        c.file.save("c.pdf", ContentFile(signed_pdf), save=True)
        return c

    return make


def preassessment(family, by, orientation=Preassessment.Orientation.INCLUDE):
    return services.preassessment_save(
        family=family,
        preassessment=Preassessment(date=datetime.date(2024, 1, 18), orientation=orientation, motivation="m"),
        concerns={},
        by=by,
    )


# --- segnalata -> preassessment ---------------------------------------------------------------------


def test_preassessment_starts_for_a_family_with_a_minor(family):
    services.family_start_preassessment(family=family, by=family.case_manager)
    assert family.state == State.PREASSESSMENT


def test_preassessment_is_refused_without_a_minor(world, family):
    family.members.filter(kind=Member.Kind.MINORE).delete()
    refused(lambda: services.family_start_preassessment(family=family, by=family.case_manager), "almeno un minore")
    family.refresh_from_db()
    assert family.state == State.SEGNALATA


# --- preassessment -> inclusa / non_inclusa ------------------------------------------------------------


@pytest.fixture
def in_preassessment(family):
    services.family_start_preassessment(family=family, by=family.case_manager, on=datetime.date(2024, 1, 15))
    return family


def test_inclusion_lists_everything_missing(in_preassessment):
    family = in_preassessment
    family.implementation = None
    family.save()
    refused(
        lambda: services.family_include(family=family, by=family.case_manager),
        "il pre-assessment",
        "l'informativa privacy firmata",
        "l'adesione al programma firmata",
        "l'implementazione",
    )


def test_inclusion_needs_orientation_include(in_preassessment, consent):
    family = in_preassessment
    preassessment(family, family.case_manager, Preassessment.Orientation.TUTELA)
    consent(family, Consent.Kind.PRIVACY)
    consent(family, Consent.Kind.ADESIONE)
    refused(lambda: services.family_include(family=family, by=family.case_manager), "orientamento")


def test_inclusion_needs_the_privacy_notice(in_preassessment, consent):
    family = in_preassessment
    preassessment(family, family.case_manager)
    consent(family, Consent.Kind.ADESIONE)
    error = refused(
        lambda: services.family_include(family=family, by=family.case_manager, on=datetime.date(2024, 1, 26)), "privacy"
    )
    assert len(error.missing) == 1


def test_inclusion_needs_the_adhesion(in_preassessment, consent):
    family = in_preassessment
    preassessment(family, family.case_manager)
    consent(family, Consent.Kind.PRIVACY)
    error = refused(
        lambda: services.family_include(family=family, by=family.case_manager, on=datetime.date(2024, 1, 26)),
        "adesione",
    )
    assert len(error.missing) == 1


def test_a_revoked_consent_does_not_count(in_preassessment, consent):
    family = in_preassessment
    preassessment(family, family.case_manager)
    consent(family, Consent.Kind.PRIVACY, revoked=True)
    consent(family, Consent.Kind.ADESIONE)
    refused(lambda: services.family_include(family=family, by=family.case_manager), "privacy")


def test_inclusion_with_everything_in_place(in_preassessment, consent):
    family = in_preassessment
    preassessment(family, family.case_manager)
    consent(family, Consent.Kind.PRIVACY)
    consent(family, Consent.Kind.ADESIONE)
    services.family_include(family=family, by=family.case_manager, on=datetime.date(2024, 1, 26))
    assert family.state == State.INCLUSA
    log = family.transitions.get(to_state=State.INCLUSA)
    assert (log.from_state, log.by, log.effective_on) == (
        State.PREASSESSMENT,
        family.case_manager,
        datetime.date(2024, 1, 26),
    )


def test_exclusion_needs_a_preassessment_and_a_reason(in_preassessment):
    family = in_preassessment
    refused(
        lambda: services.family_exclude(family=family, by=family.case_manager, reason=""), "pre-assessment", "motivo"
    )
    preassessment(family, family.case_manager, Preassessment.Orientation.ORDINARIO)
    services.family_exclude(family=family, by=family.case_manager, reason="Intervento ordinario")
    assert family.state == State.NON_INCLUSA
    assert family.transitions.last().reason == "Intervento ordinario"


# --- inclusa -> valutazione_t0 ----------------------------------------------------------------------------


@pytest.fixture
def included(family, advance):
    return advance(family, State.INCLUSA)


def test_t0_needs_another_professional_and_a_family_member(included):
    family = included
    family.team.exclude(user=family.case_manager).delete()
    refused(
        lambda: services.family_start_t0(family=family, by=family.case_manager),
        "altro professionista",
        "componente della famiglia",
    )


def test_t0_needs_the_case_manager_in_the_team(world, included):
    family = included
    TeamMember.objects.create(family=family, member=family.members.first(), role="madre")
    family.team.filter(user=family.case_manager).delete()
    error = refused(lambda: services.family_start_t0(family=family, by=family.case_manager), "case manager")
    assert len(error.missing) == 1


def test_t0_starts_with_the_team_in_place(world, included):
    family = included
    TeamMember.objects.create(family=family, member=family.members.first(), role="madre")
    services.family_start_t0(family=family, by=family.case_manager)
    assert family.state == State.VALUTAZIONE_T0


# --- valutazione_t0 -> in_corso ------------------------------------------------------------------------------


@pytest.fixture
def at_t0(family, advance):
    return advance(family, State.VALUTAZIONE_T0)


def test_path_needs_t0_and_a_plan(at_t0):
    refused(
        lambda: services.family_start_path(family=at_t0, by=at_t0.case_manager),
        "valutazione T0 completa",
        "il Progetto Quadro",
    )


def test_path_needs_a_complete_t0(world, at_t0):
    family = at_t0
    services.assessment_save(
        family=family, time_point="T0", date=datetime.date(2024, 3, 1), ratings={}, by=family.case_manager
    )
    assert not Assessment.objects.get(family=family).is_complete
    refused(lambda: services.family_start_path(family=family, by=family.case_manager), "T0 completa")


def test_path_needs_an_objective_and_the_sharing(world, at_t0, advance, ratings):
    family = at_t0
    services.assessment_save(
        family=family,
        time_point="T0",
        date=datetime.date(2024, 3, 1),
        ratings=ratings(random.Random(1), 3),
        by=family.case_manager,
    )
    plan = services.plan_create(family=family, date=datetime.date(2024, 3, 5), general_aims="Finalità")
    refused(lambda: services.family_start_path(family=family, by=family.case_manager), "obiettivo", "condivisione")
    Objective.objects.create(
        plan=plan, subdimension=SubDimension.objects.first(), expected_result="r", verification_method="v"
    )
    error = refused(lambda: services.family_start_path(family=family, by=family.case_manager), "condivisione")
    assert len(error.missing) == 1
    plan.shared_with_family, plan.shared_on = True, datetime.date(2024, 3, 6)
    plan.save()
    services.family_start_path(family=family, by=family.case_manager)
    assert family.state == State.IN_CORSO


# --- in_corso -> valutazione_t2 -> conclusa -------------------------------------------------------------------


@pytest.fixture
def in_progress(family, advance):
    return advance(family, State.IN_CORSO)


def test_t2_phase_needs_t1_and_every_objective_verified(in_progress):
    family = in_progress
    refused(lambda: services.family_start_t2(family=family, by=family.case_manager), "T1 completa", "verifica T1 di 2")


def test_t2_phase_needs_the_last_objective_verified(in_progress, advance, record_t1):
    family = in_progress
    record_t1(family, by=family.case_manager, t0=datetime.date(2024, 3, 1), rng=random.Random(2))
    Verification.objects.filter(objective__plan__family=family).first().delete()
    error = refused(lambda: services.family_start_t2(family=family, by=family.case_manager), "verifica T1 di 1")
    assert len(error.missing) == 1


def test_t2_phase_starts_after_a_complete_t1(in_progress, advance):
    family = advance(in_progress, State.VALUTAZIONE_T2)
    assert family.state == State.VALUTAZIONE_T2


@pytest.fixture
def at_t2(in_progress, advance):
    return advance(in_progress, State.VALUTAZIONE_T2)


def test_closing_lists_t2_verifications_sdq_and_closure(at_t2):
    family = at_t2
    refused(
        lambda: services.family_close(family=family, by=family.case_manager),
        "T2 completa",
        "verifica T2 di 2",
        "SDQ a T2",
        "scheda di chiusura",
    )


def test_closing_with_everything_in_place(at_t2, advance):
    family = advance(at_t2, State.CONCLUSA)
    assert family.state == State.CONCLUSA
    assert family.closure.outcome.code == "A"


def test_closing_refused_when_only_the_sdq_is_missing(world, advance, ratings):
    family = f.make_family(world, children=1)
    TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
    family = advance(family, State.VALUTAZIONE_T2)
    child = family.members.get(kind=Member.Kind.MINORE)
    # Do everything the close step needs except the child's T2 SDQ.
    services.assessment_save(
        family=family,
        time_point="T2",
        date=datetime.date(2025, 9, 1),
        ratings=ratings(random.Random(3), 5),
        by=family.case_manager,
    )
    for objective in services.current_plan(family).objectives.all():
        services.verification_save(
            objective=objective, time_point="T2", date=datetime.date(2025, 9, 1), outcome="raggiunto", notes=""
        )
    Closure.objects.create(
        family=family, date=datetime.date(2025, 9, 5), outcome=ClosureOutcome.objects.get(code="A"), child_at_home=True
    )
    error = refused(lambda: services.family_close(family=family, by=family.case_manager), child.first_name)
    assert len(error.missing) == 1
    SDQScore.objects.create(
        member=child,
        time_point="T2",
        respondent="genitore",
        date=datetime.date(2025, 9, 1),
        emotional=2,
        conduct=2,
        hyperactivity=2,
        peer=2,
        prosocial=8,
    )
    services.family_close(family=family, by=family.case_manager)
    assert family.state == State.CONCLUSA


# --- suspension, resumption, interruption ------------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.SEGNALATA, State.PREASSESSMENT, State.INCLUSA, State.IN_CORSO])
def test_suspension_returns_to_the_state_it_left(family, advance, state):
    family = advance(family, state) if state != State.SEGNALATA else family
    services.family_suspend(family=family, by=family.case_manager, reason="Ricovero")
    assert (family.state, family.suspended_from, family.suspension_reason) == (State.SOSPESA, state, "Ricovero")
    services.family_resume(family=family, by=family.case_manager)
    assert (family.state, family.suspended_from) == (state, "")
    assert list(family.transitions.values_list("to_state", flat=True))[-2:] == [State.SOSPESA, state]


def test_suspension_needs_a_reason(family):
    refused(lambda: services.family_suspend(family=family, by=family.case_manager, reason=" "), "il motivo")


def test_a_suspended_family_cannot_move_on_until_resumed(family):
    services.family_suspend(family=family, by=family.case_manager, reason="Ricovero")
    refused(lambda: services.family_start_preassessment(family=family, by=family.case_manager), "Sospesa")


def test_interruption_needs_a_reason_from_the_list(family):
    refused(
        lambda: services.family_interrupt(family=family, by=family.case_manager, interruption_reason="boh", reason="x"),
        "motivo dell'interruzione",
    )
    services.family_interrupt(family=family, by=family.case_manager, interruption_reason="rinuncia", reason="Rinuncia")
    assert (family.state, family.interruption_reason) == (State.INTERROTTA, "rinuncia")


def test_a_suspended_family_can_be_interrupted(family):
    services.family_suspend(family=family, by=family.case_manager, reason="Ricovero")
    services.family_interrupt(family=family, by=family.case_manager, interruption_reason="trasferimento", reason="x")
    assert family.state == State.INTERROTTA
    assert family.suspended_from == ""


@pytest.mark.parametrize("name", sorted(services.TRANSITIONS))
def test_ended_families_refuse_every_transition(family, name):
    services.family_interrupt(family=family, by=family.case_manager, interruption_reason="rinuncia", reason="x")
    before = TransitionLog.objects.count()
    refused(
        lambda: services.family_apply_transition(
            family=family, by=family.case_manager, name=name, reason="x", interruption_reason="altro"
        ),
        "Interrotta",
    )
    assert TransitionLog.objects.count() == before
    assert Family.objects.get(pk=family.pk).state == State.INTERROTTA


def test_a_refused_transition_writes_nothing(family):
    family.members.filter(kind=Member.Kind.MINORE).delete()
    with pytest.raises(TransitionRefused):
        services.family_start_preassessment(family=family, by=family.case_manager)
    assert not family.transitions.exists()


def test_transition_date_cannot_be_in_the_future_or_before_the_last_step(family):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(
        lambda: services.family_start_preassessment(family=family, by=family.case_manager, on=tomorrow), "non futura"
    )
    refused(
        lambda: services.family_start_preassessment(
            family=family, by=family.case_manager, on=datetime.date(2023, 1, 1)
        ),
        "non precedente",
    )


def test_every_transition_of_the_main_path_is_logged(world, family, advance):
    family = advance(family, State.CONCLUSA)
    assert list(family.transitions.values_list("from_state", "to_state")) == [
        (State.SEGNALATA, State.PREASSESSMENT),
        (State.PREASSESSMENT, State.INCLUSA),
        (State.INCLUSA, State.VALUTAZIONE_T0),
        (State.VALUTAZIONE_T0, State.IN_CORSO),
        (State.IN_CORSO, State.VALUTAZIONE_T2),
        (State.VALUTAZIONE_T2, State.CONCLUSA),
    ]
    assert set(family.transitions.values_list("by", flat=True)) == {family.case_manager.pk}


def test_codes_are_numbered_per_ambito_and_year(world):
    first = f.make_family(world, referral_date=datetime.date(2024, 2, 1))
    second = f.make_family(world, referral_date=datetime.date(2024, 3, 1))
    next_year = f.make_family(world, referral_date=datetime.date(2025, 1, 10))
    assert (first.code, second.code, next_year.code) == ("TST-24-001", "TST-24-002", "TST-25-001")
