"""Encryption at rest for the most sensitive columns, and a keyed hash for exact look-ups.

Encrypted fields use Fernet (AES-128-CBC + HMAC-SHA256) with keys from FIELD_ENCRYPTION_KEYS, which is
separate from SECRET_KEY: the first key encrypts, every key decrypts, so a key is rotated by putting a new
one first and running `manage.py rotate_encryption_keys` before dropping the old one (docs/security.md).

An encrypted column cannot be searched, so the codice fiscale also gets `keyed_hash()`, an HMAC-SHA256
under HASH_KEY, stored beside it: equal codes give equal hashes, and the hash reveals nothing without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedCharField as _EncryptedCharField
from encrypted_fields.fields import EncryptedFieldMixin
from encrypted_fields.fields import EncryptedTextField as _EncryptedTextField


def fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


class KeyedEncryptionMixin(EncryptedFieldMixin):
    """The library's field, with keys taken from FIELD_ENCRYPTION_KEYS instead of derived from SECRET_KEY."""

    @cached_property
    def keys(self) -> list[bytes]:
        return [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS]

    @cached_property
    def f(self) -> MultiFernet:
        return fernet()

    def forget_keys(self) -> None:
        """Drop the cached keys (after FIELD_ENCRYPTION_KEYS changed, in key rotation)."""
        self.__dict__.pop("keys", None)
        self.__dict__.pop("f", None)


class EncryptedCharField(KeyedEncryptionMixin, _EncryptedCharField):
    pass


class EncryptedTextField(KeyedEncryptionMixin, _EncryptedTextField):
    pass


def encrypted_fields() -> list[tuple[type, KeyedEncryptionMixin]]:
    """Every (model, field) whose column is encrypted, change-history event tables included."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, KeyedEncryptionMixin)
    ]


def forget_all_keys() -> None:
    """Make every encrypted field read FIELD_ENCRYPTION_KEYS again."""
    for _model, field in encrypted_fields():
        field.forget_keys()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value under HASH_KEY, as hex."""
    normalised = value.strip().upper()
    return hmac.new(settings.HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()
