"""`manage.py seed_scale` at a tiny size: the counts, the validity of what it writes, and that it leaves other
ambiti alone and refuses to run twice."""

from __future__ import annotations

import datetime
import io

import pytest
from codicefiscale import codicefiscale
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from demo import scale
from equipes.models import Ambito, Project, Role, User
from families.models import Family, Member, State
from interventions.models import Intervention, TimeEntry, Timesheet
from tests import factories as f


@pytest.mark.parametrize(
    ("first", "last", "birth", "sex"),
    [
        ("Mario", "Rossi", datetime.date(2015, 2, 1), "M"),
        ("Giulia", "Esposito", datetime.date(2019, 12, 31), "F"),
        ("Niccolò", "D'Angelo", datetime.date(2012, 7, 9), "M"),
        ("Ilaria", "De Santis", datetime.date(2020, 10, 22), "F"),
        ("Christian", "Fo", datetime.date(2016, 5, 15), "M"),
    ],
)
def test_fast_codice_fiscale_matches_the_library(first, last, birth, sex):
    expected = codicefiscale.encode(
        lastname=last, firstname=first, gender=sex, birthdate=birth.strftime("%d/%m/%Y"), birthplace="Milano"
    )
    assert scale.codice_fiscale(first, last, birth, sex) == expected


def test_ambito_codes_are_letters_and_distinct():
    codes = [scale.ambito_code("ZA", k) for k in range(800)] + [scale.ambito_code("ZP", k) for k in range(3)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 5 and code.isalpha() and code.isupper() for code in codes)


@pytest.fixture(scope="module")
def scale_data(module_db):
    """Another ambito, then the scale seed at a tiny size, once for the module; returns the other ambito."""
    other = f.make_ambito("TST")
    call_command(
        "seed_scale", "--ambiti", "2", "--families-per-ambito", "3", "--project-sizes", "4", stdout=io.StringIO()
    )
    return other


@pytest.fixture
def seeded(db, scale_data):
    """The scale data; each test runs in a savepoint of the module's transaction."""
    return scale_data


def test_counts(seeded):
    ambiti = scale.scale_ambiti()
    assert ambiti.count() == 3
    assert Family.objects.filter(ambito__in=ambiti).count() == 2 * 3 + 4
    assert Project.objects.filter(ambito__in=ambiti).count() == 3
    for family in Family.objects.filter(ambito__in=ambiti):
        assert family.members.filter(is_reference_child=True).count() == 1
        assert family.code.startswith(family.ambito.code + "-")
    assert TimeEntry.objects.count() > 100
    assert Timesheet.objects.filter(state=Timesheet.State.VALIDATO).exists()
    # The other ambito is untouched, and the admin of the benchmarks exists.
    assert not Family.objects.filter(ambito=seeded).exists()
    assert User.objects.get(username=scale.ADMIN_USERNAME).is_superuser


def test_history_rows_are_written(seeded):
    """The history rows written set-based are those the row triggers would have written."""
    events = TimeEntry.pgh_event_models["insert"]
    assert events.objects.filter(pgh_label="insert").count() == TimeEntry.objects.count()
    entry = TimeEntry.objects.order_by("pk").first()
    event = events.objects.get(pgh_obj_id=entry.pk)
    assert (event.minutes, event.date, event.timesheet_id) == (entry.minutes, entry.date, entry.timesheet_id)
    family_events = Family.pgh_event_models["insert"]
    assert family_events.objects.count() == Family.objects.count()
    validated = Timesheet.objects.filter(state=Timesheet.State.VALIDATO).first()
    updates = Timesheet.pgh_event_models["update"].objects.filter(pgh_obj_id=validated.pk, pgh_label="update")
    assert sorted(updates.values_list("state", flat=True)) == ["confermato", "validato"]


def test_data_is_valid(seeded):
    ambiti = scale.scale_ambiti()
    samples = [
        *Family.objects.filter(ambito__in=ambiti)[:3],
        *Member.objects.filter(family__ambito__in=ambiti)[:5],
        *Project.objects.filter(ambito__in=ambiti),
        *Intervention.objects.filter(family__ambito__in=ambiti)[:3],
        *TimeEntry.objects.all()[:5],
        *Timesheet.objects.all()[:3],
    ]
    for obj in samples:
        obj.full_clean()
    child = Member.objects.filter(family__ambito__in=ambiti, kind=Member.Kind.MINORE).first()
    decoded = codicefiscale.decode(child.codice_fiscale)
    assert decoded["birthdate"].date() == child.birth_date
    assert decoded["gender"] == child.sex


def test_validated_months_stay_locked(seeded):
    entry = TimeEntry.objects.filter(timesheet__state=Timesheet.State.VALIDATO).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        TimeEntry.objects.filter(pk=entry.pk).update(minutes=entry.minutes + 1)


def test_pages_answer_for_scale_users(seeded):
    ambito = scale.scale_ambiti().order_by("code").first()
    family = (
        Family.objects.filter(ambito=ambito, state=State.IN_CORSO).first()
        or Family.objects.filter(ambito=ambito).first()
    )
    client = Client()
    client.force_login(family.case_manager)
    assert client.get(reverse("families:family-list")).status_code == 200
    assert client.get(reverse("families:family-detail", args=[family.pk])).status_code == 200
    educator = User.objects.filter(ambito=ambito, role=Role.OPERATORE, profile="educatore").first()
    client.force_login(educator)
    assert client.get(reverse("interventions:week")).status_code == 200
    udp = User.objects.get(ambito=ambito, role=Role.UFFICIO_PIANO)
    client.force_login(udp)
    project = Project.objects.get(ambito=ambito)
    assert client.get(reverse("interventions:budget", args=[project.pk])).status_code == 200


def test_refuses_a_second_run(seeded):
    with pytest.raises(CommandError, match="già presenti"):
        call_command("seed_scale", "--ambiti", "1", "--families-per-ambito", "1")
    assert Ambito.objects.filter(code__startswith="Z").count() == 3
