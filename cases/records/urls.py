from django.urls import path

from cases.records import views

app_name = "records"
urlpatterns = [
    path("cases/<str:case_number>/records/<int:record_id>/", views.case_record, name="case_record"),
]
