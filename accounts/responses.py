"""Responses every room's views share."""

from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def redirect_after_post(request, url: str):
    """After a POST: a client-side redirect for htmx (the whole page moves), a plain one
    otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
