"""The demo's commands. The generators need Faker, a development dependency, so the commands import them only
when they run, and say what to install where Faker is missing."""

from django.core.management.base import CommandError

MISSING_FAKER = "Faker non è installato: installa le dipendenze di sviluppo: pip install -r requirements-dev.txt"


def require_faker() -> None:
    """Refuse, in Italian and with the remedy, where the development dependencies are not installed."""
    try:
        import faker  # noqa: F401
    except ModuleNotFoundError as missing:
        raise CommandError(MISSING_FAKER) from missing


def analyse_portal_tables() -> None:
    """Statistics of the portal's tables for the planner, the rows of the running transaction included (ANALYZE
    counts its own transaction's inserts as live). The tables are named: a bare ANALYZE also analyses the
    catalogs shared by every database of the server (pg_authid, pg_database) and keeps their lock until the
    transaction ends, so that every other ANALYZE on the server waits for it (two test workers seeding the demo
    in their own databases waited for each other's whole module)."""
    from django.db import connection

    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
