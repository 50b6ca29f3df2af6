"""The whole family path in a real browser (issue: the family path), then the scope of two other roles."""

import datetime
import re

from django.utils import timezone

from demo.path import SIGNED_PDF
from equipes.models import Profile, Role
from families.models import ClosureOutcome, Family, State
from tests import factories as f
from tests.browser.conftest import BROWSER_DB
from tests.factories import synthetic_codice_fiscale

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"


def iso(day: datetime.date) -> str:
    return day.isoformat()


def fill_assessment(page, day):
    page.fill("#id_date", iso(day))
    selects = page.locator("select[name^=rating_]")
    for i in range(selects.count()):
        selects.nth(i).select_option("4")
    page.get_by_role("button", name="Salva la valutazione").click()
    page.wait_for_load_state()


def transition(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_assistente_takes_a_family_from_referral_to_closure(world, page, live_server, login, axe_violations):
    users = world.users
    psicologo = f.make_user(world.ambito, Role.OPERATORE, world.coop, username="psicologo", profile=Profile.PSICOLOGO)
    for user in (users.case_manager, users.operatore, users.coordinatore):
        user.set_password(PASSWORD)
        user.save()
    running = f.running_implementation(world.ambito)  # the world's implementation ended on 31/05/2026
    today = timezone.localdate()
    referral_day, t0, t1, t2 = (today - datetime.timedelta(days=d) for d in (90, 60, 30, 5))
    base = live_server.url

    login("assistente", PASSWORD)
    page.goto(f"{base}/famiglie/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Registra una segnalazione").click()

    # Referral of a family with two children.
    page.fill("#id_referral-date", iso(referral_day))
    page.select_option("#id_referral-source", "scuola")
    page.fill("#id_referral-reason", "La scuola segnala fatiche nella cura quotidiana.")
    page.select_option("#id_family-comune", str(world.comune.pk))
    page.select_option("#id_family-implementation", str(running.pk))
    members = [
        ("figura_genitoriale", "Nadia", "Esempio", datetime.date(1987, 6, 12), "F", False),
        ("minore", "Pia", "Esempio", datetime.date(2016, 9, 3), "F", True),
        ("minore", "Ugo", "Esempio", datetime.date(2019, 2, 20), "M", False),
    ]
    for i, (kind, first, last, birth, sex, reference) in enumerate(members):
        if i:
            page.get_by_role("button", name="Aggiungi un componente").click()
        page.select_option(f"#id_members-{i}-kind", kind)
        page.fill(f"#id_members-{i}-first_name", first)
        page.fill(f"#id_members-{i}-last_name", last)
        page.fill(f"#id_members-{i}-birth_date", iso(birth))
        page.select_option(f"#id_members-{i}-sex", sex)
        if kind == "minore":
            page.fill(f"#id_members-{i}-codice_fiscale", synthetic_codice_fiscale(first, last, birth, sex))
        if reference:
            page.check(f"#id_members-{i}-is_reference_child")
    page.get_by_role("button", name="Registra la segnalazione").click()
    page.wait_for_load_state()
    family = Family.objects.get()
    assert page.url == f"{base}/famiglie/{family.pk}/"
    assert page.get_by_text(f"Segnalazione registrata: famiglia {family.code}").is_visible()
    assert axe_violations(page) == []

    # Pre-assessment.
    transition(page, "Avvia il pre-assessment")
    page.goto(f"{base}/famiglie/{family.pk}/preassessment/")
    page.fill("#id_date", iso(referral_day + datetime.timedelta(days=7)))
    page.select_option("#id_orientation", "include")
    for select in page.locator("select[name^=concern_]").all():
        select.select_option("2")
    page.fill("#id_motivation", "Negligenza lieve, famiglia collaborante.")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()

    # Consents, then inclusion.
    for kind in ("privacy", "adesione"):
        page.goto(f"{base}/famiglie/{family.pk}/consensi/nuovo/")
        page.select_option("#id_kind", kind)
        page.fill("#id_signed_on", iso(referral_day + datetime.timedelta(days=8)))
        page.set_input_files("#id_file", {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF})
        page.get_by_role("button", name="Salva").click()
        page.wait_for_load_state()
    transition(page, "Includi nel programma")
    assert page.get_by_text("Stato aggiornato").is_visible()

    # The family's équipe: a psychologist and the mother, then T0.
    page.goto(f"{base}/famiglie/{family.pk}/equipe/")
    page.select_option("#id_user", str(psicologo.pk))
    page.fill("#id_role", "Psicologo")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    mother = family.members.get(first_name="Nadia")
    page.select_option("#id_member", str(mother.pk))
    page.fill("#id_role", "Madre")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.goto(f"{base}/famiglie/{family.pk}/")
    transition(page, "Avvia la valutazione T0")

    # T0 and the Progetto Quadro with one objective and one action.
    page.goto(f"{base}/famiglie/{family.pk}/valutazioni/T0/")
    fill_assessment(page, t0)
    assert page.get_by_text("Valutazione T0 completa").is_visible()
    page.goto(f"{base}/famiglie/{family.pk}/progetto/")
    page.fill("#id_date", iso(t0 + datetime.timedelta(days=3)))
    page.fill("#id_general_aims", "Routine serene e una rete di sostegno per la famiglia.")
    page.get_by_role("button", name="Crea il Progetto Quadro").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Aggiungi un obiettivo").click()
    page.select_option("#id_subdimension", index=1)
    page.fill("#id_expected_result", "Cena e compiti con orari regolari.")
    page.fill("#id_verification_method", "Osservazione a domicilio.")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile("Aggiungi un'azione")).click()
    page.fill("#id_description", "Affiancamento educativo nelle routine serali.")
    page.select_option("#id_responsible_user", str(psicologo.pk))
    page.fill("#id_frequency", "una volta a settimana")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.fill("#id_shared_on", iso(t0 + datetime.timedelta(days=4)))
    page.get_by_role("button", name="Registra la condivisione").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.goto(f"{base}/famiglie/{family.pk}/")
    transition(page, "Avvia il percorso")
    assert Family.objects.get().state == State.IN_CORSO

    # T1 with its verification, then the T2 phase.
    objective = family.plans.get().objectives.get()
    page.goto(f"{base}/famiglie/{family.pk}/valutazioni/T1/")
    fill_assessment(page, t1)
    page.goto(f"{base}/famiglie/{family.pk}/progetto/obiettivi/{objective.pk}/verifica/T1/")
    page.fill("#id_date", iso(t1))
    page.select_option("#id_outcome", "parzialmente")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.goto(f"{base}/famiglie/{family.pk}/")
    transition(page, "Avvia la valutazione finale T2")

    # T2 with its verification, the closure with outcome A, and the end of the path.
    page.goto(f"{base}/famiglie/{family.pk}/valutazioni/T2/")
    fill_assessment(page, t2)
    page.goto(f"{base}/famiglie/{family.pk}/valutazioni/")
    assert axe_violations(page) == []
    page.goto(f"{base}/famiglie/{family.pk}/progetto/obiettivi/{objective.pk}/verifica/T2/")
    page.fill("#id_date", iso(t2))
    page.select_option("#id_outcome", "raggiunto")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    page.goto(f"{base}/famiglie/{family.pk}/chiusura/")
    page.fill("#id_date", iso(t2 + datetime.timedelta(days=2)))
    page.select_option("#id_outcome", label=str(ClosureOutcome.objects.get(code="A")))
    page.check("#id_child_at_home")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    transition(page, "Concludi il percorso")
    family.refresh_from_db()
    assert family.state == State.CONCLUSA
    assert family.closure.outcome.code == "A"
    assert page.get_by_text("Conclusa").first.is_visible()

    # The educator, not assigned to this family, gets 404.
    page.get_by_role("button", name="Esci").click()
    login("educatore", PASSWORD)
    response = page.goto(f"{base}/famiglie/{family.pk}/")
    assert response.status == 404

    # The coordinatore sees the family, pseudonymised.
    page.get_by_role("button", name="Esci").click()
    login("coordinatore", PASSWORD)
    response = page.goto(f"{base}/famiglie/{family.pk}/")
    assert response.status == 200
    text = page.content()
    assert family.code in text
    for name in ("Nadia", "Pia", "Ugo", "Esempio"):
        assert name not in text
    assert page.get_by_text("dati pseudonimizzati").is_visible()
