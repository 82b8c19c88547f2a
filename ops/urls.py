from django.urls import path

from ops import views

app_name = "ops"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/live/", views.live, name="live"),
    path("metrics", views.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
]
