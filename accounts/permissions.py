"""Role checks for views. Which cases a user may see is a selector's business, not this."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Role

CASE_MANAGERS = (Role.CASE_ADMIN, Role.SYSTEM_ADMIN)


def role_required(*roles):
    """Signed-in users with one of `roles` pass; anyone else signed in gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
