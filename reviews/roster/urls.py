from django.urls import path

from reviews.roster import views

app_name = "roster"
urlpatterns = [
    path("settings/specialties/", views.specialty_table, name="specialty_table"),
    path("settings/specialties/<str:category>/", views.specialty_row, name="specialty_table_row"),
]
