"""The site's error pages (handler400, 403, 404, 500 in imrsite.urls; the 405's body, put in
by MethodNotAllowedPageMiddleware): our templates with a way forward, and JSON in the API's
shape (`{"errors": [{"path", "message"}]}`) for /api/ paths. Each response is marked, so
DebugErrorPagesMiddleware knows it from Django's debug pages."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse

from cases.access import Ability, cases_visible_to, may
from cases.lifecycle.models import Case
from cases.registry import reviewer_side
from ops import requestid

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
_MARK = "imr_error_page"

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    500: "Something went wrong on our side; it has been logged.",
}


def _mark(response: HttpResponse) -> HttpResponse:
    setattr(response, _MARK, True)
    return response


def is_error_page(response: HttpResponse) -> bool:
    return getattr(response, _MARK, False)


def _request_id(request) -> str | None:
    return getattr(request, "request_id", None) or requestid.request_id_get()


def _api_error(request, status: int) -> HttpResponse | None:
    if not (request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")):
        return None
    message = MESSAGES[status]
    if status == 404:
        # An address the API does not have (/api/, a mistyped path): where its addresses are.
        message = (
            f"No such address in the API. The schema ({reverse('api-schema')}) lists its "
            f"addresses, such as {reverse('api:cases')}."
        )
    body = {"errors": [{"path": None, "message": message}]}
    if status == 500:
        body["request_id"] = _request_id(request)
    return _mark(JsonResponse(body, status=status))


def bad_request(request, exception=None, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        # A body Django would not read (README "Hostile input"): the API's documented 413.
        if request.path.startswith(API_PREFIX):
            limit = settings.API_MAX_BODY_BYTES / 1_048_576
            body = {
                "errors": [
                    {
                        "path": "$",
                        "message": f"The request body is over the limit of {limit:.0f} MB. Send "
                        "fewer applications or records per request.",
                    }
                ]
            }
            return _mark(JsonResponse(body, status=413))
        context = {"message": "What you sent is too large to be read."}
        return _mark(render(request, template_name, context, status=400))
    response = _api_error(request, 400)
    return response or _mark(render(request, template_name, status=400))


def permission_denied(request, exception=None, template_name="403.html"):
    response = _api_error(request, 403)
    # Why, as the guard said it ("This is for system administrators.").
    context = {"why": str(exception or "")}
    return response or _mark(render(request, template_name, context, status=403))


def page_not_found(request, exception=None, template_name="404.html"):
    response = _api_error(request, 404)
    return response or _mark(render(request, template_name, status=404))


def method_not_allowed(request, response: HttpResponse) -> HttpResponse:
    """Our page as the body of Django's empty 405, whose status and Allow header stay: a form's
    address opened directly (GET, HEAD), or a form sent to a page that only shows (POST to
    the case list)."""
    context = {
        "case_url": _case_url(request),
        "opened": request.method in ("GET", "HEAD"),
    }
    response.content = loader.render_to_string("405.html", context, request)
    return _mark(response)


def _case_url(request) -> str | None:
    """The case's page the address lies under, when the case is one the user may see
    (cases.access): the case page (/cases/<number>/...), or the reviewer's workspace
    (/reviews/cases/<number>/...: a refused signature or save leaves the browser on its form's
    address, and reopened it offered only the start page, from QA). A way back that is no
    404, built from our own URLconf, never from the Referer: no way off the site."""
    match = request.resolver_match
    case_number = match.kwargs.get("case_number") if match else None
    if not case_number:
        return None
    try:
        pages = [reverse("casefile:case_detail", args=[case_number])]
    except NoReverseMatch:
        return None
    if may(getattr(request, "user", None), Ability.REVIEW):
        # The workspace is the reviewers' (another role would be answered 403 there).
        pages.append(reviewer_side().reviewer_case_url(Case(case_number=case_number)) or "")
    url = next((page for page in pages if page and request.path.startswith(page)), None)
    if url is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not cases_visible_to(user).filter(case_number=case_number).exists():
        return None
    return url


def server_error(request, template_name="500.html"):
    """Rendered without the request's context: the fault may be the database, which the
    context processors (the signed-in user, what they may do) would ask again."""
    response = _api_error(request, 500)
    if response is not None:
        return response
    context = {"request_id": _request_id(request)}
    try:
        html = loader.get_template(template_name).render(context)
    except Exception:
        # The page itself failed (a template or static-file fault): a plain answer, logged.
        logger.exception("The 500 page could not be rendered")
        html = (
            "<!doctype html><title>Server error</title><h1>Something went wrong</h1>"
            f"<p>It has been logged (request {context['request_id']}). <a href='/'>Home</a></p>"
        )
    return _mark(HttpResponse(html, status=500))
