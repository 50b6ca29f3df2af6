"""The redactor every template gets (see `families.pseudonymisation`)."""

from __future__ import annotations

from .pseudonymisation import ambito_redactor
from .redaction import UNREDACTED


def redactor(request) -> dict:
    """`redactor`: free text about families of the user's ambito as this user may read it (`|redact:redactor`).
    It reads the names only if a page prints some text. Family pages put the family's own redactor in its
    place."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"redactor": UNREDACTED}
    return {"redactor": ambito_redactor(user)}
