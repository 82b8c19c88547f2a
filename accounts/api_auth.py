"""How the REST API knows who calls: our hashed tokens for API clients, and the signed-in
session for staff who have given their second factor. API clients never use a session."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from accounts.second_factor import second_factor_missing
from accounts.tokens import api_token_check


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <key>")
        token = api_token_check(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                "That token is not valid: it is unknown, expired or revoked. Ask the IRO's "
                "system administrator for a new one."
            )
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class StaffSessionAuthentication(SessionAuthentication):
    """The browser session of a person (the browsable schema, an administrator checking the
    API); not an API client's, and not before the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if user.is_api_client or second_factor_missing(request._request, user):
            return None
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token as the OpenAPI schema describes it: `Authorization: Token <key>`."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=ApiTokenAuthentication.keyword
        )


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = StaffSessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
