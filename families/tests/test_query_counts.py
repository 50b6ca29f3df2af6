"""The family list and detail keep the same number of queries at 1 and at 30 families / members / notes /
consents; the list stays within 12 queries, the detail within DETAIL_CEILING. The detail with interventions,
groups and hours on its timeline is in interventions/tests/test_query_counts.py."""

import datetime
import random

import pytest
from django.urls import reverse

from families.models import Consent, DiaryNote, Member, Placement, State, TeamMember
from tests import factories as f

#: The family page's ceiling (issue 16: every list and detail page at most 12 queries).
DETAIL_CEILING = 12
DETAIL_ROLES = ["case_manager", "operatore", "coordinatore", "ufficio_piano"]
# The family page's queries by role, session and user included: the family in one query, then in one round trip
# members, consents, placements, team, notes and what each role's panels need (the next step's guards, the SINBA
# panel), then the access log; the pseudonymised roles' redactor reads the people it hides.
DETAIL_QUERIES = {"case_manager": 5, "operatore": 5, "coordinatore": 7, "ufficio_piano": 7}


def add_families(world, n):
    for _ in range(n):
        family = f.make_family(world)
        TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")


def add_members(family, n):
    for i in range(n):
        Member.objects.create(
            family=family,
            kind="minore",
            first_name=f"Figlio{i}",
            last_name="Prova",
            birth_date=datetime.date(2015, 1, 1),
            sex="M",
        )


def add_notes(family, author, n):
    for i in range(n):
        DiaryNote.objects.create(
            family=family,
            author=author,
            date=datetime.date(2024, 4, 1) + datetime.timedelta(days=i),
            text=f"Nota di prova {i}",
            sensitivity=DiaryNote.Sensitivity.RISERVATA if i % 3 == 0 else DiaryNote.Sensitivity.ORDINARIA,
        )


def add_consents(family, n):
    template = family.consents.first()
    for i in range(n):
        Consent.objects.create(
            family=family,
            kind=Consent.Kind.SCUOLA,
            signed_on=datetime.date(2024, 2, 1) + datetime.timedelta(days=i),
            file=template.file.name,
            revoked_on=datetime.date(2024, 6, 1) if i % 2 else None,
        )


@pytest.mark.parametrize("role", ["case_manager", "operatore", "coordinatore", "ufficio_piano"])
def test_family_list_query_count_does_not_grow(world, client_for, count_queries, role):
    client = client_for(getattr(world.users, role))
    listed = reverse("families:family-list")
    # None of these families is overdue: the filtered list has no row to read.
    filtered = listed + "?overdue=on&q=TST"
    add_families(world, 1)
    client.get(listed)
    one = count_queries(lambda: client.get(listed)), count_queries(lambda: client.get(filtered))
    add_families(world, 29)
    response = client.get(listed)
    assert len(response.context["page"].object_list) == 25
    thirty = count_queries(lambda: client.get(listed)), count_queries(lambda: client.get(filtered))
    # Session, user, the count with the filters' three choices (one round trip), the page of families (when the
    # count says there is one).
    assert one == thirty == (4, 3)


def walk_to_t1(world, family, advance, record_t1):
    """A family well along its path: pre-assessment, consents, team, T0 and T1, a Progetto Quadro with
    objectives and verifications, an EM meeting, a diary note."""
    family = advance(family, State.IN_CORSO)
    record_t1(family, by=family.case_manager, t0=datetime.date(2024, 3, 1), rng=random.Random(1))
    add_notes(family, world.users.operatore, 1)
    return family


def add_placements(family):
    """An ongoing affido for each minor without a placement (the page's section lists them in one query)."""
    for child in family.members.filter(kind="minore", placements__isnull=True):
        Placement.objects.create(
            member=child,
            kind="affido",
            form="1",
            start_date=datetime.date(2024, 5, 1),
            affido_type="1",
            affido_time="1",
            affido_character="2",
        )


def grow_family(world, family):
    """29 more members, diary notes and consents, and a placement for each minor."""
    add_members(family, 29)
    add_placements(family)
    add_notes(family, world.users.case_manager, 29)
    add_consents(family, 29)


@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_family_detail_query_count_does_not_grow_with_members(
    world, client_for, count_queries, family, advance, record_t1, role
):
    family = walk_to_t1(world, family, advance, record_t1)
    client = client_for(getattr(world.users, role))
    url = reverse("families:family-detail", args=[family.pk])
    page = client.get(url).content.decode()
    for event in ["Valutazione T1", "Progetto Quadro, versione 1"]:
        assert event in page
    one = count_queries(lambda: client.get(url))
    grow_family(world, family)
    thirty = count_queries(lambda: client.get(url))
    assert one == thirty == DETAIL_QUERIES[role] <= DETAIL_CEILING
