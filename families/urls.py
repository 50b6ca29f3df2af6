from django.urls import path

from . import plan_views, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="family-list"),
    path("nuova/", views.family_create, name="family-create"),
    path("codici-fiscali-ripetuti/", views.duplicate_list, name="duplicate-list"),
    path("<int:pk>/", views.family_detail, name="family-detail"),
    path("<int:pk>/modifica/", views.family_edit, name="family-edit"),
    path("<int:pk>/registro/", views.family_audit, name="family-audit"),
    path("<int:pk>/stato/<slug:name>/", views.family_transition, name="family-transition"),
    path("<int:pk>/componenti/nuovo/", views.member_create, name="member-create"),
    path("<int:pk>/componenti/<int:member_pk>/modifica/", views.member_edit, name="member-edit"),
    path("<int:pk>/collocamenti/nuovo/<slug:kind>/", views.placement_create, name="placement-create"),
    path("<int:pk>/collocamenti/<int:placement_pk>/modifica/", views.placement_edit, name="placement-edit"),
    path("<int:pk>/preassessment/", views.preassessment_edit, name="preassessment"),
    path("<int:pk>/consensi/nuovo/", views.consent_create, name="consent-create"),
    path("<int:pk>/consensi/<int:consent_pk>/documento/", views.consent_file, name="consent-file"),
    path("<int:pk>/consensi/<int:consent_pk>/revoca/", views.consent_revoke, name="consent-revoke"),
    path("<int:pk>/equipe/", views.team, name="team"),
    path("<int:pk>/equipe/<int:member_pk>/rimuovi/", views.team_remove, name="team-remove"),
    path("<int:pk>/equipe/incontri/nuovo/", views.team_meeting_create, name="team-meeting-create"),
    path("<int:pk>/valutazioni/", plan_views.assessments, name="assessments"),
    path("<int:pk>/valutazioni/<str:time_point>/", plan_views.assessment_edit, name="assessment-edit"),
    path("<int:pk>/sdq/nuovo/", plan_views.sdq_create, name="sdq-create"),
    path("<int:pk>/progetto/", plan_views.plan_detail, name="plan"),
    path("<int:pk>/progetto/nuovo/", plan_views.plan_create, name="plan-create"),
    path("<int:pk>/progetto/modifica/", plan_views.plan_edit, name="plan-edit"),
    path("<int:pk>/progetto/condividi/", plan_views.plan_share, name="plan-share"),
    path("<int:pk>/progetto/revisiona/", plan_views.plan_revise, name="plan-revise"),
    path("<int:pk>/progetto/stampa/", plan_views.plan_print, name="plan-print"),
    path("<int:pk>/progetto/commenti/", plan_views.plan_comment, name="plan-comment"),
    path("<int:pk>/progetto/obiettivi/nuovo/", plan_views.objective_create, name="objective-create"),
    path("<int:pk>/progetto/obiettivi/<int:objective_pk>/", plan_views.objective_edit, name="objective-edit"),
    path(
        "<int:pk>/progetto/obiettivi/<int:objective_pk>/azioni/nuova/", plan_views.action_create, name="action-create"
    ),
    path(
        "<int:pk>/progetto/obiettivi/<int:objective_pk>/verifica/<str:time_point>/",
        plan_views.verification_edit,
        name="verification",
    ),
    path("<int:pk>/diario/nuova/", views.note_create, name="note-create"),
    path("<int:pk>/chiusura/", views.closure_edit, name="closure"),
]
