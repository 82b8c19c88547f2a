from django.urls import path

from reviews.assignment import views

app_name = "assignment"
urlpatterns = [
    path("cases/<str:case_number>/assign/", views.case_assign, name="case_assign"),
    path("cases/<str:case_number>/unassign/", views.case_unassign, name="case_unassign"),
    path("assignments/batch/", views.assignments_batch, name="assignments_batch"),
    path("assignments/batch/plans/", views.assignments_plan, name="assignments_plan"),
    path(
        "assignments/batch/plans/<int:run_id>/",
        views.assignments_plan_status,
        name="assignments_plan_status",
    ),
]
