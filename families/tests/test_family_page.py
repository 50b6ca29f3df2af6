"""The family's page and its sub-pages as the people who use them every day expect (issue 14 §3): the members
table, a step that cannot be taken yet, an ended family's work kept readable, the team form, the Mondo del
Bambino's sides named alike on the chart and in the table. (The layout at 1366 and 390 px is checked in a real
browser: tests/browser/test_family_page.py; the folded monthly hours in interventions/tests, where they come
from.)"""

import datetime
import re

import pytest
from django.urls import reverse

from equipes.models import Profile, Role
from families import services
from families.models import Assessment, Family, Side, State, TeamMember, TimePoint, Verification
from families.selectors import TimelineEntry, fold_monthly
from tests import factories as f

T2_DAY = datetime.date(2025, 9, 1)


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


# --- The members table --------------------------------------------------------------------------------------


def test_the_members_table_gives_each_member_an_edit_link_and_a_label_per_cell(world, client_for, family):
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    table = page[page.index('class="table table-sm table-stack members-table"') : page.index("</table>")]
    for member in family.members.all():
        assert reverse("families:member-edit", args=[family.pk, member.pk]) in table
    # Each cell but the name carries its column's header, which a phone shows beside the value.
    for label in ("Nascita", "Sesso", "Codice fiscale", "Scuola e classe"):
        assert table.count(f'data-label="{label}"') == family.members.count() == 3


def test_the_members_table_of_a_pseudonymised_role_has_no_identity_columns(world, client_for, family):
    page = text(client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[family.pk])))
    table = page[page.index("members-table") : page.index("</table>")]
    assert "Codice fiscale" not in table and "Nascita" not in table and 'data-label="Età"' in table
    assert "Modifica" not in table


def test_ages_are_said_in_years_with_the_right_plural(world, client_for, family):
    child = family.members.filter(kind="minore").first()
    child.birth_date = datetime.date.today() - datetime.timedelta(days=400)
    child.save(update_fields=["birth_date"])
    page = text(client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[family.pk])))
    assert "1 anno<" in page and "1 anni" not in page


# --- The transition buttons ---------------------------------------------------------------------------------


def test_a_step_whose_guard_is_not_met_is_a_disabled_button_described_by_what_is_missing(world, client_for, family):
    family.members.filter(kind="minore").delete()
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    button = re.search(r"<button[^>]*>Avvia il pre-assessment</button>", page).group(0)
    assert "disabled" in button and 'aria-describedby="missing-avvia-preassessment"' in button
    reason = page[page.index('id="missing-avvia-preassessment"') :]
    assert "Per questo passo serve ancora:" in reason[:300] and "almeno un minore" in reason[:400]
    # No form to submit it with.
    assert reverse("families:family-transition", args=[family.pk, "avvia-preassessment"]) not in page


def test_a_step_whose_guard_is_met_is_a_form_with_its_button(world, client_for, family):
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    assert reverse("families:family-transition", args=[family.pk, "avvia-preassessment"]) in page
    button = re.search(r"<button[^>]*>Avvia il pre-assessment</button>", page).group(0)
    assert "disabled" not in button


@pytest.mark.parametrize(("objectives", "wording"), [(1, "la verifica T1 di 1 obiettivo"), (2, "di 2 obiettivi")])
def test_what_is_missing_counts_objectives_in_good_italian(world, family, advance, objectives, wording):
    family = advance(family, State.IN_CORSO)
    plan = family.plans.get()
    for objective in plan.objectives.order_by("pk")[objectives:]:
        objective.delete()
    assert plan.objectives.count() == objectives
    missing = services.guard_start_t2(family)
    assert any(wording in m for m in missing)
    assert not any("1 obiettivi" in m for m in missing)


# --- An ended family's work stays readable ------------------------------------------------------------------


@pytest.fixture
def concluded(world, family, advance):
    return advance(family, State.CONCLUSA)


@pytest.fixture
def interrupted(world, family, advance):
    family = advance(family, State.IN_CORSO)
    return services.family_interrupt(
        family=family, by=world.users.case_manager, interruption_reason="rinuncia", reason="La famiglia rinuncia."
    )


