from django.urls import path

from reviews.determination import views

app_name = "determination"
urlpatterns = [
    path("reviews/", views.reviewer_dashboard, name="reviewer_dashboard"),
    path(
        "reviews/assignments/<int:assignment_id>/accept/",
        views.assignment_accept_view,
        name="assignment_accept",
    ),
    path(
        "reviews/assignments/<int:assignment_id>/decline/",
        views.assignment_decline_view,
        name="assignment_decline",
    ),
    path("reviews/guidelines/", views.guideline_search, name="guideline_search"),
    path("reviews/cases/<str:case_number>/", views.workspace, name="workspace"),
    path(
        "reviews/cases/<str:case_number>/step/<int:step>/",
        views.workspace_step,
        name="workspace_step",
    ),
    path(
        "reviews/cases/<str:case_number>/accept/", views.workspace_accept, name="workspace_accept"
    ),
    path(
        "reviews/cases/<str:case_number>/decline/",
        views.workspace_decline,
        name="workspace_decline",
    ),
    path("reviews/cases/<str:case_number>/draft/", views.draft_save, name="draft_save"),
    path(
        "reviews/cases/<str:case_number>/warnings/",
        views.warnings_confirm,
        name="warnings_confirm",
    ),
    path(
        "reviews/cases/<str:case_number>/warnings/replace/",
        views.warning_replace,
        name="warning_replace",
    ),
    path(
        "reviews/cases/<str:case_number>/submit/",
        views.determination_submit,
        name="determination_submit",
    ),
]
