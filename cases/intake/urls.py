from django.urls import path

from cases.intake import import_views, views

app_name = "intake"
urlpatterns = [
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/import/", import_views.import_new, name="import_new"),
    path("cases/import/<int:import_id>/", import_views.import_run, name="import_run"),
    path(
        "cases/import/<int:import_id>/resume/",
        import_views.import_run_resume_view,
        name="import_run_resume",
    ),
    path("cases/new/<str:kind>/row/", views.case_new_row, name="case_new_row"),
    path("cases/new/draft/", views.draft_save, name="draft_save"),
    path("cases/new/draft/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
    path("cases/new/draft/file/", views.draft_file_add, name="draft_file_add"),
    path(
        "cases/new/draft/file/<int:pk>/remove/",
        views.draft_file_remove,
        name="draft_file_remove",
    ),
]
