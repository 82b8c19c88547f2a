from django.urls import path

from .views import determination as views
from .views import quality

urlpatterns = [
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
        "reviews/cases/<str:case_number>/preview/",
        views.workspace_preview,
        name="workspace_preview",
    ),
    path(
        "reviews/cases/<str:case_number>/submit/",
        views.determination_submit,
        name="determination_submit",
    ),
    path("reviews/guidelines/", views.guideline_search, name="guideline_search"),
    path("quality/", quality.quality_queue, name="quality_queue"),
    path("quality/<str:case_number>/", quality.quality_review, name="quality_review"),
    path("quality/<str:case_number>/approve/", quality.quality_approve, name="quality_approve"),
    path("quality/<str:case_number>/return/", quality.quality_return, name="quality_return"),
]
