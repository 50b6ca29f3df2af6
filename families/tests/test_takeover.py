"""The families still on their path pass to the project that follows a concluded one, with their history
(issue 13 §5); a concluded project takes no new families."""

import datetime
from decimal import Decimal

import pytest

from equipes import services as project_services
from equipes.models import FundingSource
from families import services
from families.forms import FamilyForm
from families.models import Assessment, ProjectTakeover, State, TransitionLog
from tests import factories as f

END = datetime.date(2026, 5, 31)


def conclude_and_follow(world):
    udp = world.users.ufficio_piano
    project_services.project_conclude(project=world.project, on=END, by=udp)
    follow = project_services.project_start_follow_on(
        predecessor=world.project,
        by=udp,
        title="P.I.P.P.I. LEPS",
        funding_source=FundingSource.LEPS,
        cup="",
        amount=Decimal("90000"),
        start_date=END + datetime.timedelta(days=1),
        end_date=datetime.date(2027, 12, 31),
        implementation_number=14,
    )
    return follow, follow.implementations.get()


def test_the_families_on_their_path_move_with_their_history(world, advance):
    on_path = advance(f.make_family(world), State.IN_CORSO)
    referred = f.make_family(world)
    closed = advance(f.make_family(world), State.CONCLUSA)
    assessments_before = Assessment.objects.filter(family=on_path).count()
    transitions_before = TransitionLog.objects.filter(family=on_path).count()
    follow, implementation = conclude_and_follow(world)

    moved = services.families_take_over(implementation=implementation, by=world.users.ufficio_piano)

    assert {family.pk for family in moved} == {on_path.pk, referred.pk}
    on_path.refresh_from_db()
    closed.refresh_from_db()
    assert (on_path.implementation, on_path.state) == (implementation, State.IN_CORSO)
    assert closed.implementation == world.implementation
    assert Assessment.objects.filter(family=on_path).count() == assessments_before
    assert TransitionLog.objects.filter(family=on_path).count() == transitions_before
    takeover = ProjectTakeover.objects.get(family=on_path)
    assert (takeover.from_implementation, takeover.to_implementation) == (world.implementation, implementation)
    assert (takeover.state, takeover.effective_on, takeover.by) == (
        State.IN_CORSO,
        datetime.date(2026, 6, 1),
        world.users.ufficio_piano,
    )


def test_a_second_takeover_moves_nobody(world, advance):
    advance(f.make_family(world), State.IN_CORSO)
    _follow, implementation = conclude_and_follow(world)
    services.families_take_over(implementation=implementation, by=world.users.ufficio_piano)
    assert services.families_take_over(implementation=implementation, by=world.users.ufficio_piano) == []


def test_no_takeover_before_the_predecessor_is_concluded(world):
    follow = project_services.project_start_follow_on(
        predecessor=world.project,
        by=world.users.ufficio_piano,
        title="Dopo",
        funding_source=FundingSource.ALTRO,
        cup="",
        amount=Decimal("1000"),
        start_date=datetime.date(2026, 6, 1),
        end_date=datetime.date(2027, 6, 1),
        implementation_number=14,
    )
    f.make_family(world)
    with pytest.raises(services.TransitionRefused, match="conclusione del progetto precedente"):
        services.families_take_over(implementation=follow.implementations.get(), by=world.users.ufficio_piano)


def test_the_family_page_shows_the_passage_to_the_new_project(world, advance, client_for):
    family = advance(f.make_family(world), State.IN_CORSO)
    _follow, implementation = conclude_and_follow(world)
    services.families_take_over(implementation=implementation, by=world.users.ufficio_piano)
    page = client_for(world.users.case_manager).get(family.get_absolute_url()).content.decode()
    assert "Passaggio al progetto successivo" in page
    assert "P.I.P.P.I. LEPS" in page


def test_a_concluded_project_includes_no_family(world, advance):
    family = advance(f.make_family(world), State.PREASSESSMENT)
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    family.refresh_from_db()
    assert "un'implementazione di un progetto non concluso" in services.guard_include(family)


def test_a_concluded_project_is_no_choice_for_a_new_family(world):
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    form = FamilyForm(
        {
            "comune": world.comune.pk,
            "equipe": world.equipe.pk,
            "implementation": world.implementation.pk,
            "case_manager": world.users.case_manager.pk,
        },
        user=world.users.case_manager,
    )
    assert not form.is_valid()
    assert "non accoglie nuove famiglie" in str(form.errors["implementation"])
