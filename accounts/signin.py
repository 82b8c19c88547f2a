"""The sign-in page: the password (axes counts failures and locks a username at one address
out), then the second factor for staff; API clients are refused (they use the API only)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from accounts.events import SIGNED_OUT_ELSEWHERE, SIGNIN_REFUSED_API_CLIENT, auth_event
from accounts.second_factor import second_factor_required, verification_url

API_CLIENT_REFUSED = (
    "This account is an API client: it uses the API with a token and cannot sign in to the "
    "web pages."
)


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_api_client:
            auth_event(SIGNIN_REFUSED_API_CLIENT, request=self.request, username=user.username)
            raise ValidationError(API_CLIENT_REFUSED, code="api_client")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if second_factor_required(self.request.user):
            return f"{verification_url(self.request.user)}?{urlencode({'next': url})}"
        return url


def locked_until(request, credentials) -> timezone.datetime:
    """When the lock on this username at this address ends: the cool-off after its last
    failure (each failure while locked starts the cool-off again)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    last = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the sign-in page again, saying until when."""
    until = timezone.localtime(locked_until(request, credentials))
    return render(
        request,
        "registration/login.html",
        {
            "form": SignInForm(request),
            "locked_until": until,
            "next": request.POST.get("next", ""),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def sessions_end(user, *, request) -> None:
    """Sign `user` out of every session (a browser left signed in somewhere, a lost laptop):
    each one fails Django's session check at its next request (User.sessions_epoch). The
    session making the request goes on; the audit log names who asked and whose sessions
    ended."""
    get_user_model().objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])
    if request.user.pk == user.pk:
        update_session_auth_hash(request, user)
    auth_event(
        SIGNED_OUT_ELSEWHERE, request=request, user=request.user, signed_out=user.get_username()
    )
    if request.user.pk != user.pk:
        # The user signed out has a row of their own, found by their name (from QA: a search
        # for them found nothing, and the one row read as the administrator signing out).
        auth_event(
            SIGNED_OUT_ELSEWHERE,
            request=request,
            user=user,
            ended_by=request.user.get_username(),
        )


@transaction.atomic
def second_factor_reset(devices, *, request) -> None:
    """A system administrator resets a second factor (a lost phone): the devices are deleted
    and every session of their users ends, since a session keeps the verification of a device
    deleted under it (the laptop may be lost with the phone). The user signs in again and
    enrols a new app; the audit log names whose sessions ended."""
    users = {device.user_id: device.user for device in devices}
    for device in devices:
        device.delete()
    for user in users.values():
        sessions_end(user, request=request)
