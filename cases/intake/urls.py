from django.urls import path

from cases.intake import views

app_name = "intake"
urlpatterns = [
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/new/<str:kind>/row/", views.case_new_row, name="case_new_row"),
]
