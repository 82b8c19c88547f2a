"""Site-wide response rules that no single room owns."""

from django.utils.cache import patch_cache_control

API_PREFIX = "/api/"


class NoStoreMiddleware:
    """Cache-Control: no-store (and Pragma: no-cache for HTTP/1.0 caches) on every answer to a
    signed-in request and on every API answer: each may carry medical information, which no
    shared cache, proxy or browser disk cache may keep (45 CFR 164.312(a)(1), access control).
    The API signs in by token inside the view, so its answers are marked by path. Static files
    are served by WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(API_PREFIX):
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response
