"""The project's URLs plus one page that always fails, for the test of the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from pippi_portal.urls import urlpatterns as portal_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("guasto simulato dal test")


urlpatterns = [path("guasto/", broken, name="broken"), *portal_urlpatterns]
