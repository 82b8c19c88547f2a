from django.urls import path

from cases.auditlog import views

app_name = "auditlog"
urlpatterns = [
    path("audit/", views.audit_search_page, name="search"),
    path("audit/export.csv", views.audit_export, name="export"),
]
