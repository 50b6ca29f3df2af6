"""The imports end to end on real files: each kind's good rows and every kind of bad row, the dry run that writes
nothing, the real run all or nothing, the undo that restores the counts."""

import datetime

import pytest
from django.core import mail

from equipes.models import Role, User
from families.models import Family, Member, State
from imports import services
from imports.importers import FamiliesImporter, HoursImporter, StaffImporter
from imports.models import ImportRun
from imports.readers import FileRefused
from interventions.models import TimeEntry, Timesheet
from tests import factories as f

from .helpers import csv_file, xlsx

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 10)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "families": Family.objects.count(),
        "members": Member.objects.count(),
        "entries": TimeEntry.objects.count(),
        "timesheets": Timesheet.objects.count(),
    }


def dry(world, kind, content, name="file.xlsx"):
    return services.import_dry_run(
        ambito=world.ambito, by=world.users.ufficio_piano, kind=kind, file_name=name, content=content
    )


def apply(run):
    services.import_confirm(run=run, by=run.by, base_url="http://testserver/")
    return services.import_apply(run.pk)


def reasons(run) -> list[tuple[int, str]]:
    return [(r["row"], r["column"]) for r in run.refused]


# --- Staff ---------------------------------------------------------------------------------------------------------


def staff_rows():
    return [
        ["Anna", "Prova", "anna.prova@example.org", "Operatore", "Educatore", "Cooperativa Beta", "25,50"],
        ["Bruno", "Prova", "bruno.prova@example.org", "", "Psicologo", "Comune di Alfa", ""],
    ]


def test_staff_dry_run_writes_nothing_and_sends_nothing(world):
    before = counts()
    run = dry(world, "staff", xlsx(StaffImporter.columns, staff_rows()))
    assert counts() == before
    assert mail.outbox == []
    assert (run.state, run.created_count, run.refused_count) == (ImportRun.State.DRY_RUN, 2, 0)
    assert len(run.file_sha256) == 64


def test_staff_real_run_creates_users_and_invites_them(world, django_capture_on_commit_callbacks):
    run = dry(world, "staff", xlsx(StaffImporter.columns, staff_rows()))
    with django_capture_on_commit_callbacks(execute=True):
        run = apply(run)
    assert run.state == ImportRun.State.APPLIED and run.content is None
    anna = User.objects.get(username="anna.prova@example.org")
    assert (anna.ambito, anna.role, anna.profile, anna.organisation) == (
        world.ambito,
        Role.OPERATORE,
        "educatore",
        world.coop,
    )
    assert str(anna.hourly_cost) == "25.50" and not anna.has_usable_password()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna.prova@example.org", "bruno.prova@example.org"]
    assert "http://testserver/accounts/password/reset/key/" in mail.outbox[0].body


def test_staff_bad_rows_are_refused_with_their_column(world):
    rows = [
        ["", "Prova", "non-una-mail", "Amministratore", "Astronauta", "Ente Sconosciuto", "-3"],
        ["Carla", "Prova", "altrove@example.org", "", "", "", ""],  # a user of another ambito
    ]
    User.objects.filter(pk=world.other.ufficio_piano.pk).update(email="altrove@example.org")
    run = dry(world, "staff", csv_file(StaffImporter.columns, rows), "staff.csv")
    assert set(reasons(run)) >= {
        (2, "Nome"),
        (2, "E-mail"),
        (2, "Ruolo"),
        (2, "Profilo"),
        (2, "Organizzazione"),
        (2, "Costo orario"),
        (3, "E-mail"),
    }
    assert run.created_count == 0 and run.refused_count == 2


# --- Families --------------------------------------------------------------------------------------------------------


def member_row(key, first, last, birth, sex, kind="Minore", state="", reference="no", comune="Comune Alfa", cf=None):
    code = cf if cf is not None else f.synthetic_codice_fiscale(first, last, birth, sex)
    return [
        key, comune, "Équipe Alfa", "assistente", "01/10/2026", "Scuola", "Assenze ripetute", state, kind,
        first, last, code, "", "", "", "", reference,
    ]  # fmt: skip


