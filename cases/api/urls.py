"""URLs of the REST API, mounted under /api/v1/ (the schema is at /api/v1/schema/)."""

from django.urls import path, re_path

from cases.api import views

app_name = "api"
urlpatterns = [
    path("cases/", views.CaseListCreateView.as_view(), name="cases"),
    path("cases/<str:case_number>/", views.CaseDetailView.as_view(), name="case"),
    path(
        "cases/<str:case_number>/records/",
        views.CaseRecordCreateView.as_view(),
        name="case_records",
    ),
    re_path(
        r"^cases/(?P<case_number>[^/]+)/letters/(?P<version>[0-9]+)/(?P<which>party|public)\.pdf$",
        views.CaseLetterDownloadView.as_view(),
        name="case_letter",
    ),
]
