"""URLs of the REST API, mounted under /api/v1/ (the schema is at /api/v1/schema/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListCreateView.as_view(), name="api-cases"),
    path("cases/<str:case_number>/", api.CaseDetailView.as_view(), name="api-case"),
    path(
        "cases/<str:case_number>/records/",
        api.CaseRecordCreateView.as_view(),
        name="api-case-records",
    ),
]