def good_families():
    return [
        member_row("F1", "Luca", "Esempio", datetime.date(2018, 3, 4), "M", reference="sì"),
        member_row("F1", "Maria", "Esempio", datetime.date(1988, 6, 1), "F", kind="Figura genitoriale"),
        member_row("F2", "Sara", "Campione", datetime.date(2019, 1, 9), "F", state="In pre-assessment"),
    ]


def test_families_are_registered_through_the_referral_and_the_path(world):
    before = counts()
    run = dry(world, "families", xlsx(FamiliesImporter.columns, good_families()))
    assert counts() == before
    assert (run.created_count, run.refused_count) == (2, 0)
    run = apply(run)
    assert Family.objects.filter(ambito=world.ambito).count() == 2
    assert Member.objects.filter(family__ambito=world.ambito).count() == 3
    assert set(Family.objects.values_list("state", flat=True)) == {State.SEGNALATA, State.PREASSESSMENT}
    undone = services.import_undo(run=run, by=world.users.ufficio_piano)
    assert undone.state == ImportRun.State.UNDONE and counts() == before


def test_families_bad_rows(world):
    existing = f.make_family(world)
    taken = existing.members.get(kind=Member.Kind.MINORE).codice_fiscale
    rows = [
        member_row("F1", "Luca", "Esempio", datetime.date(2018, 3, 4), "M", cf="RSSMRA80A01H501X"),  # wrong CF
        member_row("F2", "Sara", "Campione", datetime.date(2019, 1, 9), "F", comune="Atlantide"),  # unknown comune
        member_row("F3", "Ugo", "Doppio", datetime.date(2017, 5, 5), "M"),
        member_row("F4", "Ugo", "Doppio", datetime.date(2017, 5, 5), "M"),  # the same person twice in the file
        member_row("F5", "Già", "Presente", datetime.date(2017, 5, 5), "M", cf=taken),  # already in the ambito
        member_row("F6", "Eva", "Avanti", datetime.date(2018, 2, 2), "F", state="Percorso in corso"),  # no T0
    ]
    run = dry(world, "families", csv_file(FamiliesImporter.columns, rows, bom=True), "famiglie.csv")
    found = {(r["row"], r["column"]): r["reason"] for r in run.refused}
    assert "non è valido" in found[(2, "Codice fiscale")]
    assert "Comune sconosciuto" in found[(3, "Comune")]
    assert "riga 4" in found[(5, "Codice fiscale")]
    assert "già registrato" in found[(6, "Codice fiscale")]
    assert "non può essere «Percorso in corso»" in found[(7, "Stato")]
    assert run.created_count == 1 and run.refused_count == 5
    # Names and codici fiscali are not kept whole in the record.
    assert all(len(r["value"]) <= 3 for r in run.refused if r["column"] == "Codice fiscale")


def test_missing_column_is_one_message(world):
    header = [c for c in FamiliesImporter.columns if c != "Codice fiscale"]
    with pytest.raises(FileRefused, match="Codice fiscale"):
        dry(world, "families", xlsx(header, [["F1"] * len(header)]))


@pytest.mark.parametrize(
    "content, name",
    [(b"", "x.csv"), (b"PK\x03\x04garbage", "x.xlsx"), (b"\xff\xfe\x00a", "x.csv"), (b"a;b\n1;2;3\n", "x.csv")],
)
def test_unreadable_files_are_refused_in_italian(world, content, name):
    with pytest.raises(FileRefused):
        dry(world, "hours", content, name)


# --- Hours --------------------------------------------------------------------------------------------------------


def hours_row(day=DAY, hours="2,5", activity="Coordinamento", family="", person="educatore"):
    return [person, f"{day:%d/%m/%Y}", activity, family, hours, ""]


