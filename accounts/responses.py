"""Responses every room's views share."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

# What a signed-out htmx request is told (the page shows it and offers to sign in again).
SESSION_ENDED = "Your session has ended. Sign in again; what you typed is kept in this window."


def wants_fragment(request) -> bool:
    """An htmx request for a fragment (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_fragment(request, template: str, fragment: str, context: dict) -> TemplateResponse:
    """The whole page, or for htmx (not a history restore) its partial `fragment` alone."""
    if wants_fragment(request):
        template = f"{template}#{fragment}"
    return TemplateResponse(request, template, context)


def redirect_after_post(request, url: str):
    """After a POST: a client-side redirect for htmx (the whole page moves), a plain one
    otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def session_ended(request, login_url: str | None = None):
    """The one answer to a request whose session has ended (or is not verified yet): a full
    page goes to the sign-in form (or the second-factor step) and comes back; an htmx request (a
    panel, an autosave) gets 401 and the page says so, so nothing is swapped in and nothing
    typed is lost."""
    if getattr(request, "htmx", False):
        return HttpResponse(SESSION_ENDED, status=401, content_type="text/plain")
    if request.method == "POST":
        # A form's address answers only its POST: signed in again, the user goes back to the
        # page the form was on (else their start page), not to "this address is for a form".
        back = request.headers.get("Referer", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            page = urlsplit(back)
            return redirect_to_login(
                page.path + (f"?{page.query}" if page.query else ""), login_url
            )
        return redirect_to_login(resolve_url(settings.LOGIN_REDIRECT_URL), login_url)
    return redirect_to_login(request.get_full_path(), login_url)


def with_messages(request, response: HttpResponse) -> HttpResponse:
    """A fragment for htmx with the request's messages added out of band (into the page's
    #messages): what an action says is shown where it was done, not on the next page."""
    if hasattr(response, "render"):
        response.render()
    response.content += render_to_string(
        "components/messages.html", {"oob": True}, request=request
    ).encode()
    return response
