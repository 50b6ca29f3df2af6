"""Security policy applied to every request (docs/security.md).

- `SessionPolicyMiddleware`: a session ends after 30 minutes without requests and 12 hours after the
  login whatever the activity; the session of a user who was disabled (or deleted) is destroyed at its
  next request.
- `MFARequiredMiddleware`: when MFA_REQUIRED is on, a logged-in user without an authenticator app reaches
  only the pages that set one up (and logout, static files, the health check).
- `NoStoreMiddleware`: no page is kept by the browser or a proxy cache (they show minors' data).
- `PreparedStatementsMiddleware` (first, not a policy): the request's long reads run as server-side prepared
  statements (pippi_portal/prepared.py), unless PREPARED_STATEMENTS is off.

They sit after the authentication and message middleware; a session ended here leaves an anonymous user,
whom `LoginRequiredMiddleware` then sends to the login page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import MiddlewareNotUsed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import prepared
from .security import LOGIN_AT, SEEN_AT


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_KEY) is not None:
            reason = self.end_reason(request)
            if reason:
                logout(request)
                messages.info(request, reason)
            else:
                # The last-request moment is written at most once a minute: a session row is not rewritten on
                # every page (three queries), and the idle limit stays exact to the minute.
                now = int(time.time())
                if now - request.session.get(SEEN_AT, 0) >= settings.SESSION_TOUCH_SECONDS:
                    request.session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def end_reason(request) -> str:
        """Why the session must end now, in Italian; empty when it may go on."""
        if not request.user.is_authenticated:
            # The session names a user who is no longer active (or no longer exists).
            return _("La sessione è stata chiusa: l'utenza non è attiva.")
        now = time.time()
        login_at = request.session.get(LOGIN_AT)
        if login_at is None or now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            return _("La sessione è durata più di 12 ore ed è stata chiusa: accedi di nuovo.")
        seen_at = request.session.get(SEEN_AT, login_at)
        if now - seen_at > settings.SESSION_IDLE_SECONDS:
            return _("La sessione è scaduta dopo 30 minuti di inattività: accedi di nuovo.")
        return ""


def mfa_setup_paths() -> tuple[str, ...]:
    """Path prefixes a user without a second factor may still reach."""
    return (
        reverse("mfa_index"),  # /accounts/2fa/…: activation, recovery codes
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("healthz"),
        settings.STATIC_URL,
    )


def has_authenticator_app(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(mfa_setup_paths())
            and not has_authenticator_app(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Per proteggere i dati delle famiglie e dei minori l'autenticazione a due fattori è "
                    "obbligatoria: attiva ora un'app di autenticazione (TOTP) per continuare."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class PreparedStatementsMiddleware:
    def __init__(self, get_response):
        if not settings.PREPARED_STATEMENTS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        with prepared.statements():
            return self.get_response(request)
