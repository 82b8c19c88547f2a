from django.urls import path

from reviews.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # A reviewer's open cases (by the roster profile's id): the load and at-risk rows link here.
    path(
        "dashboard/reviewers/<int:profile_id>/",
        views.reviewer_open_cases_view,
        name="reviewer_open_cases",
    ),
    # The latest report made for ?month= (scripts and old links); the runs are below.
    path("dashboard/monthly-report/", views.monthly_report_download, name="monthly_report"),
    path("dashboard/monthly-reports/", views.report_run_request_view, name="report_run_request"),
    path("dashboard/monthly-reports/<int:report_id>/", views.report_run, name="report_run"),
    path(
        "dashboard/monthly-reports/<int:report_id>/retry/",
        views.report_run_retry_view,
        name="report_run_retry",
    ),
    path(
        "dashboard/monthly-reports/<int:report_id>/download/",
        views.report_run_download,
        name="report_run_download",
    ),
]
