"""The pseudonymous child identifier of the return (`IDBeneficiario`, 1–20 characters).

No rule fixes how to build it (docs/decisions.md): ours is an HMAC-SHA256 under its own key, SINBA_ID_KEY, of the
ambito's code and the child's record number, in base 32 (A–Z, 2–7) cut to 20 characters (100 bits). The same child
keeps the same identifier across flows and years; nobody can compute it, or go back from it to the child, without
the key; it holds nothing of the name or the codice fiscale."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LENGTH = 20


def beneficiary_id(ambito_code: str, member_pk: int) -> str:
    key = settings.SINBA_ID_KEY
    if not key:
        raise ImproperlyConfigured("SINBA_ID_KEY is not set: the SINBA return cannot name its children")
    digest = hmac.new(key.encode(), f"sinba:{ambito_code}:{member_pk}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:LENGTH]
