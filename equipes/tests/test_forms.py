import datetime

from equipes.forms import ImplementationForm, ProjectForm, StaffTrainingForm
from equipes.models import StaffTraining


def project_data(project, **overrides):
    data = {
        "title": project.title,
        "cup": project.cup,
        "amount": "211500",
        "start_date": "2023-06-01",
        "end_date": "2026-05-31",
        "measure_code": "M5C2 I1.1.1",
        **RULES_AS_POSTED,
    }
    data.update(overrides)
    return data


# The project's rules as the form posts them, at their defaults (booleans off: not posted).
RULES_AS_POSTED = {
    "sedt_minimum_weekly_hours": "8",
    "group_module_min_sessions": "6",
    "group_module_max_sessions": "8",
    "older_children_share_percent": "20",
    "reunification_share_percent": "20",
    "report_age_bands": "0-3, 4-6, 7-11, 12-14, 15-17",
    "likert_points": "5",
    "deadline_window_days": "30",
}


def test_project_form_normalises_the_cup_to_upper_case(world):
    form = ProjectForm(project_data(world.project, cup="b24h22000190009"), instance=world.project)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cup"] == "B24H22000190009"


def test_project_form_refuses_a_malformed_cup_in_italian(world):
    form = ProjectForm(project_data(world.project, cup="B24H22"), instance=world.project)
    assert not form.is_valid()
    assert "15 caratteri" in form.errors["cup"][0]


def test_project_form_refuses_a_cup_of_another_project(world):
    form = ProjectForm(project_data(world.project, cup=world.other.project.cup), instance=world.project)
    assert not form.is_valid()
    assert "cup" in form.errors


def test_project_form_refuses_end_before_start(world):
    form = ProjectForm(project_data(world.project, end_date="2022-01-01"), instance=world.project)
    assert not form.is_valid()
    assert "successiva" in form.errors["end_date"][0]


def implementation_data(**overrides):
    data = {
        "number": "12",
        "module": "BASE",
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        "t1_offset_months": "9",
        "t2_offset_months": "18",
    }
    data.update(overrides)
    return data


def test_implementation_form_accepts_a_valid_edition(world):
    form = ImplementationForm(implementation_data(), project=world.project)
    assert form.is_valid(), form.errors


def test_implementation_form_refuses_a_duplicate_number(world):
    form = ImplementationForm(implementation_data(number="11"), project=world.project)
    assert not form.is_valid()


def test_a_duplicate_found_through_the_fixed_project_is_said_once(world):
    form = ImplementationForm(implementation_data(number="11"), project=world.project)
    assert not form.is_valid()
    messages = [message for errors in form.errors.values() for message in errors]
    assert messages and len(messages) == len(set(messages))


def test_implementation_form_refuses_t2_before_t1(world):
    form = ImplementationForm(implementation_data(t2_offset_months="6"), project=world.project)
    assert not form.is_valid()
    assert "T2" in form.errors["t2_offset_months"][0]


def test_implementation_form_refuses_dates_outside_the_project(world):
    form = ImplementationForm(implementation_data(end_date="2027-01-01"), project=world.project)
    assert not form.is_valid()
    assert "periodo del progetto" in form.non_field_errors()[0]


def test_training_form_refuses_the_same_course_twice_on_the_same_day(world):
    member = world.users.operatore
    StaffTraining.objects.create(user=member, course="MOOC", hours=12, completed_on=datetime.date(2024, 2, 1))
    form = StaffTrainingForm({"course": "MOOC", "hours": "12", "completed_on": "2024-02-01"}, staff_member=member)
    assert not form.is_valid()
    assert "esiste già" in form.non_field_errors()[0]