def test_hours_good_and_bad_rows(world):
    family = f.make_family(world)
    locked_day = datetime.date(2026, 10, 5)
    sheet = Timesheet.objects.create(
        user=world.users.operatore, month=locked_day.replace(day=1), state=Timesheet.State.VALIDATO,
        validated_by=world.users.ufficio_piano, validated_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )  # fmt: skip
    rows = [
        hours_row(),
        hours_row(activity="Attività diretta con la famiglia", family=family.code, hours="3"),
        hours_row(day=locked_day),  # locked month
        hours_row(day=DAY + datetime.timedelta(days=1), hours="20"),
        hours_row(day=DAY + datetime.timedelta(days=1), hours="5", activity="Documentazione"),  # 25 h in a day
        hours_row(person="sconosciuto"),
        hours_row(day=datetime.date(2027, 1, 1)),
    ]
    before = counts()
    run = dry(world, "hours", xlsx(HoursImporter.columns, rows))
    assert counts() == before
    found = {(r["row"], r["column"]): r["reason"] for r in run.refused}
    assert "validato" in found[(4, "Data")]
    assert "più di 24 ore" in found[(6, "Ore")]
    assert (7, "Persona") in found and (8, "Data") in found
    assert (run.created_count, run.refused_count) == (3, 4)
    run = apply(run)
    assert TimeEntry.objects.filter(user=world.users.operatore).count() == 3
    assert sheet.entries.count() == 0
    services.import_undo(run=run, by=world.users.ufficio_piano)
    assert counts() == before


def test_real_run_is_all_or_nothing(world, monkeypatch):
    run = dry(world, "hours", csv_file(HoursImporter.columns, [hours_row(), hours_row(activity="Formazione")]), "h.csv")
    before = counts()
    calls = []

    def fail_on_second(self, *args, **kwargs):
        calls.append(1)
        raise RuntimeError("disco pieno")

    monkeypatch.setattr(TimeEntry.objects, "bulk_create", fail_on_second.__get__(TimeEntry.objects))
    services.import_confirm(run=run, by=run.by, base_url="http://testserver/")
    with pytest.raises(RuntimeError):
        services.import_apply(run.pk)
    assert counts() == before
    run.refresh_from_db()
    assert run.state == ImportRun.State.QUEUED  # the worker tries the job again (test_job_recovery.py)


def test_running_the_job_twice_creates_nothing_twice(world):
    run = dry(world, "hours", xlsx(HoursImporter.columns, [hours_row()]))
    apply(run)
    services.import_apply(run.pk)  # the job again, as after a worker crash
    assert TimeEntry.objects.count() == 1


def test_undo_is_refused_while_something_depends_on_the_import(world):
    run = apply(dry(world, "hours", xlsx(HoursImporter.columns, [hours_row()])))
    Timesheet.objects.filter(user=world.users.operatore).update(state=Timesheet.State.CONFERMATO)
    with pytest.raises(services.ImportRefused, match="confermato o validato"):
        services.import_undo(run=run, by=world.users.ufficio_piano)
    assert TimeEntry.objects.count() == 1


def test_undo_of_a_family_with_an_assessment_is_refused(world):
    run = apply(dry(world, "families", xlsx(FamiliesImporter.columns, good_families()[:2])))
    family = Family.objects.get(pk=run.created_ids["families.family"][0])
    from families.models import DiaryNote

    DiaryNote.objects.create(family=family, author=world.users.case_manager, text="Colloquio", date=DAY)
    with pytest.raises(services.ImportRefused, match="dipendono"):
        services.import_undo(run=run, by=world.users.ufficio_piano)
    assert Family.objects.filter(pk=family.pk).exists()


