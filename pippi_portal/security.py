"""Small policy helpers of the login: who is trying to log in, from where, and when the session began.

django-axes counts failed logins per (username, address) pair. allauth's login form calls the username
field "login" while `authenticate()` receives it as "username", so `login_username` reads either.
The address is the connection's own unless the app runs behind a trusted reverse proxy (BEHIND_PROXY),
where it is the last X-Forwarded-For entry: the one the proxy itself appended, which a client cannot forge.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

# Session key holding the moment of the login (seconds since the epoch), for the absolute time-out.
LOGIN_AT = "pippi_login_at"
# Session key holding the moment of the last request, for the idle time-out.
SEEN_AT = "pippi_seen_at"


def login_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The username of a login attempt, as typed (what axes counts failures by)."""
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("login")
    if not username and request is not None:
        username = request.POST.get("login") or request.POST.get("username")
    return username.strip().lower()[:150] if username else None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxy appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def stamp_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: remember when the session began (the absolute limit counts from here)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
