from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/stato/", views.run_status, name="run-status"),
    path("<int:pk>/conferma/", views.run_confirm, name="run-confirm"),
    path("<int:pk>/riprova/", views.run_retry, name="run-retry"),
    path("<int:pk>/annulla/", views.run_undo, name="run-undo"),
    path("modelli/<str:kind>.xlsx", views.template_download, name="template-download"),
]
