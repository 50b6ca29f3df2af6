"""Anonymisation at the end of the retention period: identities and free texts go, what reports need
stays, the change history holding the old values is purged, and a second run changes nothing."""

import datetime
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.urls import reverse

from families.anonymisation import FREE_TEXTS, KEPT, PLACEHOLDER
from families.history import family_event_querysets
from families.models import (
    AnonymisationLog,
    AssessmentRating,
    Consent,
    DiaryNote,
    Family,
    Member,
    Referral,
    SDQScore,
    State,
    TeamMember,
    TransitionLog,
)
from tests import factories as f

LONG_AGO = datetime.date(2016, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ended_family(walk):
    """A family of the world taken to its end (closed, or interrupted), ended on `ended_on`."""

    def make(world, state=State.CONCLUSA, ended_on=LONG_AGO) -> Family:
        family = f.make_family(world, children=2)
        TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
        TeamMember.objects.create(family=family, external_name="Maestra Inventata", role="Insegnante")
        Family.objects.filter(pk=family.pk).update(address="Via Inventata 3", phone="000 0000000")
        DiaryNote.objects.create(
            family=family, author=world.users.operatore, date=datetime.date(2024, 4, 1), text="Visita a casa, nomi."
        )
        target = State.IN_CORSO if state == State.INTERROTTA else state
        walk(
            family,
            target,
            by=world.users.case_manager,
            operator=world.users.operatore,
            t0=datetime.date(2024, 3, 1),
            rng=random.Random(3),
        )
        if state == State.INTERROTTA:
            from families import services

            services.family_apply_transition(
                family=family,
                by=world.users.case_manager,
                name="interrompi",
                reason="Trasferita da Via Inventata",
                interruption_reason="trasferimento",
            )
        TransitionLog.objects.filter(family=family, to_state=state).update(effective_on=ended_on)
        family.refresh_from_db()
        return family

    return make


def test_identities_and_free_texts_are_erased_and_report_data_kept(
    world, ended_family, django_capture_on_commit_callbacks
):
    family = ended_family(world)
    child = family.members.filter(kind=Member.Kind.MINORE).order_by("pk").first()
    birth_year = child.birth_date.year
    family.members.update(birth_comune_code="I625")
    ratings_before = list(AssessmentRating.objects.filter(assessment__family=family).values_list("rating", flat=True))
    sdq_before = SDQScore.objects.filter(member__family=family).count()
    transitions_before = list(TransitionLog.objects.filter(family=family).values_list("to_state", "effective_on"))
    files = [Path(c.file.path) for c in Consent.objects.filter(family=family)]
    assert files and all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_closed", older_than=5)

    family.refresh_from_db()
    assert family.address is None and family.phone is None
    assert family.code and family.state == State.CONCLUSA
    for member in Member.objects.filter(family=family):
        assert member.first_name == PLACEHOLDER and member.last_name == PLACEHOLDER
        assert member.codice_fiscale is None and member.codice_fiscale_hash == ""
        assert member.birth_comune_code == ""
        assert (member.birth_date.month, member.birth_date.day) == (7, 1)
    assert Member.objects.get(pk=child.pk).birth_date.year == birth_year
    assert Referral.objects.get(family=family).reason == PLACEHOLDER
    assert {n.text for n in DiaryNote.objects.filter(family=family)} == {PLACEHOLDER}
    assert TeamMember.objects.get(family=family, role="Insegnante").external_name == PLACEHOLDER
    assert all(not path.exists() for path in files)
    assert not Consent.objects.filter(family=family).exclude(file="").exists()
    # What reports count is still there.
    assert list(AssessmentRating.objects.filter(assessment__family=family).values_list("rating", flat=True)) == (
        ratings_before
    )
    assert SDQScore.objects.filter(member__family=family).count() == sdq_before
    assert list(TransitionLog.objects.filter(family=family).values_list("to_state", "effective_on")) == (
        transitions_before
    )
    # The history that held the old values is gone, and no new history repeats them.
    assert all(not qs.exists() for _model, qs in family_event_querysets(family.pk))
    log = AnonymisationLog.objects.get(family=family)
    assert log.family_code == family.code and log.performed_by == "system"
    assert log.ended_state == State.CONCLUSA and log.ended_on == LONG_AGO
    assert log.counts["componenti"] == 3 and log.counts["documenti_di_consenso"] == 2
    assert log.counts["eventi_di_storico"] > 0


def test_no_erased_value_survives_anywhere_in_the_family_rows(world, ended_family):
    family = ended_family(world)
    names = set(Member.objects.filter(family=family).values_list("last_name", flat=True))
    call_command("anonymise_closed", older_than=5)
    for model, (path, columns) in FREE_TEXTS.items():
        for row in model.objects.filter(**{path: family.pk}).values(*columns):
            for column, value in row.items():
                assert value in ("", PLACEHOLDER), f"{model.__name__}.{column}"
                assert not any(name in value for name in names)


def test_a_second_run_changes_nothing(world, ended_family, capsys):
    family = ended_family(world)
    call_command("anonymise_closed", older_than=5)
    snapshot = list(Member.objects.filter(family=family).values())
    call_command("anonymise_closed", older_than=5)
    assert "Nessuna famiglia da anonimizzare" in capsys.readouterr().out
    assert list(Member.objects.filter(family=family).values()) == snapshot
    assert AnonymisationLog.objects.filter(family=family).count() == 1


def test_dry_run_counts_but_keeps_everything(world, ended_family, capsys, django_capture_on_commit_callbacks):
    family = ended_family(world)
    files = [Path(c.file.path) for c in Consent.objects.filter(family=family)]
    names = sorted(Member.objects.filter(family=family).values_list("first_name", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_closed", older_than=5, dry_run=True)
    assert family.code in capsys.readouterr().out
    assert sorted(Member.objects.filter(family=family).values_list("first_name", flat=True)) == names
    assert all(path.exists() for path in files)
    assert any(qs.exists() for _model, qs in family_event_querysets(family.pk))
    assert not AnonymisationLog.objects.exists()


def test_only_families_ended_before_the_retention_period_are_touched(world, ended_family):
    recent = ended_family(world, ended_on=datetime.date.today() - datetime.timedelta(days=365))
    interrupted = ended_family(world, state=State.INTERROTTA)
    active = f.make_family(world)
    call_command("anonymise_closed", older_than=5)
    assert set(AnonymisationLog.objects.values_list("family_id", flat=True)) == {interrupted.pk}
    assert TransitionLog.objects.get(family=interrupted, to_state=State.INTERROTTA).reason == PLACEHOLDER
    assert PLACEHOLDER not in set(
        Member.objects.filter(family__in=[recent, active]).values_list("first_name", flat=True)
    )


def test_the_command_runs_as_a_named_user_for_the_log(world, ended_family):
    ended_family(world)
    call_command("anonymise_closed", older_than=5, user="admin")
    assert AnonymisationLog.objects.get().performed_by == "admin"


def test_the_anonymisation_log_is_read_only_in_the_admin(world, client_for):
    admin = client_for(world.users.admin)
    assert admin.get(reverse("admin:families_anonymisationlog_add")).status_code == 403


def test_a_retention_period_below_one_year_is_refused_in_italian(db):
    with pytest.raises(CommandError, match="almeno un anno"):
        call_command("anonymise_closed", older_than=0)


def test_every_text_column_of_a_family_is_either_erased_or_deliberately_kept():
    """A new free-text field must be added to FREE_TEXTS (erased) or KEPT (names no one): this test is the
    privacy review of every schema change of the families app."""
    from django.apps import apps

    handled = {(model, column) for model, (_path, columns) in FREE_TEXTS.items() for column in columns}
    handled |= {(model, column) for model, columns in KEPT.items() for column in columns}
    special = {(Family, "address"), (Family, "phone"), (DiaryNote, "text"), (Consent, "file")}
    special |= {
        (Member, c)
        for c in ("first_name", "last_name", "codice_fiscale", "codice_fiscale_hash", "birth_comune_code")
        + ("relationship", "school")
    }
    # Reference data and the audit logs (the anonymisation's own log names no family member: a code, a state
    # and the staff user who ran it).
    reference_data = {"Framework", "Side", "SubDimension", "RatingLevel", "ClosureOutcome", "AccessLog"}
    reference_data |= {"AnonymisationLog"}
    missing = []
    for model in apps.get_app_config("families").get_models():
        if model.__name__.endswith("Event") or model.__name__ in reference_data:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.FileField) and (
                (model, field.name) not in handled | special
            ):
                missing.append(f"{model.__name__}.{field.name}")
    assert not missing, missing
