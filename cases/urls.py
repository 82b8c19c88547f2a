from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/new/<str:kind>/row/", views.case_new_row, name="case_new_row"),
    path("cases/<str:case_number>/", views.case_detail, name="case_detail"),
    path("cases/<str:case_number>/records/", views.case_record_add, name="case_record_add"),
    path(
        "cases/<str:case_number>/records/<int:record_id>/",
        views.case_record,
        name="case_record",
    ),
    path("cases/<str:case_number>/eligibility/", views.case_eligibility, name="case_eligibility"),
    path(
        "cases/<str:case_number>/records-complete/",
        views.case_records_complete,
        name="case_records_complete",
    ),
    path("cases/<str:case_number>/terminate/", views.case_terminate, name="case_terminate"),
    path("cases/<str:case_number>/remand/", views.case_remand, name="case_remand"),
]
