from django.urls import path

from cases.casefile import facts_views, list_views, reminder_views, screen_views, views

app_name = "casefile"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.csv", views.case_list_csv, name="case_list_csv"),
    path("cases/selected/", list_views.case_list_bulk, name="case_list_bulk"),
    path("cases/views/save/", list_views.saved_view_save, name="saved_view_save"),
    path("cases/views/delete/", list_views.saved_view_delete, name="saved_view_delete"),
    path("cases/views/", list_views.saved_views_page, name="saved_views"),
    path("cases/views/<int:view_id>/", list_views.saved_view_edit, name="saved_view_edit"),
    path(
        "cases/reminders/<int:reminder_run_id>/", reminder_views.reminder_run, name="reminder_run"
    ),
    path(
        "cases/reminders/<int:reminder_run_id>/resume/",
        reminder_views.reminder_run_resume_view,
        name="reminder_run_resume",
    ),
    path("cases/<str:case_number>/", views.case_detail, name="case_detail"),
    path("cases/<str:case_number>/changed/", views.case_changed, name="case_changed"),
    path(
        "cases/<str:case_number>/follow-ups/<int:follow_up_id>/retry/",
        views.case_follow_up_retry,
        name="case_follow_up_retry",
    ),
    path(
        "cases/<str:case_number>/facts/",
        facts_views.case_facts_edit_page,
        name="case_facts_edit",
    ),
    path("cases/<str:case_number>/records/", views.case_record_add, name="case_record_add"),
    path(
        "cases/<str:case_number>/records/<int:record_id>/withdraw/",
        views.case_record_withdraw,
        name="case_record_withdraw",
    ),
    path("cases/<str:case_number>/eligibility/", views.case_eligibility, name="case_eligibility"),
    path(
        "cases/<str:case_number>/records-complete/",
        views.case_records_complete,
        name="case_records_complete",
    ),
    path("cases/<str:case_number>/terminate/", views.case_terminate, name="case_terminate"),
    path("cases/<str:case_number>/remand/", views.case_remand, name="case_remand"),
    path(
        "cases/<str:case_number>/parties/<slug:role>/service/",
        views.case_party_service,
        name="case_party_service",
    ),
    path("cases/<str:case_number>/defer/", screen_views.case_defer, name="case_defer"),
    path(
        "cases/<str:case_number>/liability-resolved/",
        screen_views.case_liability_resolved,
        name="case_liability_resolved",
    ),
    path(
        "cases/<str:case_number>/information/request/",
        screen_views.case_information_request,
        name="case_information_request",
    ),
    path(
        "cases/<str:case_number>/information/received/",
        screen_views.case_information_received,
        name="case_information_received",
    ),
    path(
        "cases/<str:case_number>/information/lapsed/",
        screen_views.case_information_lapsed,
        name="case_information_lapsed",
    ),
    path("cases/<str:case_number>/expedite/", screen_views.case_expedite, name="case_expedite"),
    path(
        "cases/<str:case_number>/consolidate/",
        screen_views.case_consolidate,
        name="case_consolidate",
    ),
]
