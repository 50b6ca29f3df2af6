"""Key rotation: data written under an old key stays readable once the command re-encrypted it under the
new key and the old key is gone."""

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from families.models import DiaryNote, Family, Member
from tests import factories as f

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int, pk_column: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def written_under_old_key(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    family = f.make_family(world)
    Family.objects.filter(pk=family.pk).update(address="Via Inventata 1, Comune Alfa")
    note = DiaryNote.objects.create(
        family=family, author=world.users.case_manager, date=f._dt.date(2024, 2, 1), text="Colloquio di prova."
    )
    child = family.members.filter(kind=Member.Kind.MINORE).get()
    return family, note, child


def test_rotation_re_encrypts_every_column_and_the_old_key_can_go(written_under_old_key, settings):
    family, note, child = written_under_old_key
    codice_fiscale = child.codice_fiscale
    before = {
        "cf": raw("families_member", "codice_fiscale", child.pk),
        "address": raw("families_family", "address", family.pk),
        "note": raw("families_diarynote", "text", note.pk),
    }
    MemberEvent = apps.get_model("families", "MemberEvent")
    history = MemberEvent.objects.filter(pgh_obj_id=child.pk).latest("pgh_id")
    history_before = raw("families_memberevent", "codice_fiscale", history.pgh_id, "pgh_id")
    events_before = MemberEvent.objects.count()

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]

    assert Member.objects.get(pk=child.pk).codice_fiscale == codice_fiscale
    assert Family.objects.get(pk=family.pk).address == "Via Inventata 1, Comune Alfa"
    assert DiaryNote.objects.get(pk=note.pk).text == "Colloquio di prova."
    assert MemberEvent.objects.get(pgh_id=history.pgh_id).codice_fiscale == codice_fiscale
    new_key = Fernet(NEW.encode())
    for name, table, column, pk in (
        ("cf", "families_member", "codice_fiscale", child.pk),
        ("address", "families_family", "address", family.pk),
        ("note", "families_diarynote", "text", note.pk),
    ):
        stored = raw(table, column, pk)
        assert stored != before[name]
        new_key.decrypt(stored.encode())  # readable with the new key alone
    assert raw("families_memberevent", "codice_fiscale", history.pgh_id, "pgh_id") != history_before
    # A rotation changes no value, so it writes no history.
    assert MemberEvent.objects.count() == events_before


def test_without_rotation_removing_the_old_key_loses_the_data(written_under_old_key, settings):
    """The counter-proof: what the command prevents."""
    _family, _note, child = written_under_old_key
    codice_fiscale = child.codice_fiscale
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Member.objects.get(pk=child.pk).codice_fiscale != codice_fiscale


def test_a_value_no_key_decrypts_stops_the_rotation_and_changes_nothing(written_under_old_key, settings):
    family, _note, child = written_under_old_key
    before = raw("families_member", "codice_fiscale", child.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key forgotten too early
    with pytest.raises(CommandError, match="nessuna chiave"):
        call_command("rotate_encryption_keys")
    assert raw("families_member", "codice_fiscale", child.pk) == before


def test_dry_run_changes_nothing(written_under_old_key, settings):
    _family, _note, child = written_under_old_key
    before = raw("families_member", "codice_fiscale", child.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys", dry_run=True)
    assert raw("families_member", "codice_fiscale", child.pk) == before
