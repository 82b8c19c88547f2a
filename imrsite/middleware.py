"""Site-wide request and response rules that no single room owns: no-store on medical
information, and input no field accepts refused before any view reads it."""

from __future__ import annotations

from django.utils.cache import patch_cache_control

from cases.jsoncheck import has_nul
from imrsite.errors import api_error, bad_input_page, is_api

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Cache-Control: no-store (and Pragma: no-cache for HTTP/1.0 caches) on every answer to a
    signed-in request, to a POST and on every API answer: each may carry medical information,
    which no shared cache, proxy or browser disk cache may keep (45 CFR 164.312(a)(1), access
    control). The API signs in by token inside the view, so its answers are marked by path.
    Static files are served by WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        # An answer to a POST too, signed in or not: the letter check's result names the case
        # of the letter sent, and a form's answer is about what was sent, never to be kept.
        if signed_in or request.method == "POST" or request.path.startswith(API_PREFIX):
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response


class NulCharacterRefusal:
    """A NUL character (\\u0000) in the address, a query parameter or a posted form field is
    refused with a message (400: JSON for the API, a page otherwise): PostgreSQL stores none,
    and views that read a parameter directly (a search, a filter, a draft) would answer 500.
    JSON bodies are checked by the intake checker (cases.jsoncheck), field by field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self._where(request)
        if where is None:
            return self.get_response(request)
        message = f"{where} contains a NUL character (\\u0000), which no field accepts."
        if is_api(request):
            return api_error(message, status=400)
        return bad_input_page(request, message)

    @staticmethod
    def _where(request) -> str | None:
        if has_nul(request.path):
            return "The address"
        for name, values in request.GET.lists():
            if has_nul(name) or any(has_nul(value) for value in values):
                return f"The parameter “{name.replace(chr(0), '')}”"
        # Only the web's forms: the API reads JSON, and reading the body here would bypass its
        # size check.
        if request.method == "POST" and not is_api(request):
            for name, values in request.POST.lists():
                if has_nul(name) or any(has_nul(value) for value in values):
                    return f"The field “{name.replace(chr(0), '')}”"
        return None
