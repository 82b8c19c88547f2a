"""Sign-in and role checks for views. Which cases a user may see is a selector's business."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import CASE_MANAGERS


def signed_in(view):
    """`login_required`; but when the session has run out under an htmx request, the whole page
    goes to the sign-in form (rather than the form being swapped into a panel)."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back_to = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(back_to).url)
        return protected(request, *args, **kwargs)

    return wrapper


def role_required(*roles):
    """Signed-in users with one of `roles` pass; anyone else signed in gets 403."""

    def decorator(view):
        @wraps(view)
        @signed_in
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Case administrators and system administrators only; everyone else gets 403.
managers_only = role_required(*CASE_MANAGERS)
