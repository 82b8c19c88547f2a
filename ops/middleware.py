"""The request id and the access log; our error pages while DEBUG is on, and for a 405."""

import logging
import time

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils.log import log_response

from ops import errors, requestid, views

access_log = logging.getLogger("imr.access")
# What Django's debug pages (technical_404_response, technical_500_response) carry in <head>.
_DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


class RequestLogMiddleware:
    """Takes the request id from `X-Request-ID` (or makes one), holds it for every log record
    of the request, returns it in the response's header, and writes one access line: method,
    path (never the query string: a search may hold a worker's name), status, duration, user
    id, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = requestid.request_id_from(request.headers.get(requestid.HEADER))
        request.request_id = request_id
        token = requestid.current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response[requestid.HEADER] = request_id
            if response.status_code >= 400:
                # What Django's handler logs once the middleware has returned (outside the
                # request id): logged here, inside it, and Django then leaves it.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
            user_id = _user_id(request)
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                },
            )
            return response
        finally:
            requestid.current.reset(token)


def _user_id(request) -> int | None:
    # Only a user the request already loaded: the access log adds no query to any page.
    # (`_cached_user` is where django.contrib.auth's middleware keeps the loaded user.)
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


class DebugErrorPagesMiddleware:
    """While DEBUG is on, Django answers an unknown URL with a page that lists every URL of the
    site, and an error with its traceback. With IMR_DEBUG_ERROR_PAGES (the default) those are
    replaced by our pages, as in production, for every user (issue 12: our own error pages,
    also in development); IMR_DEBUG_TRACEBACKS=1 brings back the traceback, and
    IMR_DEBUG_ERROR_PAGES=false every debug page. Our own error pages carry a mark, so only
    Django's debug responses are replaced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        replacement = self._replacement(request, response)
        if replacement is None:
            return response
        # Django logged the error already: the handler must not log our page a second time.
        replacement._has_been_logged = getattr(response, "_has_been_logged", False)
        return replacement

    def _replacement(self, request, response):
        if not (settings.DEBUG and settings.IMR_DEBUG_ERROR_PAGES):
            return None
        if response.status_code not in (400, 404, 500) or errors.is_error_page(response):
            return None
        if not response.get("Content-Type", "").startswith("text/html"):
            return None
        if response.status_code == 400:
            # A view's own 400 (a form's answer to htmx) stays; Django's debug page for a
            # suspicious request (its traceback, with the settings) is replaced.
            if response.streaming or _DEBUG_PAGE_MARK not in response.content:
                return None
            if settings.IMR_DEBUG_TRACEBACKS:
                return None
            return errors.bad_request(request, None)
        if response.status_code == 404:
            return errors.page_not_found(request, None)
        if settings.IMR_DEBUG_TRACEBACKS:
            return None
        return errors.server_error(request)


class MethodNotAllowedPageMiddleware:
    """A GET to a form's address (require_POST), or a POST to a page (require_GET), is answered
    by Django with an empty 405, which the browser shows as its own "HTTP ERROR 405". Ours
    fills that body with our page, whatever the method; the API keeps DRF's JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path.startswith(errors.API_PREFIX)
        ):
            return errors.method_not_allowed(request, response)
        return response


class HealthProbeMiddleware:
    """The probes answer whatever Host header they come with: a load balancer or a container's
    health check asks by IP address, which ALLOWED_HOSTS (checked by CommonMiddleware, after
    this one) would refuse. They build no URL from the host, so nothing depends on it. Every
    method goes to them: a POST is answered 405 by the view, not with the CSRF page (from QA)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == reverse("ops:live"):
            return views.live(request)
        if request.path_info == reverse("ops:health"):
            return views.health(request)
        return self.get_response(request)
