"""Re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEYS.

Key rotation (docs/security.md): put the new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after
it, run this command, then remove the old keys. The change-history tables hold copies of encrypted
columns too and are rotated with the rest, so the command runs as the owner role (the application role
may not update them). The triggers that record changes are paused meanwhile: a rotation changes no value,
only its ciphertext. One transaction: a value that no key decrypts stops the command and nothing changes.
"""

from __future__ import annotations

import pgtrigger
from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pippi_portal.crypto import encrypted_fields, fernet, forget_all_keys

CHUNK = 500


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def rotate_column(model, field, *, dry_run: bool) -> int:
    """Re-encrypt one column; return how many values it holds."""
    keys = fernet()
    table, pk, column = quote(model._meta.db_table), quote(model._meta.pk.column), quote(field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
        rows = cursor.fetchall()
        rotated = []
        for pk_value, token in rows:
            try:
                rotated.append((pk_value, keys.rotate(token.encode()).decode()))
            except InvalidToken as error:
                raise CommandError(
                    f"{model._meta.db_table}.{field.column} riga {pk_value}: nessuna chiave di "
                    "FIELD_ENCRYPTION_KEYS decifra il valore. Rimetti la chiave che lo cifrava e riprova."
                ) from error
        if not dry_run:
            for start in range(0, len(rotated), CHUNK):
                chunk = rotated[start : start + CHUNK]
                values = ", ".join(["(%s, %s)"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} SET {column} = v.token FROM (VALUES {values}) AS v(pk, token) "
                    f"WHERE {table}.{pk} = v.pk",
                    [item for pair in chunk for item in pair],
                )
    return len(rows)


class Command(BaseCommand):
    help = (
        "Cifra di nuovo ogni colonna cifrata con la prima chiave di FIELD_ENCRYPTION_KEYS (rotazione delle "
        "chiavi). Da eseguire come proprietario delle tabelle."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="controlla e conta senza scrivere")

    def handle(self, *args, dry_run: bool, **options):
        forget_all_keys()
        total = 0
        with pgtrigger.ignore(), transaction.atomic():
            for model, field in encrypted_fields():
                count = rotate_column(model, field, dry_run=dry_run)
                total += count
                if count:
                    self.stdout.write(f"  {model._meta.db_table}.{field.column}: {count}")
        verb = "da cifrare di nuovo (prova, nulla è cambiato)" if dry_run else "cifrati di nuovo con la prima chiave"
        self.stdout.write(self.style.SUCCESS(f"Valori {verb}: {total}."))
