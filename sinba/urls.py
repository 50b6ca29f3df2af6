from django.urls import path

from . import eservice, views

app_name = "sinba"

urlpatterns = [
    path("", views.index, name="index"),
    path("ambiti/<int:pk>/", views.flows, name="flows"),
    path("ambiti/<int:pk>/genera/", views.generate, name="generate"),
    path("ambiti/<int:pk>/flussi.zip", views.download, name="download"),
    path("ambiti/<int:pk>/flussi/<int:flow_pk>/invia-di-nuovo/", views.resend, name="resend"),
    path("ambiti/<int:pk>/codici/", views.codes, name="codes"),
    path("ambiti/<int:pk>/codici/<int:type_pk>/", views.code_edit, name="code-edit"),
    # The WaaS e-service that INPS polls (third_party/inps-waas-comuni/api-comuni.yaml), one per ente.
    path("waas/<str:code>/flussi", eservice.flussi, name="waas-flussi"),
    path("waas/<str:code>/esiti", eservice.esiti, name="waas-esiti"),
    path("waas/<str:code>/status", eservice.status, name="waas-status"),
]
