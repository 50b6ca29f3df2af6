"""A double submit does not create duplicates (DESIGN.md §4).

Every PortalForm carries a one-time `submission_token`. Views that create things are wrapped in
`@once_per_submission`: the token is inserted in the request's transaction before the view runs, so a
second request with the same token waits on the unique index until the first one ends, and then is sent
where the first one went instead of creating a second copy. A submission that fails validation releases
its token so that the corrected form can be sent again.
"""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import SubmittedForm

TOKEN_FIELD = "submission_token"
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


def submission_token(request) -> str:
    """The page's token (forms with a prefix post it as "<prefix>-submission_token")."""
    if request.method != "POST":
        return ""
    names = sorted(k for k in request.POST if k == TOKEN_FIELD or k.endswith(f"-{TOKEN_FIELD}"))
    token = request.POST.get(names[0], "") if names else ""
    # Only what PortalForm issues (uuid4 hex) is remembered; anything else is no token at all (the form
    # itself then refuses it), never a string the database would choke on.
    return token if TOKEN_PATTERN.fullmatch(token) else ""


def once_per_submission(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = submission_token(request)
        if not token:
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                record = SubmittedForm.objects.create(token=token, user=request.user)
        except IntegrityError:
            previous = SubmittedForm.objects.filter(token=token, user=request.user).first()
            messages.info(request, _("Questo modulo era già stato inviato: nessun duplicato è stato creato."))
            return redirect(previous.redirect_url if previous and previous.redirect_url else request.path)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            record.redirect_url = response["Location"][:500]
            record.save(update_fields=["redirect_url"])
        else:
            record.delete()
        return response

    return wrapper
