from django.urls import path

from cases.integrity import views

app_name = "integrity"

urlpatterns = [
    path("integrity/", views.integrity, name="integrity"),
]
