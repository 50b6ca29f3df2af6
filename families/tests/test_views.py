import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from families.models import AccessLog, Assessment, DiaryNote, Family, Member, SDQScore, State
from tests.factories import running_implementation, synthetic_codice_fiscale


def referral_data(world, members):
    data = {
        "referral-date": "2024-02-01",
        "referral-source": "scuola",
        "referral-reason": "La scuola segnala assenze ripetute.",
        "family-comune": world.comune.pk,
        "family-equipe": world.equipe.pk,
        "family-implementation": running_implementation(world.ambito).pk,
        "family-case_manager": world.users.case_manager.pk,
        "family-address": "Via di Prova 3",
        "family-phone": "000 000",
        "members-TOTAL_FORMS": "4",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{i}-{key}"] = value
    return data


def child(first, birth, sex="F", cf=None, **extra):
    cf = synthetic_codice_fiscale(first, "Esempio", birth, sex) if cf is None else cf
    return {
        "kind": "minore",
        "first_name": first,
        "last_name": "Esempio",
        "birth_date": birth.isoformat(),
        "sex": sex,
        "codice_fiscale": cf,
        **extra,
    }


PARENT = {
    "kind": "figura_genitoriale",
    "first_name": "Ada",
    "last_name": "Esempio",
    "birth_date": "1985-04-02",
    "sex": "F",
}


def test_case_manager_registers_a_referral_with_two_children(world, client_for):
    members = [PARENT, child("Lia", datetime.date(2017, 3, 9)), child("Teo", datetime.date(2019, 8, 1), "M")]
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral_data(world, members)
    )
    assert response.status_code == 302
    family = Family.objects.get()
    assert response.url == family.get_absolute_url()
    assert family.code == "TST-24-001"
    assert family.state == State.SEGNALATA
    assert family.members.filter(kind="minore").count() == 2
    assert family.team.filter(user=world.users.case_manager).exists()
    assert family.referral.received_by == world.users.case_manager


def test_a_wrong_codice_fiscale_is_refused_in_italian_and_nothing_is_saved(world, client_for):
    members = [PARENT, child("Lia", datetime.date(2017, 3, 9), cf="RSSMRA15D03I625X")]
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral_data(world, members)
    )
    assert response.status_code == 200
    assert "Il codice fiscale non è valido" in response.content.decode()
    assert not Family.objects.exists() and not Member.objects.exists()


def test_a_birth_date_that_contradicts_the_codice_fiscale_is_refused(world, client_for):
    cf = synthetic_codice_fiscale("Lia", "Esempio", datetime.date(2017, 3, 9), "F")
    members = [PARENT, child("Lia", datetime.date(2017, 3, 10), cf=cf)]
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral_data(world, members)
    )
    assert response.status_code == 200
    assert "La data di nascita non corrisponde al codice fiscale" in response.content.decode()
    assert not Family.objects.exists()


def test_a_sex_that_contradicts_the_codice_fiscale_is_refused(world, client_for):
    cf = synthetic_codice_fiscale("Lia", "Esempio", datetime.date(2017, 3, 9), "F")
    members = [PARENT, child("Lia", datetime.date(2017, 3, 9), sex="M", cf=cf)]
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral_data(world, members)
    )
    assert "Il sesso non corrisponde al codice fiscale" in response.content.decode()
    assert not Family.objects.exists()


def test_a_referral_without_a_minor_is_refused(world, client_for):
    response = client_for(world.users.case_manager).post(
        reverse("families:family-create"), referral_data(world, [PARENT])
    )
    assert "Indica almeno un minore" in response.content.decode()
    assert not Family.objects.exists()


def test_a_double_submitted_referral_creates_one_family(world, client_for):
    members = [PARENT, child("Lia", datetime.date(2017, 3, 9))]
    client = client_for(world.users.case_manager)
    data = {**referral_data(world, members), "family-submission_token": "a" * 32}
    first = client.post(reverse("families:family-create"), data)
    second = client.post(reverse("families:family-create"), data, follow=True)
    assert Family.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "già stato inviato" in second.content.decode()


def test_a_corrected_resubmission_with_the_same_token_goes_through(world, client_for):
    client = client_for(world.users.case_manager)
    data = {**referral_data(world, [PARENT]), "family-submission_token": "b" * 32}
    assert client.post(reverse("families:family-create"), data).status_code == 200
    data.update({f"members-1-{k}": v for k, v in child("Lia", datetime.date(2017, 3, 9)).items()})
    assert client.post(reverse("families:family-create"), data).status_code == 302
    assert Family.objects.count() == 1


