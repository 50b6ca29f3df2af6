from django.apps import AppConfig


class PippiPortalConfig(AppConfig):
    """The project package as an app, for its cross-app template tags and static files."""

    name = "pippi_portal"
    verbose_name = "PIPPI Portal"
