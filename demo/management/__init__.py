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
