from django.urls import path

from . import community_views, views

app_name = "interventions"

urlpatterns = [
    path("famiglie/<int:pk>/", views.family_interventions, name="family"),
    path("famiglie/<int:pk>/nuovo/", views.intervention_create, name="intervention-create"),
    path("<int:pk>/modifica/", views.intervention_edit, name="intervention-edit"),
    path("ore/", views.week, name="week"),
    path("ore/cella/", views.cell_save, name="cell-save"),
    path("ore/settimana/", views.week_save, name="week-save"),
    path("ore/mesi/", views.my_timesheets, name="my-timesheets"),
    path("ore/<int:year>/<int:month>/", views.my_month, name="my-month"),
    path("fogli/", views.timesheet_list, name="timesheet-list"),
    path("fogli/<int:pk>/", views.timesheet_detail, name="timesheet-detail"),
    path("fogli/<int:pk>/conferma/", views.timesheet_confirm, name="timesheet-confirm"),
    path("fogli/<int:pk>/annulla-conferma/", views.timesheet_withdraw, name="timesheet-withdraw"),
    path("fogli/<int:pk>/valida/", views.timesheet_validate, name="timesheet-validate"),
    path("fogli/<int:pk>/riapri/", views.timesheet_reopen, name="timesheet-reopen"),
    path("fogli/<int:pk>/pdf/", views.timesheet_pdf, name="timesheet-pdf"),
    path("gruppi/", community_views.group_list, name="group-list"),
    path("gruppi/nuovo/", community_views.group_create, name="group-create"),
    path("gruppi/<int:pk>/", community_views.group_detail, name="group-detail"),
    path("gruppi/<int:pk>/incontri/", community_views.session_create, name="session-create"),
    path("gruppi/<int:pk>/obiettivi/", community_views.group_objectives, name="group-objectives"),
    path(
        "gruppi/<int:pk>/incontri/<int:session_pk>/presenze/<int:member_pk>/",
        community_views.attendance_toggle,
        name="attendance-toggle",
    ),
    path("vicinanza/", community_views.support_list, name="support-list"),
    path("vicinanza/famiglie/nuova/", community_views.support_create, name="support-create"),
    path("vicinanza/abbinamenti/nuovo/", community_views.pairing_create, name="pairing-create"),
    path("scuole/", community_views.school_list, name="school-list"),
    path("scuole/nuovo/", community_views.school_create, name="school-create"),
    path("scuole/<int:pk>/incontri/", community_views.school_meeting_create, name="school-meeting-create"),
    path("genitorialita/", community_views.event_list, name="event-list"),
    path("genitorialita/nuovo/", community_views.event_create, name="event-create"),
    path("progetti/<int:project_pk>/budget/", views.budget, name="budget"),
    path("progetti/<int:project_pk>/budget/voci/nuova/", views.budget_line_create, name="budget-line-create"),
    path("budget/voci/<int:pk>/modifica/", views.budget_line_edit, name="budget-line-edit"),
    path("budget/voci/<int:pk>/elimina/", views.budget_line_delete, name="budget-line-delete"),
    path("progetti/<int:project_pk>/budget/costi/nuova/", views.cost_item_create, name="cost-item-create"),
    path("budget/costi/<int:pk>/modifica/", views.cost_item_edit, name="cost-item-edit"),
    path("budget/costi/<int:pk>/elimina/", views.cost_item_delete, name="cost-item-delete"),
    path("budget/costi/<int:pk>/documento/", views.cost_item_document, name="cost-item-document"),
]