@pytest.mark.parametrize("role", ["case_manager", "operatore"])
def test_an_ended_familys_assessment_is_shown_read_only_to_those_who_wrote_it(world, client_for, concluded, role):
    client = client_for(getattr(world.users, role))
    response = client.get(reverse("families:assessment-edit", args=[concluded.pk, "T2"]))
    assert response.status_code == 200
    page = text(response)
    assert "Salva la valutazione" not in page and "Torna alle valutazioni" in page
    assert all(field.disabled for field in response.context["form"].fields.values())
    assessment = concluded.assessments.get(time_point=TimePoint.T2)
    rating = assessment.ratings.exclude(rating=None).first()
    assert response.context["form"][f"rating_{rating.subdimension_id}"].value() == rating.rating
    assert "La famiglia ha concluso il percorso: i suoi dati si possono consultare, non più modificare." in page


@pytest.mark.parametrize("role", ["case_manager", "operatore"])
def test_the_assessments_page_of_an_ended_family_links_to_each_recorded_assessment(world, client_for, concluded, role):
    page = text(client_for(getattr(world.users, role)).get(reverse("families:assessments", args=[concluded.pk])))
    for tp in TimePoint.values:
        assert reverse("families:assessment-edit", args=[concluded.pk, tp]) in page
    assert "Consulta" in page and "Apri e modifica" not in page and "Registra punteggi SDQ" not in page


def test_an_ended_familys_assessment_cannot_be_changed_and_the_refusal_says_why(world, client_for, concluded):
    assessment = concluded.assessments.get(time_point=TimePoint.T2)
    response = client_for(world.users.operatore).post(
        reverse("families:assessment-edit", args=[concluded.pk, "T2"]), {"date": "2025-09-02"}
    )
    assert response.status_code == 403
    page = text(response)
    assert "La famiglia ha concluso il percorso" in page and "Il tuo ruolo" not in page
    assert Assessment.objects.get(pk=assessment.pk).date == assessment.date


def test_an_interrupted_familys_refusal_says_the_path_was_interrupted(world, client_for, interrupted):
    response = client_for(world.users.operatore).post(
        reverse("families:objective-create", args=[interrupted.pk]), {"expected_result": "x"}
    )
    assert response.status_code == 403
    assert "Il percorso della famiglia è stato interrotto" in text(response)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("member-create", {}),
        ("family-edit", {}),
        ("closure", {}),
        ("plan-edit", {}),
        ("sdq-create", {}),
    ],
)
def test_every_change_to_an_ended_family_is_refused_saying_the_path_has_ended(
    world, client_for, concluded, name, kwargs
):
    response = client_for(world.users.case_manager).get(reverse(f"families:{name}", args=[concluded.pk]))
    assert response.status_code == 403
    assert "La famiglia ha concluso il percorso" in text(response)


def test_an_ended_familys_verification_is_shown_read_only(world, client_for, concluded):
    objective = concluded.plans.get(superseded_at__isnull=True).objectives.first()
    verification = objective.verifications.get(time_point=TimePoint.T2)
    url = reverse("families:verification", args=[concluded.pk, objective.pk, "T2"])
    response = client_for(world.users.operatore).get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert all(field.disabled for field in form.fields.values())
    assert form["outcome"].value() == verification.outcome
    page = text(response)
    assert 'value="Salva"' not in page and "Torna indietro" in page
    refused = client_for(world.users.operatore).post(url, {"date": "2025-09-02", "outcome": "non_raggiunto"})
    assert refused.status_code == 403 and "La famiglia ha concluso il percorso" in text(refused)
    assert Verification.objects.get(pk=verification.pk).outcome == verification.outcome


def test_a_role_that_never_read_the_ratings_still_cannot(world, client_for, concluded):
    """The coordinatore reads the assessments page (the means), never one assessment's ratings and voices: the
    refusal is about the role, not about the path having ended."""
    response = client_for(world.users.coordinatore).get(reverse("families:assessment-edit", args=[concluded.pk, "T2"]))
    assert response.status_code == 403
    assert "Il tuo ruolo non consente" in text(response)


def test_a_time_point_never_recorded_is_not_found_on_an_ended_family(world, client_for, interrupted):
    response = client_for(world.users.operatore).get(reverse("families:assessment-edit", args=[interrupted.pk, "T2"]))
    assert response.status_code == 404


def test_an_open_familys_pages_carry_no_ended_notice(world, client_for, family):
    page = text(client_for(world.users.case_manager).get(reverse("families:family-detail", args=[family.pk])))
    assert 'id="ended-notice"' not in page


# --- The family team form -----------------------------------------------------------------------------------


def team_url(family: Family) -> str:
    return reverse("families:team", args=[family.pk])


