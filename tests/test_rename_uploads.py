"""`rename_uploads`: documents stored under the uploader's file name (before random names) get a random name,
with their rows and history following, the same bytes, and nothing left under the old name."""

import datetime
import io
import re
from pathlib import PurePath

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from equipes.models import StaffTraining
from families.models import Consent
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")


def stored_as(name: str, content: bytes) -> str:
    """A file written the way the old code wrote it: under the name it was uploaded with."""
    return default_storage.save(name, ContentFile(content))


@pytest.fixture
def old_files(world, signed_pdf):
    member = world.users.operatore
    member.cv = stored_as(f"cv/{world.ambito.pk}/Mario Rossi CF RSSMRA80A01F205X.pdf", signed_pdf)
    member.save(update_fields=["cv"])
    training = StaffTraining.objects.create(
        user=member,
        course="MOOC Vicinanza solidale",
        hours=12,
        completed_on=datetime.date(2024, 2, 28),
        certificate=stored_as(f"training/{member.pk}/attestato Mario Rossi.pdf", PNG),  # a PNG called .pdf
    )
    family = f.make_family(world)
    consent = Consent.objects.create(
        family=family,
        kind=Consent.Kind.PRIVACY,
        signed_on=datetime.date(2024, 1, 20),
        file=stored_as(f"consents/{world.ambito.pk}/0123456789abcdef0123456789abcdef.rossi", signed_pdf),
    )
    return member, training, consent


def run(**options) -> str:
    out = io.StringIO()
    call_command("rename_uploads", stdout=out, **options)
    return out.getvalue()


def test_every_document_gets_a_random_name_with_the_extension_of_its_content(old_files, signed_pdf):
    member, training, consent = old_files
    old_names = [member.cv.name, training.certificate.name, consent.file.name]
    output = run()
    assert "Documenti rinominati: 3; file mancanti: 0." in output
    assert "Rossi" not in output
    member.refresh_from_db()
    training.refresh_from_db()
    consent.refresh_from_db()
    for document, folder, extension, content in (
        (member.cv, f"cv/{member.ambito_id}/", ".pdf", signed_pdf),
        (training.certificate, f"training/{member.pk}/", ".png", PNG),
        (consent.file, f"consents/{member.ambito_id}/", ".pdf", signed_pdf),
    ):
        assert document.name.startswith(folder) and document.name.endswith(extension)
        assert RANDOM_NAME.fullmatch(PurePath(document.name).name), document.name
        with document.open("rb") as handle:
            assert handle.read() == content
    for name in old_names:
        assert not default_storage.exists(name)


def test_the_history_follows_the_consent_and_records_no_change(old_files):
    _member, _training, consent = old_files
    ConsentEvent = apps.get_model("families", "ConsentEvent")
    events = ConsentEvent.objects.count()
    run()
    consent.refresh_from_db()
    assert ConsentEvent.objects.count() == events
    assert set(ConsentEvent.objects.filter(pgh_obj_id=consent.pk).values_list("file", flat=True)) == {consent.file.name}


def test_a_second_run_renames_nothing(old_files):
    run()

    def names() -> set[str]:
        return {
            StaffTraining.objects.get().certificate.name,
            Consent.objects.get().file.name,
            type(old_files[0]).objects.get(pk=old_files[0].pk).cv.name,
        }

    before = names()
    assert "Documenti rinominati: 0; file mancanti: 0." in run()
    assert names() == before


def test_dry_run_counts_and_changes_nothing(old_files):
    member, training, consent = old_files
    assert "Documenti da rinominare (prova, nulla è cambiato): 3" in run(dry_run=True)
    training.refresh_from_db()
    assert training.certificate.name == f"training/{member.pk}/attestato Mario Rossi.pdf"
    assert default_storage.exists(training.certificate.name)


def test_a_missing_file_is_reported_and_left_alone(old_files):
    _member, training, _consent = old_files
    default_storage.delete(training.certificate.name)
    output = run()
    assert f"equipes.StaffTraining {training.pk}: file mancante" in output
    assert "Documenti rinominati: 2; file mancanti: 1." in output
