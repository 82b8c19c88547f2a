from django.urls import path

from reviews.precedents import views

app_name = "precedents"
urlpatterns = [
    path("precedents/", views.precedent_search, name="precedent_search"),
    path("precedents/csv/", views.precedent_search_csv, name="precedent_search_csv"),
]
