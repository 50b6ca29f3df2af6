from django.apps import AppConfig


class PippiPortalConfig(AppConfig):
    """The project package as an app, for its cross-app template tags, static files and security policy."""

    name = "pippi_portal"
    verbose_name = "PIPPI Portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.test.signals import setting_changed

        from .crypto import forget_all_keys
        from .security import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="pippi_portal.stamp_login")

        def keys_changed(setting: str, **kwargs) -> None:
            if setting == "FIELD_ENCRYPTION_KEYS":
                forget_all_keys()

        # Encrypted fields cache their keys; a changed key list (tests of key rotation) must reach them.
        setting_changed.connect(keys_changed, weak=False, dispatch_uid="pippi_portal.keys_changed")
