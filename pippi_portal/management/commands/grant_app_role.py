"""Create (if needed) and grant the database role the application connects as.

Run by the owner of the tables (the role that runs the migrations), after every `migrate`:

    python manage.py grant_app_role --role pippi_app [--password-env PIPPI_APP_DB_PASSWORD]

The application role gets SELECT, INSERT, UPDATE and DELETE on ordinary tables, but only SELECT and INSERT
on the audit tables (change history, access log, state changes, anonymisation log): what was recorded
cannot be altered or erased through the application, whatever bug or injection it may have. It owns
nothing, so it cannot change the schema or drop a trigger. Idempotent: every run resets the grants to
exactly these.
"""

from __future__ import annotations

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pippi_portal.audit import audit_models

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the application reads but never writes: the migration record is the owner's business.
READ_ONLY_TABLES = ("django_migrations",)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Command(BaseCommand):
    help = (
        "Crea il ruolo del database con cui si collega l'applicazione e gli assegna i diritti: completi sulle "
        "tabelle ordinarie, solo lettura e inserimento sulle tabelle di audit. Da eseguire come proprietario "
        "delle tabelle dopo ogni migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default="pippi_app", help="nome del ruolo (default: pippi_app)")
        parser.add_argument(
            "--password-env",
            metavar="VARIABILE",
            help="variabile d'ambiente con la password del ruolo (mai sulla riga di comando)",
        )

    def handle(self, *args, role: str, password_env: str | None, **options):
        if not ROLE_NAME.match(role):
            raise CommandError(f"Nome di ruolo non valido: «{role}» (minuscole, cifre e _, al massimo 63).")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"La variabile d'ambiente {password_env} è vuota o non esiste.")
        audit_tables = sorted({model._meta.db_table for model in audit_models()})
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database, schema = cursor.fetchone()
            if owner == role:
                raise CommandError("Esegui il comando come proprietario delle tabelle, non come il ruolo da creare.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
                self.stdout.write(f"Ruolo {role} creato.")
            if password:
                cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [password])
            cursor.execute(f"GRANT CONNECT ON DATABASE {quote(database)} TO {quote(role)}")
            cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
            # Start from nothing so that a run also takes back what an earlier grant gave too much.
            cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {quote(role)}")
            cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quote(schema)} FROM {quote(role)}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} TO {quote(role)}"
            )
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}")
            append_only = ", ".join(quote(table) for table in audit_tables)
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {append_only} FROM {quote(role)}")
            read_only = ", ".join(quote(table) for table in READ_ONLY_TABLES)
            cursor.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {read_only} FROM {quote(role)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Ruolo {role}: diritti completi sulle tabelle ordinarie dello schema {schema}, "
                f"solo lettura e inserimento su {len(audit_tables)} tabelle di audit."
            )
        )
        self.stdout.write("Tabelle di audit: " + ", ".join(audit_tables))
