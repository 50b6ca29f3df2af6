from django.urls import path

from . import report_views, takeover_views, target_views, views

app_name = "reporting"

urlpatterns = [
    path("qualita/", views.index, name="quality-index"),
    # Report runs and live indicators
    path("report/", report_views.report_list, name="report-list"),
    path("progetti/<int:pk>/passaggio-famiglie/", takeover_views.project_takeover, name="project-takeover"),
    path("report/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("report/<int:pk>/stato/", report_views.report_status, name="report-status"),
    path("report/<int:pk>/testi/", report_views.report_narrative, name="report-narrative"),
    path("report/<int:pk>/revisione/", report_views.report_submit, name="report-submit"),
    path("report/<int:pk>/bozza/", report_views.report_back, name="report-back"),
    path("report/<int:pk>/approva/", report_views.report_approve, name="report-approve"),
    path("report/<int:pk>/riprova/", report_views.report_retry, name="report-retry"),
    path("report/<int:pk>/scarica.<str:fmt>", report_views.report_download, name="report-download"),
    path("indicatori/", report_views.indicators_page, name="indicators"),
    path("progetti/<int:pk>/obiettivi/", target_views.project_targets, name="project-targets"),
    # Satisfaction surveys
    path("qualita/questionari/", views.survey_list, name="survey-list"),
    path("qualita/questionari/nuovo/", views.survey_create, name="survey-create"),
    path("qualita/questionari/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("qualita/questionari/<int:pk>/modifica/", views.survey_edit, name="survey-edit"),
    path("qualita/questionari/<int:pk>/risultati/", views.survey_results, name="survey-results"),
    path("qualita/questionari/<int:pk>/commenti/", views.survey_comments, name="survey-comments"),
    path("qualita/questionari/<int:pk>/relazione/", views.survey_report, name="survey-report"),
    path("qualita/questionari/<int:pk>/relazione/invia/", views.survey_report_submit, name="survey-report-submit"),
    path("qualita/questionari/<int:pk>/relazione/bozza/", views.survey_report_back, name="survey-report-back"),
    path("qualita/questionari/<int:pk>/relazione/approva/", views.survey_report_approve, name="survey-report-approve"),
    path("qualita/questionari/<int:pk>/cartaceo/", views.survey_response_create, name="survey-response-create"),
    path("qualita/questionari/<int:pk>/link/", views.survey_links_create, name="survey-links-create"),
    path("qualita/link/<int:pk>/stampa/", views.survey_batch_print, name="survey-batch-print"),
    # The anonymous questionnaire: no login (short address, printed under the QR code)
    path("q/grazie/", views.survey_thanks, name="survey-thanks"),
    path("q/<str:token>/", views.survey_answer, name="survey-answer"),
    # Complaints register
    path("qualita/reclami/", views.complaint_list, name="complaint-list"),
    path("qualita/reclami/nuovo/", views.complaint_create, name="complaint-create"),
    path("qualita/reclami/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("qualita/reclami/<int:pk>/modifica/", views.complaint_edit, name="complaint-edit"),
    # Quality controls
    path("qualita/controlli/", views.control_list, name="control-list"),
    path("qualita/controlli/nuovo/", views.control_create, name="control-create"),
    path("qualita/controlli/<int:pk>/", views.control_detail, name="control-detail"),
    path("qualita/controlli/<int:pk>/modifica/", views.control_edit, name="control-edit"),
    # Social-impact indicators (VIS)
    path("qualita/indicatori/", views.indicator_list, name="indicator-list"),
    path("qualita/indicatori/nuovo/", views.indicator_create, name="indicator-create"),
    path("qualita/indicatori/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("qualita/indicatori/<int:pk>/modifica/", views.indicator_edit, name="indicator-edit"),
    path("qualita/indicatori/<int:pk>/valori/nuovo/", views.indicator_value_create, name="indicator-value-create"),
    path("qualita/valori/<int:pk>/modifica/", views.indicator_value_edit, name="indicator-value-edit"),
]
