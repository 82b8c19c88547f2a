from django.urls import path

from reviews.quality import views

app_name = "quality"
urlpatterns = [
    path("quality/", views.quality_queue, name="quality_queue"),
    path("quality/<str:case_number>/", views.quality_review, name="quality_review"),
    path("quality/<str:case_number>/approve/", views.quality_approve, name="quality_approve"),
    path("quality/<str:case_number>/return/", views.quality_return, name="quality_return"),
    path(
        "quality/<str:case_number>/flags/<int:flag_id>/",
        views.quality_flag_resolve,
        name="quality_flag_resolve",
    ),
]
