"""Pages every room shares that are not any room's."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = ""):
    """Django's CSRF_FAILURE_VIEW: a form posted from a page that is out of date (the session
    ended, or the user signed in again in another tab, which gives a new token). Nothing was
    done; the page offers to open the form again, where a draft brings back what was typed."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "csrf_failure.html", {"back": back}, status=403)
