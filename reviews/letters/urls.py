from django.urls import path, re_path

from reviews.letters import print_views, views

app_name = "letters"
urlpatterns = [
    path(
        "reviews/cases/<str:case_number>/preview/",
        views.workspace_preview,
        name="workspace_preview",
    ),
    path("quality/<str:case_number>/preview/", views.quality_preview, name="quality_preview"),
    path("cases/<str:case_number>/letters/", views.case_letters, name="case_letters"),
    path("cases/<str:case_number>/letters/correct/", views.letter_correct, name="letter_correct"),
    re_path(
        r"^cases/(?P<case_number>[^/]+)/letters/(?P<version>[0-9]+)/(?P<which>party|public)\.pdf$",
        views.letter_download,
        name="letter_download",
    ),
    path(
        "cases/<str:case_number>/letters/<int:version>/retry/",
        views.letter_retry,
        name="letter_retry",
    ),
    re_path(
        r"^cases/(?P<case_number>[^/]+)/notices/(?P<kind>[a-z_]+)/(?P<version>[0-9]+)\.pdf$",
        views.notice_download,
        name="notice_download",
    ),
    path(
        "cases/<str:case_number>/notices/<str:kind>/<int:version>/retry/",
        views.notice_retry,
        name="notice_retry",
    ),
    path("verify/", views.letter_verify, name="letter_verify"),
    path("letters/print-queue/", print_views.print_queue_page, name="print_queue"),
    path(
        "letters/print-queue/batches/<int:batch_id>.pdf",
        print_views.print_batch_download,
        name="print_batch_download",
    ),
    path(
        "letters/print-queue/batches/<int:batch_id>/",
        print_views.print_batch_status,
        name="print_batch_status",
    ),
    path(
        "letters/print-queue/batches/<int:batch_id>/retry/",
        print_views.print_batch_retry_view,
        name="print_batch_retry",
    ),
    path(
        "cases/<str:case_number>/proofs/<int:proof_id>.pdf",
        views.proof_download,
        name="proof_download",
    ),
    path(
        "letters/print-queue/batches/<int:batch_id>/posted/",
        print_views.print_batch_confirm,
        name="print_batch_confirm",
    ),
    path("settings/organization/", views.organization_settings, name="organization_settings"),
]