def test_ten_thousand_rows_of_hours_are_tried_in_the_worker_and_all_applied(world):
    """The file of `make bench`'s import step (which times it: under a minute), here for what it writes."""
    people = [f.make_user(world.ambito, Role.OPERATORE, world.coop, username=f"op{i}") for i in range(10)]
    start = datetime.date(2025, 1, 1)
    rows = []
    for index in range(10_000):
        person = people[index % 10]
        day = start + datetime.timedelta(days=index // 10 % 600)
        activity = ["Coordinamento", "Documentazione", "Formazione", "Supervisione"][index // 6000]
        rows.append([person.username, f"{day:%d/%m/%Y}", activity, "", "1", ""])
    content = csv_file(HoursImporter.columns, rows)
    run = dry(world, "hours", content, "ore.csv")
    assert run.state == ImportRun.State.CHECKING  # more than IMPORT_DRY_RUN_IN_WORKER_ABOVE rows: in the worker
    run = apply(services.import_check(run.pk))
    assert run.refused_count == 0, run.refused[:3]
    assert TimeEntry.objects.count() == 10_000
    assert run.state == ImportRun.State.APPLIED


def test_undo_of_staff_restores_the_counts_until_someone_logs_in(world):
    before = counts()
    run = apply(dry(world, "staff", xlsx(StaffImporter.columns, staff_rows())))
    assert counts()["users"] == before["users"] + 2
    services.import_undo(run=run, by=world.users.ufficio_piano)
    assert counts() == before
    again = apply(dry(world, "staff", xlsx(StaffImporter.columns, staff_rows())))
    User.objects.filter(username="anna.prova@example.org").update(
        last_login=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    )
    with pytest.raises(services.ImportRefused, match="accesso"):
        services.import_undo(run=again, by=world.users.ufficio_piano)


def test_headers_and_states_are_read_as_people_write_them(world):
    header = [c.upper().replace("É", "E") for c in FamiliesImporter.columns]
    row = member_row("F1", "Lia", "Prova", datetime.date(2019, 4, 4), "F", state="in corso")
    run = dry(world, "families", csv_file(header, [row]), "famiglie.csv")
    assert [r["column"] for r in run.refused] == ["Stato"]
    assert "non può essere «Percorso in corso»" in run.refused[0]["reason"]


def test_an_administrator_imports_into_the_ambito_chosen(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(world.users.admin)
    content = xlsx(HoursImporter.columns, [["outsider", "10/11/2026", "Coordinamento", "", "1", ""]])
    client.post(
        reverse("imports:run-list"),
        {"ambito": world.other.ambito.pk, "kind": "hours", "file": SimpleUploadedFile("ore.xlsx", content)},
    )
    run = ImportRun.objects.get()
    assert run.ambito == world.other.ambito and run.created_count == 1


# --- Progress, the large dry run in the worker ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["staff", "families", "hours"])
def test_each_importer_reports_the_rows_it_has_looked_at(world, kind):
    files = {
        "staff": (StaffImporter, staff_rows()),
        "families": (FamiliesImporter, good_families()),
        "hours": (HoursImporter, [hours_row(), hours_row(activity="Gruppo"), hours_row(activity="Formazione")]),
    }
    cls, rows = files[kind]
    seen = []
    importer = cls(ambito=world.ambito, by=world.users.ufficio_piano, progress=seen.append)
    from imports.readers import read_rows

    importer.run(read_rows(xlsx(cls.columns, rows), "file.xlsx", cls.columns, cls.required))
    assert seen == sorted(seen) and seen[-1] == len(rows) and seen[0] < len(rows)


def test_a_large_file_is_tried_in_the_worker_and_the_job_is_idempotent(
    world, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 2
    rows = [hours_row(), hours_row(activity="Gruppo"), hours_row(activity="Formazione")]
    content = csv_file(HoursImporter.columns, rows)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        run = dry(world, "hours", content, "ore.csv")
    assert (run.state, run.rows, run.created_count, run.refused) == (ImportRun.State.CHECKING, 3, 0, [])
    assert run.is_working and run.progress_at is not None
    job = DBTaskResult.objects.get(task_path="imports.services.check_import")
    assert job.args_kwargs["args"] == [run.pk]
    with pytest.raises(services.ImportRefused, match="ancora in corso"):  # nothing to confirm before the report
        services.import_confirm(run=run, by=run.by, base_url="http://testserver/")

    def report(run):
        run.refresh_from_db()
        return (run.state, run.rows, run.created_count, run.refused_count, run.refused, run.preview)

    services.import_check(run.pk)
    first = report(run)
    assert first[:4] == (ImportRun.State.DRY_RUN, 3, 2, 1) and run.rows_done == 3 and counts() == before
    # The report is the one the request would have written.
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 2000
    assert report(dry(world, "hours", content, "ore.csv"))[2:] == first[2:]
    # The job again: it finds the report written and leaves it.
    services.import_check(run.pk)
    assert report(run) == first and counts() == before
    # The job again after a crash that lost its transaction: the same report, nothing else.
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.CHECKING, refused=[], created_count=0)
    services.import_check(run.pk)
    assert report(run) == first and counts() == before
    apply(run)
    assert TimeEntry.objects.count() == 2


# --- Staff already in the ambito: changed, and put back by the undo --------------------------------------------


def existing_staff(world):
    User.objects.filter(pk=world.users.operatore.pk).update(email="educatore@example.org", hourly_cost="22.00")
    return ["Edo", "Catore", "EDUCATORE@example.org", "", "Psicologo", "Comune di Alfa", "30"]


def test_an_existing_user_of_the_ambito_is_changed_and_the_undo_puts_the_old_values_back(world):
    operatore = world.users.operatore
    old = (operatore.profile, operatore.organisation_id, operatore.first_name, operatore.role)
    rows = [existing_staff(world), staff_rows()[0]]
    run = dry(world, "staff", xlsx(StaffImporter.columns, rows))
    operatore.refresh_from_db()
    assert (operatore.profile, str(operatore.hourly_cost)) == ("educatore", "22.00")  # the dry run wrote nothing
    assert (run.created_count, run.changed_count, run.refused_count) == (1, 1, 0)
    changed = next(line for line in run.preview if line.startswith("Modificato"))
    assert "profilo «Educatore» → «Psicologo»" in changed
    assert "organizzazione «Cooperativa Beta» → «Comune di Alfa»" in changed
    assert "costo orario 22,00 € → 30,00 €" in changed
    run = apply(run)
    operatore.refresh_from_db()
    assert (operatore.profile, operatore.organisation.name, str(operatore.hourly_cost)) == (
        "psicologo",
        "Comune di Alfa",
        "30.00",
    )
    assert (operatore.first_name, operatore.role) == old[2:]  # names and role are never changed by an import
    assert run.changes == [
        {
            "model": "equipes.user",
            "pk": operatore.pk,
            "fields": {
                "profile": {"old": "educatore", "new": "psicologo"},
                "organisation": {"old": old[1], "new": operatore.organisation_id},
                "hourly_cost": {"old": "22.00", "new": "30.00"},
            },
        }
    ]
    services.import_undo(run=run, by=world.users.ufficio_piano)
    operatore.refresh_from_db()
    assert (operatore.profile, operatore.organisation_id, str(operatore.hourly_cost)) == (old[0], old[1], "22.00")
    assert not User.objects.filter(username="anna.prova@example.org").exists()


def test_the_undo_does_not_erase_a_change_made_after_the_import(world):
    run = apply(dry(world, "staff", xlsx(StaffImporter.columns, [existing_staff(world)])))
    User.objects.filter(pk=world.users.operatore.pk).update(hourly_cost="31.00")
    with pytest.raises(services.ImportRefused, match="cambiato dopo l'importazione"):
        services.import_undo(run=run, by=world.users.ufficio_piano)
    world.users.operatore.refresh_from_db()
    assert world.users.operatore.profile == "psicologo"


def test_an_existing_user_unchanged_another_ambitos_user_and_a_new_role_are_reported(world):
    row = existing_staff(world)
    row[4:7] = ["Educatore", "Cooperativa Beta", "22"]
    User.objects.filter(pk=world.other.ufficio_piano.pk).update(email="altro@example.org")
    rows = [
        row,
        ["Al", "Tro", "altro@example.org", "", "Educatore", "", ""],
    ]
    run = dry(world, "staff", xlsx(StaffImporter.columns, rows))
    assert (run.created_count, run.changed_count) == (0, 0)
    assert run.preview[0].startswith("Invariato")
    found = {(r["row"], r["column"]): r["reason"] for r in run.refused}
    assert found == {(3, "E-mail"): "Esiste già un utente con questa e-mail."}
    run = dry(
        world, "staff", xlsx(StaffImporter.columns, [["E", "C", "educatore@example.org", "Coordinatore", "", "", ""]])
    )
    assert [(r["row"], r["column"]) for r in run.refused] == [(2, "Ruolo")]
    assert "ora è «Operatore»" in run.refused[0]["reason"]
