from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from reporting.dashboard_views import dashboard

from . import views

admin.site.site_header = "PIPPI Portal — amministrazione"
admin.site.site_title = "PIPPI Portal"
admin.site.index_title = "Amministrazione"
# The admin has no login form of its own: it sends to the portal's login, which asks for the second
# factor and counts failed attempts.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/queue", views.healthz_queue, name="healthz-queue"),
    path("accessibilita/", views.accessibility_statement, name="accessibility-statement"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("famiglie/", include("families.urls")),
    path("interventi/", include("interventions.urls")),
    path("rendicontazione/", include("reporting.urls")),
    path("importazioni/", include("imports.urls")),
    path("sinba/", include("sinba.urls")),
    path("", include("equipes.urls")),
]
