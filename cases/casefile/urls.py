from django.urls import path

from cases.casefile import views

app_name = "casefile"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:case_number>/", views.case_detail, name="case_detail"),
    path("cases/<str:case_number>/records/", views.case_record_add, name="case_record_add"),
    path("cases/<str:case_number>/eligibility/", views.case_eligibility, name="case_eligibility"),
    path(
        "cases/<str:case_number>/records-complete/",
        views.case_records_complete,
        name="case_records_complete",
    ),
    path("cases/<str:case_number>/terminate/", views.case_terminate, name="case_terminate"),
    path("cases/<str:case_number>/remand/", views.case_remand, name="case_remand"),
]
