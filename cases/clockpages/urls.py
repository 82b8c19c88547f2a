from django.urls import path

from cases.clockpages import views

app_name = "clock"

urlpatterns = [
    path("clock/", views.calculator, name="calculator"),
    path("settings/holidays/", views.holidays, name="holidays"),
]
