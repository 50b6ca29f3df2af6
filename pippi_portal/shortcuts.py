"""Helpers every app's views share: the role check, paging that keeps the filters, a download."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse
from django.utils.translation import gettext as _

PAGE_SIZE = 25


def require_perm(user, perm: str, obj=None, message: str | None = None) -> None:
    """403 unless the user's role has `perm` (on `obj`, for object rules); `message` says why, on the page."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message or _("Il tuo ruolo non consente questa operazione."))


def paginate(
    request,
    object_list,
    number: str | None,
    *,
    param: str = "page",
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> Page:
    """Page `number` of `object_list`, as the query string's `param` gives it (the first page when it is missing
    or wrong; the view reads it, so that the endpoint fuzzing sees every parameter read). The page also
    carries `param` and `query`, the rest of the query string (the filters, another list's page), so that
    `includes/pagination.html` links to the other pages without losing them. `count`: the number of objects when
    the caller has already read it (with other queries, in one round trip), instead of a query of its own."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached property: the value it would have computed
    page = paginator.get_page(number)
    rest = request.GET.copy()
    rest.pop(param, None)
    page.param, page.query = param, rest.urlencode()
    return page


def download(content: bytes, filename: str, content_type: str) -> FileResponse:
    """Bytes made for this request (a PDF, an export) as an attachment the browser saves as `filename`,
    never kept in a shared cache."""
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
