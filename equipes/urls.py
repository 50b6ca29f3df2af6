from django.urls import path

from . import views

app_name = "equipes"

urlpatterns = [
    path("progetti/<int:pk>/", views.project_detail, name="project-detail"),
    path("progetti/<int:pk>/modifica/", views.project_edit, name="project-edit"),
    path("progetti/<int:pk>/concludi/", views.project_conclude, name="project-conclude"),
    path("progetti/<int:pk>/progetto-successivo/", views.project_follow_on, name="project-follow-on"),
    path("progetti/<int:project_pk>/implementazioni/nuova/", views.implementation_create, name="implementation-create"),
    path("implementazioni/<int:pk>/modifica/", views.implementation_edit, name="implementation-edit"),
    path("progetti/<int:project_pk>/obiettivi/nuovo/", views.target_create, name="target-create"),
    path("obiettivi/<int:pk>/modifica/", views.target_edit, name="target-edit"),
    path("obiettivi/<int:pk>/elimina/", views.target_delete, name="target-delete"),
    path("equipe/", views.equipe_list, name="equipe-list"),
    path("equipe/<int:pk>/", views.equipe_detail, name="equipe-detail"),
    path("personale/", views.staff_list, name="staff-list"),
    path("personale/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("personale/<int:pk>/cv/", views.staff_cv, name="staff-cv"),
    path("personale/<int:pk>/cv/carica/", views.staff_cv_upload, name="staff-cv-upload"),
    path("personale/<int:staff_pk>/formazione/nuova/", views.training_create, name="training-create"),
    path("formazione/<int:pk>/attestato/", views.training_certificate, name="training-certificate"),
    path("profilo/", views.profile, name="profile"),
    path("governance/", views.meeting_list, name="meeting-list"),
    path("governance/nuovo/", views.meeting_create, name="meeting-create"),
    path("comuni/cerca/", views.comuni_search, name="comuni-search"),
]
