from django.urls import path

from .views import assignment as views

urlpatterns = [
    path("cases/<str:case_number>/assign/", views.case_assign, name="case_assign"),
    path("assignments/batch/", views.assignments_batch, name="assignments_batch"),
    path("reviews/", views.reviewer_dashboard, name="reviewer_dashboard"),
    path(
        "reviews/assignments/<int:assignment_id>/accept/",
        views.assignment_accept,
        name="assignment_accept",
    ),
    path(
        "reviews/assignments/<int:assignment_id>/decline/",
        views.assignment_decline,
        name="assignment_decline",
    ),
    path("settings/specialties/", views.specialty_table, name="specialty_table"),
    path("settings/specialties/<str:category>/", views.specialty_row, name="specialty_table_row"),
]
