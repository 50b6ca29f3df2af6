"""The end of a project and the project that follows it (issue 13 §5): funding and CUP, the conclusion, the
follow-on project, the pages that do them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from equipes import services
from equipes.models import FundingSource, Implementation, Project
from tests import factories as f

END = datetime.date(2026, 5, 31)  # the world's project ends here
NEXT = datetime.date(2026, 6, 1)


def conclude(world, on=END):
    return services.project_conclude(project=world.project, on=on, by=world.users.ufficio_piano)


def follow_on(world, **changes):
    fields = {
        "title": "P.I.P.P.I. con i fondi LEPS",
        "funding_source": FundingSource.LEPS,
        "cup": "",
        "amount": Decimal("90000.00"),
        "start_date": NEXT,
        "end_date": datetime.date(2027, 12, 31),
        "implementation_number": 14,
    }
    fields.update(changes)
    return services.project_start_follow_on(predecessor=world.project, by=world.users.ufficio_piano, **fields)


def test_the_ufficio_di_piano_concludes_the_project_on_its_last_day(world):
    project = conclude(world)
    assert project.is_concluded
    assert (project.concluded_on, project.concluded_by) == (END, world.users.ufficio_piano)
    assert project.takes_hours_on(END)
    assert not project.takes_hours_on(NEXT)


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (datetime.date(2030, 1, 1), "futuro"),
        (datetime.date(2022, 1, 1), "periodo del progetto"),
    ],
)
def test_a_conclusion_in_the_future_or_outside_the_project_is_refused(world, on, message):
    with pytest.raises(services.ProjectRefused, match=message):
        conclude(world, on=on)
    world.project.refresh_from_db()
    assert world.project.concluded_on is None


def test_a_project_is_concluded_once(world):
    conclude(world)
    with pytest.raises(services.ProjectRefused, match="già concluso"):
        conclude(world)


def test_the_database_keeps_the_conclusion_inside_the_project(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=world.project.pk).update(concluded_on=datetime.date(2027, 1, 1))


def test_a_pnrr_project_has_a_cup_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=world.project.pk).update(cup="")


def test_projects_of_other_funds_may_have_no_cup_and_several_of_them_none(world):
    first = f.make_project(world.ambito, cup="", funding_source=FundingSource.LEPS)
    second = f.make_project(world.ambito, cup="", funding_source=FundingSource.ALTRO)
    assert first.short_label == first.title
    assert second.cup == ""


def test_the_cup_stays_unique_among_the_projects_that_have_one(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_project(world.ambito, cup=world.project.cup, funding_source=FundingSource.LEPS)


def test_the_follow_on_project_starts_after_the_predecessor_with_its_first_implementation(world):
    conclude(world)
    project = follow_on(world)
    assert project.predecessor == world.project
    assert (project.ambito, project.cup, project.funding_source) == (world.ambito, "", FundingSource.LEPS)
    assert list(project.partners.all()) == list(world.project.partners.all())
    assert project.implementations.get().number == 14
    assert project.measure_code == ""


def test_a_project_has_one_follow_on(world):
    conclude(world)
    follow_on(world)
    with pytest.raises(services.ProjectRefused, match="già un progetto successivo"):
        follow_on(world, title="Un altro")


def test_a_follow_on_that_overlaps_the_predecessor_is_refused(world):
    conclude(world)
    with pytest.raises(services.ProjectRefused, match="dopo l'ultimo giorno"):
        follow_on(world, start_date=END)


def test_a_pnrr_follow_on_needs_its_cup(world):
    conclude(world)
    with pytest.raises(services.ProjectRefused, match="CUP"):
        follow_on(world, funding_source=FundingSource.PNRR)


def test_the_conclude_page_concludes_the_project(world, client_for):
    url = reverse("equipes:project-conclude", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(url, {"concluded_on": "2026-05-31"})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.concluded_on == END
    page = client_for(world.users.coordinatore).get(world.project.get_absolute_url()).content.decode()
    assert "Concluso" in page


def test_a_wrong_conclusion_date_is_an_italian_form_error(world, client_for):
    url = reverse("equipes:project-conclude", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(url, {"concluded_on": "2019-01-01"})
    assert response.status_code == 200
    assert "periodo del progetto" in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.concluded_on is None


def test_a_case_manager_cannot_conclude_and_nothing_changes(world, client_for):
    url = reverse("equipes:project-conclude", args=[world.project.pk])
    response = client_for(world.users.case_manager).post(url, {"concluded_on": "2026-05-31"})
    assert response.status_code == 403
    world.project.refresh_from_db()
    assert world.project.concluded_on is None


def test_another_ambitos_ufficio_di_piano_gets_404_and_nothing_changes(world, client_for):
    url = reverse("equipes:project-follow-on", args=[world.project.pk])
    response = client_for(world.other.ufficio_piano).post(url, {"title": "X"})
    assert response.status_code == 404
    assert not Project.objects.filter(predecessor=world.project).exists()


def test_the_follow_on_page_starts_a_project_without_cup(world, client_for):
    conclude(world)
    url = reverse("equipes:project-follow-on", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {
            "title": "P.I.P.P.I. LEPS",
            "funding_source": "leps",
            "cup": "",
            "amount": "90.000,00",
            "start_date": "2026-06-01",
            "end_date": "2027-12-31",
            "implementation_number": "14",
        },
    )
    project = Project.objects.get(predecessor=world.project)
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.amount == Decimal("90000.00")
    page = client_for(world.users.ufficio_piano).get(project.get_absolute_url()).content.decode()
    assert "Fondi nazionali per il LEPS" in page
    assert reverse("reporting:project-takeover", args=[project.pk]) in page


def test_a_pnrr_follow_on_without_cup_is_an_italian_form_error(world, client_for):
    url = reverse("equipes:project-follow-on", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {
            "title": "Nuovo PNRR",
            "funding_source": "pnrr",
            "cup": "",
            "amount": "1000",
            "start_date": "2026-06-01",
            "end_date": "2027-12-31",
            "implementation_number": "14",
        },
    )
    assert response.status_code == 200
    assert "Un progetto PNRR ha il CUP" in response.content.decode()
    assert not Project.objects.filter(predecessor=world.project).exists()


def test_a_concluded_project_takes_no_new_implementation(world, client_for):
    conclude(world)
    url = reverse("equipes:implementation-create", args=[world.project.pk])
    response = client_for(world.users.ufficio_piano).post(
        url,
        {
            "number": "12",
            "module": "BASE",
            "start_date": "2024-01-15",
            "end_date": "2025-12-31",
            "t1_offset_months": "9",
            "t2_offset_months": "18",
        },
    )
    assert response.status_code == 200
    assert "non accoglie nuove implementazioni" in response.content.decode()
    assert not Implementation.objects.filter(project=world.project, number=12).exists()


def test_the_project_edit_keeps_the_funding_when_the_form_leaves_it_out(world, client_for):
    url = reverse("equipes:project-edit", args=[world.project.pk])
    client_for(world.users.ufficio_piano).post(
        url,
        {
            "title": "Titolo",
            "cup": "",
            "amount": "211500,00",
            "start_date": "2023-06-01",
            "end_date": "2026-05-31",
        },
    )
    world.project.refresh_from_db()
    assert (world.project.title, world.project.funding_source) == ("Progetto di prova", FundingSource.PNRR)
