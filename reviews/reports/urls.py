from django.urls import path

from reviews.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/monthly-report/", views.monthly_report_download, name="monthly_report"),
]
