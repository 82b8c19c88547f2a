from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:case_number>/assign/", views.case_assign, name="case-assign"),
    path("assignments/batch/", views.assignments_batch, name="assignments-batch"),
    path("reviews/", views.reviewer_dashboard, name="reviewer-dashboard"),
    path(
        "reviews/assignments/<int:assignment_id>/accept/",
        views.assignment_accept,
        name="assignment-accept",
    ),
    path(
        "reviews/assignments/<int:assignment_id>/decline/",
        views.assignment_decline,
        name="assignment-decline",
    ),
    path("settings/specialties/", views.specialty_table, name="specialty-table"),
    path("settings/specialties/<str:category>/", views.specialty_row, name="specialty-table-row"),
]
