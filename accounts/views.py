"""Pages every room shares that are not any room's."""

import time

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts import second_factor
from accounts.events import (
    PASSWORD_CHANGED,
    SECOND_FACTOR_FAILED,
    SECOND_FACTOR_VERIFIED,
    auth_event,
)
from accounts.form_tokens import form_token_issue, form_token_use
from accounts.models import Notification
from accounts.notifications import PAGE_SIZE as NOTIFICATIONS_PAGE_SIZE
from accounts.notifications import notifications_read, notifications_unread_after
from accounts.reauth import ReauthForm, password_confirm, reauth_record
from accounts.responses import redirect_after_post
from accounts.row_ids import row_id
from accounts.second_factor import is_enrolled, is_verified
from accounts.session_timeout import session_left_seconds
from accounts.signin import sessions_end


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


# --- The second factor and the password (README "Authentication") --------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _signed_in(request):
    return None if request.user.is_authenticated else redirect_to_login(request.get_full_path())


# A replacement of the app may go on this long after the password and code that opened it
# (scanning a code with a new phone takes a while); then they are asked for again.
REPLACING_APP_AT = "imr_replacing_app_at"
REPLACING_APP_MINUTES = 15


@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Enrol an authenticator app: its QR code and key, then its first code. Ten recovery codes
    are shown once, on the page that answers the confirmation. Replacing the app asks first for
    the password and the current code (or a recovery code), unless given in the last minutes:
    a session left open must not be able to swap the second factor (and the new app's first
    code is no re-authentication)."""
    if (answer := _signed_in(request)) is not None:
        return answer
    user = request.user
    if is_enrolled(user) and not is_verified(request):
        return redirect(f"{reverse('account:second_factor_verify')}?{request.GET.urlencode()}")
    if is_verified(request) and not is_enrolled(user):
        # An administrator deleted the app (a user who lost it) while this session was open:
        # the new one is set up at a new sign-in, not from a session anyone may have left.
        auth_logout(request)
        messages.info(request, "Your second factor was reset. Sign in to set up a new one.")
        return redirect("login")
    # A verified session sets up only a replacement, behind the password and the current code.
    replacing = is_verified(request)
    if replacing and not _replacing_app_opened(request):
        return _replacing_app_open(request)
    device = second_factor.totp_device_start(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        wait = second_factor.code_wait(user, device=device)
        codes = second_factor.totp_enrol_confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            if replacing:
                request.session.pop(REPLACING_APP_AT, None)
            else:
                reauth_record(request)  # the sign-in's password, and now its first code
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
        form.add_error("code", second_factor.code_refused(wait))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": second_factor.totp_qr_svg(device),
            "secret": second_factor.totp_secret(device),
            # On the phone that holds the app, the QR code cannot be scanned: the same address
            # as a link opens the app (from QA).
            "otpauth_url": device.config_url,
            "next": _next_url(request),
            "replacing": replacing,
        },
        status=400 if form.is_bound else 200,
    )


def _replacing_app_opened(request) -> bool:
    at = request.session.get(REPLACING_APP_AT)
    return at is not None and time.time() - at <= REPLACING_APP_MINUTES * 60


def _replacing_app_open(request):
    """The password and the current code, before a new app's key is shown."""
    form = ReauthForm(request.POST or None, request=request)
    if not form.reauth_needed or form.is_valid():  # given in the last minutes, or now
        request.session[REPLACING_APP_AT] = time.time()
        return redirect(request.get_full_path())
    return render(
        request,
        "accounts/second_factor_replace.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """After the password: a code from the app, or a recovery code."""
    if (answer := _signed_in(request)) is not None:
        return answer
    user = request.user
    if not is_enrolled(user):
        return redirect(f"{reverse('account:second_factor_setup')}?{request.GET.urlencode()}")
    if is_verified(request):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device, refused = second_factor.code_match(
            user, form.cleaned_data["code"], or_recovery=True
        )
        if device is not None:
            django_otp.login(request, device)
            reauth_record(request)
            auth_event(SECOND_FACTOR_VERIFIED, request=request, user=user, device=device.name)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones on "
                    "“Second factor” if you are running short.",
                )
            return redirect(_next_url(request))
        auth_event(SECOND_FACTOR_FAILED, request=request, user=user)
        form.add_error("code", refused)
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.is_bound else 200,
    )


# A reload of the page that showed new codes sends the form again: its one-use token makes
# sure that makes (and shows) no other set, stopping the one just written down.
RECOVERY_FORMS = "recovery"


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The second factor's page for a verified user: new recovery codes (shown once), or a new
    authenticator app. The form sent again (a reload of the codes page) makes no new set."""
    if (answer := _signed_in(request)) is not None:
        return answer
    if not request.user.needs_second_factor:
        raise PermissionDenied("API clients have no second factor.")
    if request.method == "POST":
        form = ReauthForm(request.POST, request=request)
        if form.is_valid():
            if form_token_use(request, RECOVERY_FORMS):
                codes = second_factor.recovery_codes_issue(request.user, request=request)
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False}
                )
            form = ReauthForm(request=request)
            messages.warning(
                request,
                "No new codes were made: this form was sent already (a reload sends it again). "
                "The codes shown when it was first sent are the ones that work. To replace "
                "them, press “Make new recovery codes”.",
            )
    else:
        form = ReauthForm(request=request)
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "left": left,
            "enrolled": is_enrolled(request.user),
            "form_token": form_token_issue(request, RECOVERY_FORMS),
        },
        status=400 if form.is_bound else 200,
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, the current password checked as the sign-in checks it (lock-out and
    audit log: accounts.reauth.password_confirm)."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_confirm(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account:password_change_done")
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        auth_event(PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@require_http_methods(["GET"])
def session_alive(request):
    """204 while this browser's session holds, 401 once it has ended (a session without its
    second factor is sent to it by the middleware, as every page is). static/js/session.js asks
    before a form that is not htmx's is sent: an ended session then shows the page's notice and
    keeps what was typed, where the browser would have left the page for the sign-in form and
    lost it."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    answer = HttpResponse(status=204)
    # How long the session holds without another request (the page's warning counts from it):
    # asked with the poll header, this request is no activity itself.
    answer["IMR-Session-Left"] = str(session_left_seconds(request.session, time.time()))
    return answer


@require_http_methods(["POST"])
def sign_out_elsewhere(request):
    """The password page's "Sign out everywhere else": every other session of the user ends
    (a browser left signed in on another computer); this one goes on."""
    if (answer := _signed_in(request)) is not None:
        return answer
    if request.user.is_api_client:
        raise PermissionDenied("API clients have no web sessions.")
    sessions_end(request.user, request=request)
    messages.success(
        request,
        "You are signed out everywhere else: every other browser or computer where you were "
        "signed in asks for your password again.",
    )
    return redirect("account:password_change")


@require_http_methods(["GET", "POST"])
def notifications(request):
    """The user's in-app notifications, newest first, 25 a page (accounts.notifications). A
    POST marks one (`id`) or all that the page showed (`upto`, its newest id) read."""
    if (answer := _signed_in(request)) is not None:
        return answer
    if request.user.is_api_client:
        raise PermissionDenied("API clients have no web pages.")
    if request.method == "POST":
        return _notifications_mark_read(request)
    notes = Notification.objects.filter(user=request.user)
    paginator = Paginator(notes.order_by("-created", "-pk"), NOTIFICATIONS_PAGE_SIZE)
    # One query for the count the pages need and the newest id, the cutoff of "Mark all read".
    shown = notes.aggregate(count=Count("pk"), newest=Max("pk"))
    paginator.count = shown["count"]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "accounts/notifications.html", {"page": page, "newest_id": shown["newest"]}
    )


def _notifications_mark_read(request):
    """One notification (`id`), or "all" as the page showed them: those up to its newest
    (`upto`), so one that arrived after the page was opened stays unread and is told of. An id
    that is no id (row_id), or none of the user's, marks nothing. The user goes back to the page
    they were on (`page`)."""
    back = reverse("account:notifications")
    if (number := row_id(request.POST.get("page"))) and number > 1:
        back += f"?page={number}"
    if one := request.POST.get("id", ""):
        pk = row_id(one)
        marked = notifications_read(request.user, ids=[pk] if pk is not None else [])
        messages.success(
            request, f"{marked} notification{pluralize(marked)} marked read.", extra_tags="focus"
        )
        return redirect_after_post(request, back)
    upto = row_id(request.POST.get("upto"))
    marked = notifications_read(request.user, ids=[] if upto is None else None, upto=upto)
    messages.success(
        request, f"{marked} notification{pluralize(marked)} marked read.", extra_tags="focus"
    )
    if upto is not None and (newer := notifications_unread_after(request.user, upto=upto)):
        messages.info(
            request,
            f"{newer} new notification{pluralize(newer)} arrived since you opened this page; "
            f"{pluralize(newer, 'it is,they are')} still unread.",
        )
    return redirect_after_post(request, back)


@require_http_methods(["GET"])
def notification_open(request, notification_id: int):
    """A notification's link, followed: the notification is read (the bell counts one fewer)
    and the user goes where it points; one without a link, or pointing off this site, leads
    back to the list."""
    if (answer := _signed_in(request)) is not None:
        return answer
    if request.user.is_api_client:
        raise PermissionDenied("API clients have no web pages.")
    note = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if note is None:
        raise Http404("No such notification.")
    notifications_read(request.user, ids=[note.pk])
    if note.link and url_has_allowed_host_and_scheme(
        note.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.link)
    return redirect("account:notifications")
