from django.urls import path

from cases.api import token_views

app_name = "api_tokens"
urlpatterns = [
    path("settings/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke/",
        token_views.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
