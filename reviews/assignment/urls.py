from django.urls import path

from reviews.assignment import views

app_name = "assignment"
urlpatterns = [
    path("cases/<str:case_number>/assign/", views.case_assign, name="case_assign"),
    path("assignments/batch/", views.assignments_batch, name="assignments_batch"),
]