def test_t2_before_t0_is_refused_in_italian_and_saves_nothing(world, client_for, family, advance):
    family = advance(family, State.VALUTAZIONE_T2)
    t0 = family.assessments.get(time_point="T0").date
    response = client_for(world.users.case_manager).post(
        reverse("families:assessment-edit", args=[family.pk, "T2"]),
        {"date": (t0 - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "La valutazione T2 deve essere successiva a quella T0" in response.content.decode()
    assert not Assessment.objects.filter(family=family, time_point="T2").exists()


def test_assessment_form_saves_ratings_and_reports_completeness(world, client_for, family, advance):
    family = advance(family, State.VALUTAZIONE_T0)
    client = client_for(world.users.operatore)
    url = reverse("families:assessment-edit", args=[family.pk, "T0"])
    form = client.get(url).context["form"]
    data = {"date": "2024-03-01"}
    for sub in form.subdimensions:
        data[f"rating_{sub.pk}"] = "4"
    data[f"rating_{form.subdimensions[0].pk}"] = ""
    client.post(url, data)
    assessment = Assessment.objects.get(family=family, time_point="T0")
    assert not assessment.is_complete
    data[f"rating_{form.subdimensions[0].pk}"] = "2"
    data[f"child_voice_{form.subdimensions[0].pk}"] = "Mi piace giocare fuori"
    client.post(url, data)
    assessment.refresh_from_db()
    assert assessment.is_complete
    assert assessment.ratings.get(subdimension=form.subdimensions[0]).child_voice == "Mi piace giocare fuori"


def test_sdq_total_is_computed_and_banded(world, client_for, family):
    child_member = family.members.filter(kind="minore").first()
    response = client_for(world.users.case_manager).post(
        reverse("families:sdq-create", args=[family.pk]),
        {
            "member": child_member.pk,
            "time_point": "T0",
            "respondent": "genitore",
            "date": "2024-03-01",
            "emotional": "5",
            "conduct": "4",
            "hyperactivity": "6",
            "peer": "2",
            "prosocial": "7",
            "total_difficulties": "1",
        },
    )
    assert response.status_code == 302
    score = SDQScore.objects.get()
    assert score.total_difficulties == 17
    assert score.band == "clinico"


def test_sdq_scale_above_10_is_refused(world, client_for, family):
    child_member = family.members.filter(kind="minore").first()
    response = client_for(world.users.case_manager).post(
        reverse("families:sdq-create", args=[family.pk]),
        {
            "member": child_member.pk,
            "time_point": "T0",
            "respondent": "genitore",
            "date": "2024-03-01",
            "emotional": "11",
            "conduct": "4",
            "hyperactivity": "6",
            "peer": "2",
            "prosocial": "7",
        },
    )
    assert response.status_code == 200
    assert not SDQScore.objects.exists()


def test_consent_upload_and_scoped_download(world, client_for, family, signed_pdf):
    client = client_for(world.users.case_manager)
    upload = SimpleUploadedFile("firmato.pdf", signed_pdf, content_type="application/pdf")
    response = client.post(
        reverse("families:consent-create", args=[family.pk]),
        {"kind": "privacy", "signed_on": "2024-01-20", "file": upload},
    )
    assert response.status_code == 302
    consent = family.consents.get()
    assert family.code not in consent.file.name and "firmato" not in consent.file.name
    url = reverse("families:consent-file", args=[family.pk, consent.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == signed_pdf
    assert AccessLog.objects.filter(family=family, action="download").exists()
    assert client_for(world.users.coordinatore).get(url).status_code == 404
    assert client_for(world.other.outsider).get(url).status_code == 404


def test_reserved_notes_are_read_only_by_the_same_profession_and_the_case_manager(world, client_for, family):
    DiaryNote.objects.create(
        family=family,
        author=world.users.operatore,
        date=datetime.date(2024, 2, 1),
        text="Nota riservata dell'educatore",
        sensitivity="riservata",
    )
    DiaryNote.objects.create(
        family=family,
        author=world.users.case_manager,
        date=datetime.date(2024, 2, 2),
        text="Nota riservata del case manager",
        sensitivity="riservata",
    )
    url = reverse("families:family-detail", args=[family.pk])
    operator_page = client_for(world.users.operatore).get(url).content.decode()
    assert "Nota riservata dell&#x27;educatore" in operator_page
    assert "Nota riservata del case manager" not in operator_page
    manager_page = client_for(world.users.case_manager).get(url).content.decode()
    assert "Nota riservata del case manager" in manager_page and "educatore" in manager_page


def test_every_family_page_view_is_logged(world, client_for, family):
    client_for(world.users.coordinatore).get(reverse("families:family-detail", args=[family.pk]))
    log = AccessLog.objects.get(family=family)
    assert (log.user, log.action, log.identities_shown) == (world.users.coordinatore, "view", False)


def test_transition_button_refusal_shows_what_is_missing(world, client_for, family):
    client = client_for(world.users.case_manager)
    family.members.filter(kind="minore").delete()
    response = client.post(reverse("families:family-transition", args=[family.pk, "avvia-preassessment"]), follow=True)
    assert "almeno un minore" in response.content.decode()
    family.refresh_from_db()
    assert family.state == State.SEGNALATA


def test_plan_revision_keeps_the_previous_version_readable(world, client_for, family, advance):
    family = advance(family, State.IN_CORSO)
    client = client_for(world.users.case_manager)
    old_objectives = list(family.plans.get().objectives.values_list("expected_result", flat=True))
    response = client.post(
        reverse("families:plan-revise", args=[family.pk]), {"date": "2024-06-01", "reason": "Nuovi bisogni emersi"}
    )
    assert response.status_code == 302
    assert family.plans.count() == 2
    current = family.plans.get(superseded_at__isnull=True)
    assert current.version == 2
    assert list(current.objectives.values_list("expected_result", flat=True)) == old_objectives
    old_page = client.get(reverse("families:plan", args=[family.pk]) + "?versione=1")
    assert old_page.status_code == 200 and "sostituita" in old_page.content.decode()
    old_objective = family.plans.get(version=1).objectives.first()
    assert client.get(reverse("families:objective-edit", args=[family.pk, old_objective.pk])).status_code == 404


@pytest.mark.parametrize("role", ["case_manager", "operatore"])
def test_professionals_add_objectives_and_actions(world, client_for, family, advance, role):
    family = advance(family, State.VALUTAZIONE_T0)
    client = client_for(getattr(world.users, role))
    client.post(reverse("families:plan-create", args=[family.pk]), {"date": "2024-03-05", "general_aims": "Finalità"})
    form = client.get(reverse("families:objective-create", args=[family.pk])).context["form"]
    subdimension = form.fields["subdimension"].queryset.first()
    client.post(
        reverse("families:objective-create", args=[family.pk]),
        {
            "subdimension": subdimension.pk,
            "expected_result": "Routine serali serene",
            "verification_method": "Diario",
            "status": "aperto",
        },
    )
    objective = family.plans.get().objectives.get()
    response = client.post(
        reverse("families:action-create", args=[family.pk, objective.pk]),
        {"description": "Lettura insieme", "responsible_member": family.members.first().pk, "frequency": "ogni sera"},
    )
    assert response.status_code == 302
    assert objective.actions.get().responsible_member == family.members.first()


def test_an_action_needs_someone_responsible(world, client_for, family, advance):
    family = advance(family, State.IN_CORSO)
    objective = family.plans.get().objectives.first()
    response = client_for(world.users.case_manager).post(
        reverse("families:action-create", args=[family.pk, objective.pk]), {"description": "x", "frequency": "y"}
    )
    assert "Indica chi svolge l'azione" in response.content.decode().replace("&#x27;", "'")


def test_family_list_row_links_to_the_family_page_and_shows_its_state_and_people(world, family, client_for):
    """A row shows the family's code linked to its page, its state's label, comune, implementation and case
    manager: the labels are built once per page, not per row."""
    page = client_for(world.users.case_manager).get(reverse("families:family-list")).content.decode()
    assert f'<a href="{family.get_absolute_url()}">{family.code}</a>' in page
    row = page[page.index(family.get_absolute_url()) :].split("</tr>")[0]
    for shown in [family.get_state_display(), str(family.comune), str(family.case_manager)]:
        assert shown in row
    assert (str(family.implementation) if family.implementation_id else "—") in row
