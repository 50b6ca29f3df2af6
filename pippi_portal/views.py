"""The health check and the accessibility statement. (The dashboard, which gathers every app, is
`reporting.dashboard_views`.)"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import tasks


@login_not_required
@never_cache
@transaction.non_atomic_requests
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@never_cache
@transaction.non_atomic_requests
@require_GET
def healthz_queue(request):
    """The background queue, for monitoring: jobs waiting and running, the oldest waiting job's age (seconds), the
    workers alive and how long ago one was last seen. 503 when no worker is alive or a job has waited longer than
    a page follows it (TASK_POLL_TIMEOUT_SECONDS): a dead or stuck worker to alert on."""
    try:
        queue = tasks.queue_health()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    problems = []
    if not queue["workers_alive"]:
        problems.append(f"no worker seen in the last {settings.TASK_LEASE_SECONDS:g} seconds")
    if queue["oldest_waiting_seconds"] > settings.TASK_POLL_TIMEOUT_SECONDS:
        problems.append(f"a job has waited more than {settings.TASK_POLL_TIMEOUT_SECONDS} seconds")
    body = {"status": "error" if problems else "ok", **queue, "problems": problems}
    return JsonResponse(body, status=503 if problems else 200)


# The accessibility statement's dates: when it was written and when the self-assessment behind it was last done.
# A change of the portal's look or of its known limits updates both (AgID asks for a yearly review, by 23 September).
ACCESSIBILITY_STATEMENT_WRITTEN = date(2026, 12, 2)
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 12, 2)


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement (AgID model): conformity status, known limits, feedback contact. Public, as the
    law asks: anybody reaches it from the footer, logged in or not."""
    return render(
        request,
        "accessibility_statement.html",
        {
            "written_on": ACCESSIBILITY_STATEMENT_WRITTEN,
            "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED,
            "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL,
        },
    )
