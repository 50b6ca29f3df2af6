"""Coordinatore and Ufficio di Piano see families pseudonymised: the identities are not read from the
database and are not in the template context, whatever the template does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import DiaryNote, State


@pytest.fixture
def followed(family, advance):
    family = advance(family, State.IN_CORSO)
    family.address, family.phone = "Via Inventata 1", "000 111 2222"
    family.save()
    DiaryNote.objects.create(
        family=family, author=family.case_manager, date=family.referral.date, text="Testo del diario riservato"
    )
    return family


def identities(family) -> list[str]:
    values = ["Via Inventata 1", "000 111 2222", "Testo del diario riservato", family.referral.reason]
    for member in family.members.all():
        values += [member.first_name, member.last_name]
        if member.codice_fiscale:
            values.append(member.codice_fiscale)
    return values


PAGES = ["families:family-detail", "families:team", "families:assessments", "families:plan", "families:plan-print"]


@pytest.mark.parametrize("role", ["coordinatore", "ufficio_piano"])
@pytest.mark.parametrize("page", PAGES)
def test_pseudonymised_roles_see_no_identity(world, client_for, followed, role, page):
    response = client_for(getattr(world.users, role)).get(reverse(page, args=[followed.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for value in identities(followed):
        assert value not in content, value
    assert followed.code in content


@pytest.mark.parametrize("role", ["coordinatore", "ufficio_piano"])
def test_identity_columns_are_not_even_selected(world, client_for, followed, role):
    client = client_for(getattr(world.users, role))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("families:family-detail", args=[followed.pk]))
    member_queries = [q["sql"] for q in queries.captured_queries if 'FROM "families_member"' in q["sql"]]
    assert member_queries
    for sql in member_queries:
        assert '"families_member"."first_name"' not in sql.split("FROM")[0]
        assert '"families_member"."codice_fiscale"' not in sql.split("FROM")[0]
    family_queries = [q["sql"] for q in queries.captured_queries if 'FROM "families_family"' in q["sql"]]
    assert all('"families_family"."address"' not in sql.split("FROM")[0] for sql in family_queries)
    assert not any(
        'FROM "families_diarynote"' in q["sql"] and "text" in q["sql"].split("FROM")[0]
        for q in queries.captured_queries
    )


def test_the_template_context_holds_no_identity(world, client_for, followed):
    response = client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[followed.pk]))
    family_view = response.context["family"]
    for attribute in ("address", "phone", "members", "notes", "referral"):
        with pytest.raises(AttributeError):
            getattr(family_view, attribute)
    for member in response.context["members"]:
        assert member.full_name is None and member.codice_fiscale is None and member.birth_date is None
    assert response.context["notes"] == []
    assert response.context["referral"] is None


def test_case_manager_sees_the_identities(world, client_for, followed):
    content = (
        client_for(world.users.case_manager).get(reverse("families:family-detail", args=[followed.pk])).content.decode()
    )
    for value in identities(followed):
        assert value in content, value


def test_search_by_name_works_only_for_roles_that_see_names(world, client_for, followed):
    surname = followed.members.first().last_name
    url = reverse("families:family-list") + f"?q={surname}"
    assert followed.code in client_for(world.users.case_manager).get(url).content.decode()
    assert followed.code not in client_for(world.users.coordinatore).get(url).content.decode()
    by_code = reverse("families:family-list") + f"?q={followed.code}"
    assert followed.code in client_for(world.users.coordinatore).get(by_code).content.decode()
