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
    """`Authorization: Token <key>`, one way only (the schema documents it). A header in
    another form (`Bearer <key>`, the usual guess) is answered with how to send it, not with
    "credentials were not provided" as if no header had come."""

    keyword = "Token"
    how_to_send = "Send the header as: Authorization: Token <key>"

    def authenticate(self, request):
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts:
            return None
        if parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                f"{self.how_to_send} (the word Token, not {parts[0][:20]})."
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(f"{self.how_to_send}.")
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
