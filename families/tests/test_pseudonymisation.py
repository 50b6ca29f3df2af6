"""Coordinatore and Ufficio di Piano see families pseudonymised: the identities are not read from the
database and are not in the template context, whatever the template does."""

from html import unescape

import pytest
from django.db import connection
from django.template import Context, Template, VariableDoesNotExist
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
def test_identity_columns_are_read_only_by_the_redactor(world, client_for, followed, role):
    """The members reach the page without names; the only query that reads names is the free-text
    redactor's (it must know them to hide them), once per page; address and diary text are never read."""
    client = client_for(getattr(world.users, role))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("families:family-detail", args=[followed.pk]))
    member_queries = [q["sql"] for q in queries.captured_queries if 'FROM "families_member"' in q["sql"]]
    assert member_queries
    with_names = [sql for sql in member_queries if '"families_member"."first_name"' in sql.split("FROM")[0]]
    assert len(with_names) <= 1
    for sql in with_names:  # the redactor's: names with the pseudonym's fields, nothing else of the member
        assert '"families_member"."relationship"' in sql.split("FROM")[0]
        assert '"families_member"."school"' not in sql.split("FROM")[0]
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


def test_free_text_reaches_a_pseudonymised_role_with_the_names_hidden(world, client_for, followed):
    parent = followed.members.exclude(kind="minore").first()
    child = followed.members.filter(kind="minore").order_by("birth_date", "pk").first()
    plan = followed.plans.get(superseded_at__isnull=True)
    plan.general_aims = f"Sostenere la famiglia {parent.last_name}: {child.first_name} si prepara, con {parent}."
    plan.save()
    url = reverse("families:plan", args=[followed.pk])
    coordinator = client_for(world.users.coordinatore).get(url).content.decode()
    assert "Sostenere la famiglia [cognome]:" in coordinator
    assert "[minore 1] si prepara, con [figura genitoriale 1]." in coordinator
    case_manager = client_for(world.users.case_manager).get(url).content.decode()
    assert f"{child.first_name} si prepara" in case_manager


def test_the_pseudonyms_are_the_same_in_the_member_list_and_in_the_text(world, client_for, followed):
    """The member list calls them as the redacted text does: «Minore 1» there is «[minore 1]» here."""
    response = client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[followed.pk]))
    assert [member.label for member in response.context["members"]] == [
        "Figura genitoriale 1",
        "Minore 1",
        "Minore 2",
    ]
    child = followed.members.filter(kind="minore").order_by("birth_date", "pk").first()
    assert response.context["redactor"](child.first_name) == "[minore 1]"


def test_a_plain_relationship_is_the_pseudonym_and_one_that_could_carry_a_name_is_not(world, client_for, followed):
    url = reverse("families:family-detail", args=[followed.pk])
    followed.members.exclude(kind="minore").update(relationship="madre")
    members = client_for(world.users.ufficio_piano).get(url).context["members"]
    assert members[0].label == "Madre"
    followed.members.exclude(kind="minore").update(relationship="madre di Bimbo")
    members = client_for(world.users.ufficio_piano).get(url).context["members"]
    assert members[0].label == "Figura genitoriale 1"


def test_forms_that_take_free_text_say_that_names_are_hidden_from_some_roles(world, client_for, followed):
    content = client_for(world.users.case_manager).get(reverse("families:plan-edit", args=[followed.pk]))
    assert "sono nascosti al coordinatore e all'Ufficio di Piano" in unescape(content.content.decode())


def test_text_without_a_redactor_is_never_shown():
    """A template given no redactor fails to render; one given something else withholds the text."""
    template = Template("{% load portal %}{{ text|redact:redactor }}")
    with pytest.raises(VariableDoesNotExist):
        template.render(Context({"text": "Giulia"}))
    assert template.render(Context({"text": "Giulia", "redactor": None})) == "[testo non disponibile]"