def test_an_operator_and_an_external_person_together_get_an_italian_field_error(world, client_for, family):
    other = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="psicologo", profile=Profile.PSICOLOGO)
    response = client_for(world.users.case_manager).post(
        team_url(family), {"user": other.pk, "external_name": "Maestra Bianchi", "role": "Psicologo"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"external_name": ["Indica una sola persona: hai già scelto un operatore."]}
    page = text(response)
    assert "team_member_is_one_kind" not in page and "vincolo" not in page
    assert not family.team.filter(user=other).exists()


def test_no_person_at_all_gets_a_field_error_too(world, client_for, family):
    response = client_for(world.users.case_manager).post(team_url(family), {"role": "Insegnante"})
    form = response.context["form"]
    assert list(form.errors) == ["user"] and "Indica la persona" in form.errors["user"][0]
    assert "team_member_is_one_kind" not in text(response)


def test_the_operator_list_shows_each_persons_profile(world, client_for, family):
    f.make_user(
        world.ambito,
        Role.OPERATORE,
        world.coop,
        username="pedagogista",
        first_name="Lia",
        last_name="Esempio",
        profile=Profile.PEDAGOGISTA,
    )
    page = text(client_for(world.users.case_manager).get(team_url(family)))
    assert re.search(r'<option value="\d+" data-role="Pedagogista">Lia Esempio — Pedagogista</option>', page)
    assert 'data-fills-role="id_role"' in page
    assert "families/team.js" in page


def test_the_role_in_the_team_is_the_operators_profile_when_left_empty(world, client_for, family):
    other = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="mediatrice", profile="mediatore_culturale")
    response = client_for(world.users.case_manager).post(team_url(family), {"user": other.pk, "role": ""})
    assert response.status_code == 302
    assert TeamMember.objects.get(family=family, user=other).role == "Mediatore culturale"


def test_a_role_typed_by_hand_is_kept(world, client_for, family):
    other = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="educatrice", profile=Profile.EDUCATORE)
    client_for(world.users.case_manager).post(team_url(family), {"user": other.pk, "role": "Educatrice domiciliare"})
    assert TeamMember.objects.get(family=family, user=other).role == "Educatrice domiciliare"


def test_an_external_person_still_needs_a_role(world, client_for, family):
    response = client_for(world.users.case_manager).post(team_url(family), {"external_name": "Dott.ssa Neri"})
    assert response.context["form"].errors == {"role": ["Indica il ruolo nell'équipe."]}


# --- The Mondo del Bambino's sides --------------------------------------------------------------------------


def test_the_sides_are_named_alike_on_the_chart_and_in_the_table(world, client_for, family, advance):
    family = advance(family, State.IN_CORSO)
    page = text(client_for(world.users.case_manager).get(reverse("families:assessments", args=[family.pk])))
    start = page.index('<div class="chart">')  # the chart's svg (the header has icons of its own)
    chart = page[start : page.index("</svg>", start)]
    table = page[page.index("</svg>", start) :]
    table = table[: table.index("</table>")]
    for side in Side.objects.filter(framework__is_current=True):
        assert f">{side.short_title}</text>" in chart
        assert f'<th scope="row" class="text-wrap">{side.short_title} ' in table
    # A mean is a number with the decimal comma; a time point not yet assessed is said the same way as on the chart.
    assert re.search(r"<td>\d,\d</td>", table)
    assert "non rilevata" in chart and "non rilevata" in table


# --- The timeline's monthly lines ---------------------------------------------------------------------------


def test_monthly_entries_fold_by_year_newest_first_and_the_rest_stays_in_order():
    def entry(day, kind):
        return TimelineEntry(day, "Ore dedicate nel mese" if kind == "hours" else "Evento", kind=kind)

    entries = [
        entry(datetime.date(2024, 1, 10), "referral"),
        entry(datetime.date(2024, 11, 1), "hours"),
        entry(datetime.date(2024, 12, 1), "hours"),
        entry(datetime.date(2025, 1, 1), "hours"),
        entry(datetime.date(2025, 3, 5), "state"),
    ]
    timeline = fold_monthly(entries, {"hours"})
    assert [e.kind for e in timeline.entries] == ["referral", "state"]
    assert [(y.year, y.title, [e.date.month for e in y.entries]) for y in timeline.years] == [
        (2025, "Ore dedicate nel mese", [1]),
        (2024, "Ore dedicate nel mese", [12, 11]),
    ]


def test_no_monthly_kind_leaves_the_timeline_as_it_is():
    entries = [TimelineEntry(T2_DAY, "Evento")]
    assert fold_monthly(entries, set()).entries == entries
